/**
 * Space-separated list flags: `--assets bitcoin ethereum` (the seed's argparse style) means the
 * same as `--assets bitcoin,ethereum`.
 * @module
 */

/**
 * Rewrites `args` so that the values following a list flag (up to the next argument that starts
 * with `-`) join into one comma-separated value: `["--assets", "a", "b", "--json"]` becomes
 * `["--assets", "a,b", "--json"]`. `--flag=a b` joins as well; everything after `--` is kept.
 */
export function joinListFlags(args: readonly string[], flags: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === "--") {
      out.push(...args.slice(i));
      break;
    }
    const eq = a.indexOf("=");
    const name = eq > 0 ? a.slice(0, eq) : a;
    if (!a.startsWith("--") || !flags.includes(name.slice(2))) {
      out.push(a);
      continue;
    }
    const values = eq > 0 ? [a.slice(eq + 1)] : [];
    while (i + 1 < args.length && !args[i + 1].startsWith("-")) values.push(args[++i]);
    out.push(name);
    if (values.length) out.push(values.join(","));
  }
  return out;
}
