/**
 * A readable, line-free name for any function in a syntax tree, for messages and the allowlist:
 * `parseCsvText`, `ResilientClient.get`, `RiskManager.constructor`, `handlers.onBar`, and for an
 * anonymous function the place it is passed to, inside its enclosing named function:
 * `runSignals › callback of items.map`.
 * @module
 */
import ts from "typescript";

/** The name of function-like `node` (see the module documentation). */
export function functionName(node: ts.SignatureDeclaration, sf: ts.SourceFile): string {
  const own = ownName(node, sf);
  if (own !== undefined) return own;
  const outer = enclosingName(node.parent, sf);
  const here = contextName(node, sf);
  return outer ? `${outer} › ${here}` : here;
}

function propertyName(name: ts.PropertyName | ts.BindingName, sf: ts.SourceFile): string {
  return ts.isIdentifier(name) || ts.isPrivateIdentifier(name) || ts.isStringLiteralLike(name)
    ? name.text
    : name.getText(sf);
}

function className(node: ts.Node): string | undefined {
  const p = node.parent;
  if ((ts.isClassDeclaration(p) || ts.isClassExpression(p)) && p.name) return p.name.text;
  if (ts.isClassExpression(p) && ts.isVariableDeclaration(p.parent)) {
    return propertyName(p.parent.name, p.getSourceFile());
  }
  return undefined;
}

/** Declared names, class members and functions assigned to a variable or property. */
function ownName(node: ts.SignatureDeclaration, sf: ts.SourceFile): string | undefined {
  if (ts.isConstructorDeclaration(node)) return `${className(node) ?? "class"}.constructor`;
  if (ts.isMethodDeclaration(node) || ts.isGetAccessor(node) || ts.isSetAccessor(node)) {
    const cls = className(node);
    const member = propertyName(node.name, sf);
    if (cls) return `${cls}.${member}`;
    const obj = objectName(node.parent, sf);
    return obj ? `${obj}.${member}` : member;
  }
  if ((ts.isFunctionDeclaration(node) || ts.isFunctionExpression(node)) && node.name) {
    return node.name.text;
  }
  if (!ts.isArrowFunction(node) && !ts.isFunctionExpression(node)) return undefined;
  return assignedName(node, sf);
}

/** `const f = () => {}`, `{ f: () => {} }`, `class C { f = () => {} }`, `x.f = function () {}`. */
function assignedName(node: ts.Expression, sf: ts.SourceFile): string | undefined {
  const p = node.parent;
  if (ts.isVariableDeclaration(p) && p.initializer === node) return propertyName(p.name, sf);
  if (ts.isPropertyAssignment(p) && p.initializer === node) {
    const obj = objectName(p.parent, sf);
    const member = propertyName(p.name, sf);
    return obj ? `${obj}.${member}` : member;
  }
  if (ts.isPropertyDeclaration(p) && p.initializer === node) {
    const member = propertyName(p.name, sf);
    const cls = className(p);
    return cls ? `${cls}.${member}` : member;
  }
  if (ts.isBinaryExpression(p) && p.right === node) return p.left.getText(sf);
  return undefined;
}

/** The variable an object literal is assigned to, if any. */
function objectName(obj: ts.Node, sf: ts.SourceFile): string | undefined {
  if (!ts.isObjectLiteralExpression(obj)) return undefined;
  const p = obj.parent;
  return ts.isVariableDeclaration(p) ? propertyName(p.name, sf) : undefined;
}

/** Where an anonymous function is used: `callback of items.map`, `default export`, …. */
function contextName(node: ts.Node, sf: ts.SourceFile): string {
  const p = node.parent;
  if (ts.isCallExpression(p) || ts.isNewExpression(p)) {
    const callee = p.expression.getText(sf).replace(/\s+/g, "");
    return `callback of ${callee.length > 40 ? callee.slice(0, 40) + "…" : callee}`;
  }
  if (ts.isExportAssignment(p)) return "default export";
  return ts.isArrowFunction(node) ? "anonymous arrow function" : "anonymous function";
}

/** The name of the nearest enclosing named function, if any. */
function enclosingName(start: ts.Node, sf: ts.SourceFile): string | undefined {
  for (let n: ts.Node | undefined = start; n && !ts.isSourceFile(n); n = n.parent) {
    if (ts.isFunctionLike(n)) {
      const own = ownName(n, sf);
      if (own !== undefined) return own;
    }
  }
  return undefined;
}
