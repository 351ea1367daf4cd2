/**
 * Access to the wire-format samples in `../shared/reference/messages/`, read in place. Outside CI
 * the tests that need them skip with a message when the folder is absent (a user's clone); under
 * `CI=true` the test below fails instead, so CI can never pass without having run them.
 */
import assert from "node:assert/strict";

/** The samples folder, beside the project checkout. */
export const MESSAGES = new URL("../../../shared/reference/messages/", import.meta.url);

/** Whether the samples are there (warns once when they are not). */
export const HAS_MESSAGES: boolean = (() => {
  try {
    Deno.statSync(MESSAGES);
    return true;
  } catch {
    console.warn(
      "skipped the stream reference-message tests: ../shared/reference/messages/ is absent",
    );
    return false;
  }
})();

/** The text of `messages/<name>` (e.g. `binance/doc_spot_ws_depthUpdate.json`). */
export function message(name: string): string {
  return Deno.readTextFileSync(new URL(name, MESSAGES));
}

/** The names of every file in `messages/<exchange>/`, sorted. */
export function messageFiles(exchange: string): string[] {
  return [...Deno.readDirSync(new URL(`${exchange}/`, MESSAGES))]
    .filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => `${exchange}/${e.name}`)
    .sort();
}

Deno.test({
  name: "the reference messages are present under CI",
  ignore: Deno.env.get("CI") !== "true",
  fn() {
    assert.ok(HAS_MESSAGES, `CI needs ${MESSAGES.pathname} (the stream parser tests read it)`);
  },
});
