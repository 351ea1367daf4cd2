import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { inputsSha256 } from "../../scripts/gen_report_assets.ts";
import { INPUTS_SHA256, REPORT_SCRIPT, SCRIPT_SHA256, UPLOT_LICENSE } from "./browser_assets.ts";

const REGENERATE = "run: deno run -A scripts/gen_report_assets.ts";

Deno.test("browser_assets.ts was generated from the current browser sources and uPlot", async () => {
  assert.equal(
    await inputsSha256(),
    INPUTS_SHA256,
    `lib/report/browser_assets.ts is out of date (a browser source or uPlot changed); ${REGENERATE}`,
  );
});

Deno.test("browser_assets.ts holds the script it was generated with (no hand edits)", () => {
  const actual = createHash("sha256").update(REPORT_SCRIPT).digest("hex");
  assert.equal(actual, SCRIPT_SHA256, `REPORT_SCRIPT was edited by hand; ${REGENERATE}`);
});

Deno.test("the inlined script cannot end its <script> element and ships uPlot's MIT notice", () => {
  assert.ok(!/<\/script|<!--/i.test(REPORT_SCRIPT));
  assert.match(UPLOT_LICENSE, /^The MIT License \(MIT\)\n\nCopyright \(c\) 2022 Leon Sorokin/);
  assert.ok(UPLOT_LICENSE.includes("The above copyright notice and this permission notice"));
  assert.ok(!UPLOT_LICENSE.includes("*/"), "the notice fits in a /* */ comment");
});
