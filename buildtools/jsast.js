// The build's helpers for acorn trees, shared by buildtools/aot.js and its passes.
'use strict';

// A message build.py prints as it is (buildtools/aot.js answers {ok: false, error}).
function fail(msg) { const e = new Error(msg); e.buildError = true; throw e; }

// visit(node, parent, key) for every node, depth first.
function walk(node, visit, parent, key) {
  if (!node || typeof node.type !== 'string') return;
  visit(node, parent, key);
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') walk(c, visit, node, k); }
    else if (v && typeof v.type === 'string') walk(v, visit, node, k);
  }
}

// Identifiers used by a node, property names excluded (conservative: shadowed names count too).
function usedNames(node) {
  const out = new Set();
  walk(node, (n, parent, key) => {
    if (n.type !== 'Identifier') return;
    if (parent && parent.type === 'MemberExpression' && key === 'property' && !parent.computed) return;
    if (parent && (parent.type === 'Property' || parent.type === 'MethodDefinition' ||
                   parent.type === 'PropertyDefinition') && key === 'key' && !parent.computed) return;
    out.add(n.name);
  });
  return out;
}

function isB(node) { return node && node.type === 'Identifier' && node.name === '$B'; }

// visit(node, parent, setUp): setUp is true outside every function but the runtime's steps (the
// `$hsq_rt` array's functions) and the immediately called wrappers of its segments
// (`(function($B){...})(__BRYTHON__)`), i.e. in code that runs once, at set-up.
function walkSetUp(node, visit, parent, setUp = true) {
  if (!node || typeof node.type !== 'string') return;
  visit(node, parent, setUp);
  const fn = /Function/.test(node.type);
  const inner = setUp && (!fn || (parent && parent.type === 'CallExpression' && parent.callee === node) ||
                          (parent && parent.type === 'ArrayExpression'));
  for (const k of Object.keys(node)) {
    const v = node[k];
    if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') walkSetUp(c, visit, node, inner); }
    else if (v && typeof v.type === 'string') walkSetUp(v, visit, node, inner);
  }
}

module.exports = {fail, walk, walkSetUp, usedNames, isB};
