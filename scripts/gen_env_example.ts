/**
 * Writes `.env.example` from the variable table in lib/config/variables.ts, so the two never drift
 * (a test checks that the committed file matches). Run: deno run -A scripts/gen_env_example.ts
 * @module
 */
import { VARIABLES } from "../lib/config/variables.ts";

/** The text `.env.example` must hold. */
export function envExample(): string {
  const lines = [
    "# mts configuration. Copy to .env and edit; every task reads it (a missing .env is fine).",
    "# Each variable is shown with its default. Unset or empty variables take the default.",
    "# Variables set in the shell win over this file; a name mts does not know is an error.",
    "",
  ];
  for (const v of VARIABLES) {
    lines.push(`# ${v.description}${v.secret ? " (secret: never logged)" : ""}`);
    lines.push(`${v.name}=${v.default}`);
    lines.push("");
  }
  return lines.join("\n");
}

if (import.meta.main) {
  Deno.writeTextFileSync(".env.example", envExample());
  console.log(`wrote .env.example (${VARIABLES.length} variables)`);
}
