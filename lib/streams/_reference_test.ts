/**
 * Access to the wire-format samples in `../shared/reference/messages/`, read in place. Outside CI
 * the tests that need them skip with a message when the folder is absent (a user's clone); under
 * `CI=true` they run and fail instead, so CI can never pass without having run them.
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
  assert.ok(HAS_MESSAGES, `these tests need ${MESSAGES.pathname} (required under CI)`);
  return Deno.readTextFileSync(new URL(name, MESSAGES));
}

/** The names of every file in `messages/<exchange>/`, sorted. */
export function messageFiles(exchange: string): string[] {
  assert.ok(HAS_MESSAGES, `these tests need ${MESSAGES.pathname} (required under CI)`);
  return [...Deno.readDirSync(new URL(`${exchange}/`, MESSAGES))]
    .filter((e) => e.isFile && e.name.endsWith(".json"))
    .map((e) => `${exchange}/${e.name}`)
    .sort();
}

/**
 * `ignore` for a test that reads the samples: skipped only outside CI. Under `CI=true` the test
 * runs even without the folder and fails in {@link message}, so CI cannot pass without them.
 */
export const IGNORE_WITHOUT_MESSAGES: boolean = !HAS_MESSAGES && Deno.env.get("CI") !== "true";
