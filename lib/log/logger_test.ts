import assert from "node:assert/strict";
import { closeLogging, configureLogging, getLogger } from "./logger.ts";

const SECRET = "CG-logged-secret-123";
const redact = (t: string) => t.replaceAll(SECRET, "***");

Deno.test("both sinks redact configured secrets in the message and in nested fields", () => {
  const dir = Deno.makeTempDirSync();
  const lines: string[] = [];
  try {
    configureLogging({
      level: "debug",
      file: `${dir}/logs/mts.log`,
      console: "always",
      redact,
      writeConsole: (l) => lines.push(l),
    });
    getLogger("collector").warn(`HTTP 401: key ${SECRET} invalid`, {
      error: `echo ${SECRET}`,
      items: [{ detail: SECRET }],
      apiKey: "anything",
    });
    closeLogging();
    const file = Deno.readTextFileSync(`${dir}/logs/mts.log`);
    const rec = JSON.parse(file.trim());
    assert.equal(rec.msg, "HTTP 401: key *** invalid");
    assert.equal(rec.error, "echo ***");
    assert.deepEqual(rec.items, [{ detail: "***" }]);
    assert.equal(rec.apiKey, "(redacted)");
    assert.ok(!file.includes(SECRET) && !lines.join("").includes(SECRET), lines.join(""));
    assert.match(lines[0], /WARN {2}\[collector\] HTTP 401: key \*\*\* invalid error=echo \*\*\*/);
  } finally {
    closeLogging();
    configureLogging({});
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("the terminal sink escapes control characters; each record stays one line", () => {
  const lines: string[] = [];
  try {
    configureLogging({ console: "always", writeConsole: (l) => lines.push(l) });
    getLogger("import").info("asset \u001b[2Jevil\nsecond line", { id: "a\u0007b" });
  } finally {
    configureLogging({});
  }
  assert.equal(lines.length, 1);
  assert.ok(lines[0].endsWith("\n") && lines[0].indexOf("\n") === lines[0].length - 1);
  assert.match(lines[0], /\[import\] asset \\x1b\[2Jevil\\nsecond line id=a\\x07b$/m);
});
