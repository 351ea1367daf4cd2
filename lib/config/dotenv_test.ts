import assert from "node:assert/strict";
import { ConfigError } from "../core/errors.ts";
import { parseDotenv, readDotenv } from "./dotenv.ts";

Deno.test("dotenv: assignments, export, comments, quotes and escapes", () => {
  const text = [
    "# a comment",
    "",
    "FRED_API_KEY=abc123 # trailing comment",
    "export LOG_LEVEL = debug",
    "COLLECT_ASSETS='bitcoin # not a comment'",
    'API_HOST="a\\tb\\"c\\\\d"',
    "EMPTY=",
    "URL=https://x.test/a#frag",
  ].join("\r\n");
  assert.deepEqual(parseDotenv(text, ".env"), [
    { name: "FRED_API_KEY", value: "abc123", line: 3 },
    { name: "LOG_LEVEL", value: "debug", line: 4 },
    { name: "COLLECT_ASSETS", value: "bitcoin # not a comment", line: 5 },
    { name: "API_HOST", value: 'a\tb"c\\d', line: 6 },
    { name: "EMPTY", value: "", line: 7 },
    { name: "URL", value: "https://x.test/a#frag", line: 8 },
  ]);
});

Deno.test("dotenv: a broken line names file:line and never echoes the line (it may be a secret)", () => {
  const check = (text: string, re: RegExp) =>
    assert.throws(
      () => parseDotenv(text, "conf/.env"),
      (e) => e instanceof ConfigError && re.test(e.message) && !e.message.includes("CG-sekret"),
    );
  check("A=1\nCOINGECKO_API_KEY CG-sekret\n", /^conf\/\.env:2: expected NAME=value/);
  check("A='CG-sekret\n", /^conf\/\.env:1: unterminated single quote/);
  check('A="CG-sekret\n', /^conf\/\.env:1: unterminated double quote/);
});

Deno.test("dotenv: a missing file is no file; a directory is an error naming the path", () => {
  const dir = Deno.makeTempDirSync();
  try {
    assert.deepEqual(readDotenv(`${dir}/.env`), []);
    assert.throws(
      () => readDotenv(dir),
      (e) => e instanceof ConfigError && e.message.includes(dir),
    );
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
