import assert from "node:assert/strict";
import { formatTable } from "./table.ts";

Deno.test("table cells and headers escape control characters and keep one line per row", () => {
  const rows = [{ id: "evil\u001b[2J\u001b[H", note: "line1\nline2\r" }, { id: "ok", note: "-" }];
  const text = formatTable(rows, [
    { header: "id\u0007", value: (r) => r.id },
    { header: "note", value: (r) => r.note },
  ]);
  // deno-lint-ignore no-control-regex
  assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f]/.test(text), JSON.stringify(text));
  const lines = text.split("\n");
  assert.equal(lines.length, 4, "header, rule and two rows");
  const id = "evil\\x1b[2J\\x1b[H"; // 17 characters once escaped
  assert.equal(lines[2], `${id}  line1\\nline2\\r`);
  // widths are measured on the escaped text, so the columns still line up
  assert.equal(lines[0], `${"id\\x07".padEnd(17)}  note`);
  assert.equal(lines[3], `${"ok".padEnd(17)}  -`);
});
