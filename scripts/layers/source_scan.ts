/**
 * Rules read from a module's syntax tree (the TypeScript parser, so comments, strings, template
 * literals and regular expressions never match, and a name is told apart from a property or a
 * type): purity of the pure layers, edge-only Deno APIs, computed dynamic imports, which names a
 * pure module takes from `node:crypto`, and the length of every function in `lib/`.
 * @module
 */
import ts from "typescript";
import { areaOf, isTestFile } from "./areas.ts";
import {
  EDGE_ONLY,
  LAYERS,
  MAX_FUNCTION_LINES,
  PURE_NODE_IMPORTS,
  PURITY,
  PURITY_MEMBERS,
} from "./rules.ts";
import type { RuleId, Violation } from "./violation.ts";
import { functionName } from "./function_names.ts";

/** What the scan of one file needs. */
interface Scan {
  readonly file: string;
  readonly area: string;
  readonly sf: ts.SourceFile;
  /** Names the module declares itself: they shadow the globals of the same name. */
  readonly local: ReadonlySet<string>;
  readonly out: Violation[];
}

/** Every source-level violation in `text`, the contents of root-relative `file`. */
export function scanSource(file: string, text: string): Violation[] {
  if (isTestFile(file)) return [];
  const area = areaOf(file);
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, scriptKind(file));
  const scan: Scan = { file, area, sf, local: declaredNames(sf), out: [] };
  const pure = LAYERS[area]?.pure ?? false;
  const visit = (node: ts.Node, inType: boolean): void => {
    const typeHere = inType || isTypePosition(node);
    if (!typeHere) {
      if (pure) checkPurity(scan, node);
      else checkEdgeOnly(scan, node);
      checkImportCalls(scan, node, pure);
    }
    if (pure && ts.isImportDeclaration(node)) checkPureNodeImport(scan, node);
    if (pure && ts.isExportDeclaration(node)) checkPureNodeExport(scan, node);
    if (area.startsWith("lib/")) checkLength(scan, node);
    ts.forEachChild(node, (child) => visit(child, typeHere));
  };
  visit(sf, false);
  return scan.out;
}

function scriptKind(file: string): ts.ScriptKind {
  if (file.endsWith(".tsx")) return ts.ScriptKind.TSX;
  if (/\.[mc]?js$/.test(file)) return ts.ScriptKind.JS;
  return ts.ScriptKind.TS;
}

/** Types never run: a name used only as a type is no IO. `class A extends B` runs `B`, though. */
function isTypePosition(node: ts.Node): boolean {
  if (ts.isInterfaceDeclaration(node) || ts.isTypeAliasDeclaration(node)) return true;
  if (ts.isExpressionWithTypeArguments(node)) {
    const clause = node.parent;
    return !(ts.isHeritageClause(clause) && clause.token === ts.SyntaxKind.ExtendsKeyword &&
      (ts.isClassDeclaration(clause.parent) || ts.isClassExpression(clause.parent)));
  }
  return ts.isTypeNode(node);
}

function report(scan: Scan, node: ts.Node, rule: RuleId, message: string, key: string): void {
  const line = scan.sf.getLineAndCharacterOfPosition(node.getStart(scan.sf)).line + 1;
  scan.out.push({ rule, file: scan.file, line, message, key });
}

/** Every name a binding declares anywhere in the module (variables, parameters, imports, …). */
function declaredNames(sf: ts.SourceFile): Set<string> {
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (
      (ts.isVariableDeclaration(node) || ts.isParameter(node) || ts.isBindingElement(node) ||
        ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node) ||
        ts.isImportSpecifier(node) || ts.isImportClause(node) || ts.isNamespaceImport(node) ||
        ts.isEnumDeclaration(node) || ts.isFunctionExpression(node) ||
        ts.isClassExpression(node)) && node.name && ts.isIdentifier(node.name)
    ) names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return names;
}

/** True when identifier `id` is read as a value (not a property name, label or declaration). */
function isValueReference(id: ts.Identifier): boolean {
  const p = id.parent;
  if (ts.isPropertyAccessExpression(p)) return p.expression === id;
  if (ts.isShorthandPropertyAssignment(p)) return true;
  if (ts.isQualifiedName(p) || ts.isMetaProperty(p)) return false;
  const named = p as unknown as { name?: ts.Node; propertyName?: ts.Node; label?: ts.Node };
  return named.name !== id && named.propertyName !== id && named.label !== id;
}

/** The global `name` when `node` reads it and the module does not declare its own. */
function globalRead(scan: Scan, node: ts.Node): string | undefined {
  if (!ts.isIdentifier(node) || scan.local.has(node.text) || !isValueReference(node)) return;
  return node.text;
}

function checkPurity(scan: Scan, node: ts.Node): void {
  const g = globalRead(scan, node);
  if (g !== undefined && Object.hasOwn(PURITY, g)) {
    const p = node.parent;
    const shown = g === "Deno" && ts.isPropertyAccessExpression(p) ? `Deno.${p.name.text}` : g;
    report(scan, node, "purity", `${shown}: ${PURITY[g]}; ${PURE_HINT}`, shown);
  }
  const member = memberName(scan, node);
  if (member !== undefined && Object.hasOwn(PURITY_MEMBERS, member)) {
    report(scan, node, "purity", `${PURITY_MEMBERS[member]}; ${PURE_HINT}`, member);
  }
  checkClockCalls(scan, node);
  if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
    const msg = `import.meta locates the module on disk, which is IO; ${PURE_HINT}`;
    report(scan, node, "purity", msg, "import.meta");
  }
}

const PURE_HINT = "pure layers do no IO and read no clock (DESIGN import rule 1)";

/** `Date.now`, `Math.random`, `Date["now"]`, … when the object is the global of that name. */
function memberName(scan: Scan, node: ts.Node): string | undefined {
  if (ts.isPropertyAccessExpression(node)) {
    const obj = globalRead(scan, node.expression);
    return obj === undefined ? undefined : `${obj}.${node.name.text}`;
  }
  if (ts.isElementAccessExpression(node) && ts.isStringLiteralLike(node.argumentExpression)) {
    const obj = globalRead(scan, node.expression);
    return obj === undefined ? undefined : `${obj}.${node.argumentExpression.text}`;
  }
  return undefined;
}

/** `Date()` (always the current time) and `new Date()` / `new Date` without arguments. */
function checkClockCalls(scan: Scan, node: ts.Node): void {
  if (ts.isCallExpression(node) && globalRead(scan, node.expression) === "Date") {
    report(scan, node, "purity", `Date() returns the current time; ${PURE_HINT}`, "Date()");
  }
  if (
    ts.isNewExpression(node) && globalRead(scan, node.expression) === "Date" &&
    (node.arguments?.length ?? 0) === 0
  ) {
    const msg = `new Date() without arguments reads the clock; ${PURE_HINT}`;
    report(scan, node, "purity", msg, "new Date()");
  }
}

/** `Deno.exit`, `Deno.env` outside the areas that may use them. */
function checkEdgeOnly(scan: Scan, node: ts.Node): void {
  const member = memberName(scan, node);
  if (member === undefined || !Object.hasOwn(EDGE_ONLY, member)) return;
  const { areas, why } = EDGE_ONLY[member];
  if (areas.includes(scan.area)) return;
  report(scan, node, "edge-only-api", `${member} in ${scan.area}: ${why}`, member);
}

/** `import(x)` with a computed specifier hides an edge from the graph; pure code gets no node:. */
function checkImportCalls(scan: Scan, node: ts.Node, pure: boolean): void {
  if (!ts.isCallExpression(node) || node.expression.kind !== ts.SyntaxKind.ImportKeyword) return;
  const arg = node.arguments[0];
  if (!arg || !ts.isStringLiteralLike(arg)) {
    if (scan.area === "tests" || !(scan.area.startsWith("lib/") || scan.area === "strategies")) {
      return;
    }
    const msg = "import() with a computed specifier cannot be checked: import a literal path";
    report(scan, node, "dynamic-import", msg, "import()");
  } else if (pure && arg.text.startsWith("node:")) {
    const msg = `import("${arg.text}") in a pure module: import named bindings statically`;
    report(scan, node, "node-module", msg, arg.text);
  }
}

function checkPureNodeImport(scan: Scan, node: ts.ImportDeclaration): void {
  const spec = (node.moduleSpecifier as ts.StringLiteral).text;
  const allowed = PURE_NODE_IMPORTS[spec];
  const clause = node.importClause;
  if (!allowed || !clause || clause.isTypeOnly) return;
  const names: ts.Node[] = [];
  if (clause.name) names.push(clause.name);
  const b = clause.namedBindings;
  if (b && ts.isNamespaceImport(b)) names.push(b);
  if (b && ts.isNamedImports(b)) {
    for (const el of b.elements) {
      if (!el.isTypeOnly && !allowed.includes((el.propertyName ?? el.name).text)) names.push(el);
    }
  }
  for (const n of names) pureNodeName(scan, n, spec, allowed);
}

function checkPureNodeExport(scan: Scan, node: ts.ExportDeclaration): void {
  const spec = node.moduleSpecifier;
  if (!spec || !ts.isStringLiteral(spec) || !PURE_NODE_IMPORTS[spec.text] || node.isTypeOnly) {
    return;
  }
  pureNodeName(scan, node, spec.text, PURE_NODE_IMPORTS[spec.text]);
}

function pureNodeName(scan: Scan, n: ts.Node, spec: string, allowed: readonly string[]): void {
  const what = n.getText(scan.sf);
  const msg = `${what} from ${spec} in a pure module: only ${allowed.join(", ")} may be ` +
    "imported (a hash is pure; random generators are not)";
  report(scan, n, "node-module", msg, `${spec} ${what}`);
}

/** Functions in `lib/` longer than {@link MAX_FUNCTION_LINES}, opening to closing brace. */
function checkLength(scan: Scan, node: ts.Node): void {
  if (!ts.isFunctionLike(node)) return;
  const body = (node as { body?: ts.Node }).body;
  if (!body || !ts.isBlock(body)) return;
  const lineOf = (pos: number) => scan.sf.getLineAndCharacterOfPosition(pos).line;
  const lines = lineOf(body.getEnd() - 1) - lineOf(body.getStart(scan.sf)) + 1;
  if (lines <= MAX_FUNCTION_LINES) return;
  const name = functionName(node, scan.sf);
  const msg = `${name} is ${lines} lines long (at most ${MAX_FUNCTION_LINES}, counted from its ` +
    "opening to its closing brace): split it into named steps";
  report(scan, node, "function-length", msg, name);
}
