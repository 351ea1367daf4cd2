/**
 * Constraints between strategy parameters: comparisons of parameters and numbers joined by `and`
 * and `or`, such as `fast < slow`, `2 <= fast < slow and slow <= 200` or
 * `(fast != 10 or slow > 50) and slow < 300`. There is no arithmetic. The grammar:
 *
 * ```text
 * expression := conjunction ("or" conjunction)*
 * conjunction := term ("and" term)*
 * term       := "(" expression ")" | operand (op operand)+      chains: 2 <= fast < slow
 * operand    := parameter name | number (optionally signed, e.g. -1.5, 1e3)
 * op         := < | <= | > | >= | == | !=
 * ```
 *
 * `and` binds tighter than `or`; parentheses are optional. A chain `a < b < c` means
 * `a < b and b < c`. `<`, `<=`, `>`, `>=` need numbers; `==` and `!=` compare any parameter values.
 * Mistakes are SyntaxErrors that quote the expression and give the 1-based column:
 * `Cannot parse constraint "fast < < slow": expected a parameter or a number at column 8, found "<"`.
 * @module
 */

/** A parameter value a trial can have. */
export type ParamValue = number | boolean | string;
/** One trial's parameters. */
export type Params = Readonly<Record<string, ParamValue>>;

/** A parsed constraint. */
export interface Constraint {
  /** The expression as written. */
  readonly text: string;
  /** The parameters it mentions, in order of first use. */
  readonly parameters: readonly string[];
  /** True when `params` satisfy the expression. */
  test(params: Params): boolean;
}

type Op = "<" | "<=" | ">" | ">=" | "==" | "!=";
interface Token {
  kind: "name" | "number" | "op" | "(" | ")" | "and" | "or" | "end";
  text: string;
  column: number;
}
type Operand = { name: string } | { value: number };
type Node =
  | { kind: "or" | "and"; items: Node[] }
  | { kind: "cmp"; operands: Operand[]; ops: Op[] };

const TOKEN =
  /\s*(?:(<=|>=|==|!=|<|>)|([()])|(-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)|([A-Za-z_]\w*)|(\S))/y;

function tokenize(text: string, fail: (msg: string, column: number) => never): Token[] {
  const out: Token[] = [];
  TOKEN.lastIndex = 0;
  let m: RegExpExecArray | null;
  while (TOKEN.lastIndex < text.length && (m = TOKEN.exec(text))) {
    const column = TOKEN.lastIndex - m[0].trimStart().length + 1;
    if (m[1]) out.push({ kind: "op", text: m[1], column });
    else if (m[2]) out.push({ kind: m[2] as "(" | ")", text: m[2], column });
    else if (m[3]) out.push({ kind: "number", text: m[3], column });
    else if (m[4]) {
      const word = m[4].toLowerCase();
      const kind = word === "and" || word === "or" ? word : "name";
      out.push({ kind, text: m[4], column });
    } else if (m[5]) {
      const hint = m[5] === "="
        ? ' (use "==")'
        : m[5] === "&" || m[5] === "|"
        ? ' (use "and" / "or")'
        : "";
      fail(`unexpected "${m[5]}"${hint}`, column);
    } else break; // only trailing whitespace was left
  }
  out.push({ kind: "end", text: "end of expression", column: text.length + 1 });
  return out;
}

/** A recursive-descent parser over the tokens. */
function parse(tokens: Token[], fail: (msg: string, column: number) => never): Node {
  let pos = 0;
  const peek = () => tokens[pos];
  const found = (t: Token) => (t.kind === "end" ? "the end" : `"${t.text}"`);
  const operand = (): Operand => {
    const t = tokens[pos++];
    if (t.kind === "name") return { name: t.text };
    if (t.kind === "number") return { value: Number(t.text) };
    return fail(
      `expected a parameter or a number at column ${t.column}, found ${found(t)}`,
      t.column,
    );
  };
  const term = (): Node => {
    if (peek().kind === "(") {
      pos++;
      const inner = expression();
      const close = tokens[pos++];
      if (close.kind !== ")") {
        fail(`expected ")" at column ${close.column}, found ${found(close)}`, close.column);
      }
      return inner;
    }
    const operands = [operand()], ops: Op[] = [];
    while (peek().kind === "op") {
      ops.push(tokens[pos++].text as Op);
      operands.push(operand());
    }
    if (ops.length === 0) {
      const t = peek();
      fail(
        `expected a comparison (< <= > >= == !=) at column ${t.column}, found ${found(t)}`,
        t.column,
      );
    }
    return { kind: "cmp", operands, ops };
  };
  const list = (kind: "and" | "or", item: () => Node): Node => {
    const items = [item()];
    while (peek().kind === kind) {
      pos++;
      items.push(item());
    }
    return items.length === 1 ? items[0] : { kind, items };
  };
  const conjunction = () => list("and", term);
  const expression = (): Node => list("or", conjunction);
  const tree = expression();
  const rest = peek();
  if (rest.kind !== "end") {
    fail(
      `expected "and", "or" or the end at column ${rest.column}, found ${found(rest)}`,
      rest.column,
    );
  }
  return tree;
}

function compare(a: ParamValue, op: Op, b: ParamValue, text: string): boolean {
  if (op === "==") return a === b;
  if (op === "!=") return a !== b;
  if (typeof a !== "number" || typeof b !== "number") {
    throw new TypeError(
      `Cannot evaluate constraint "${text}": "${op}" needs numbers, got ${a} and ${b}`,
    );
  }
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

function evaluate(node: Node, params: Params, text: string): boolean {
  if (node.kind !== "cmp") {
    return node.kind === "or"
      ? node.items.some((n) => evaluate(n, params, text))
      : node.items.every((n) => evaluate(n, params, text));
  }
  const value = (o: Operand) => ("value" in o ? o.value : params[o.name]);
  for (let i = 0; i < node.ops.length; i++) {
    if (!compare(value(node.operands[i]), node.ops[i], value(node.operands[i + 1]), text)) {
      return false;
    }
  }
  return true;
}

/** The parameter names a tree mentions, in order of first use. */
function names(node: Node, out: string[] = []): string[] {
  if (node.kind !== "cmp") node.items.forEach((n) => names(n, out));
  else for (const o of node.operands) if ("name" in o && !out.includes(o.name)) out.push(o.name);
  return out;
}

/**
 * Parses a constraint over the given parameter names (see the module doc for the language).
 * SyntaxError with the column for malformed text, or for a name not among `parameters`.
 * @example parseConstraint("fast < slow", ["fast", "slow"]).test({ fast: 5, slow: 20 }) // true
 */
export function parseConstraint(text: string, parameters: readonly string[]): Constraint {
  const fail = (msg: string, column: number): never => {
    const at = msg.includes(" at column ") ? "" : ` at column ${column}`;
    throw new SyntaxError(`Cannot parse constraint "${text}": ${msg}${at}`);
  };
  if (typeof text !== "string" || text.trim() === "") fail("it is empty", 1);
  const tokens = tokenize(text, fail);
  const tree = parse(tokens, fail);
  for (const t of tokens) {
    if (t.kind === "name" && !parameters.includes(t.text)) {
      throw new SyntaxError(
        `Cannot parse constraint "${text}": unknown parameter "${t.text}" at column ${t.column} ` +
          `(parameters: ${parameters.join(", ") || "none"})`,
      );
    }
  }
  return { text, parameters: names(tree), test: (params) => evaluate(tree, params, text) };
}
