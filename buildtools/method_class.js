// Lean generated code: a method's per-call `__class__` set-up, where nothing can read it.
'use strict';

const {fail, isB} = require('./jsast.js');

// Method class (issue #12). Brython starts every method with
//   locals.ob_type = locals.__class__ = $B.get_method_class(f, <module ns>, "<class>", [<refs>])
// on each call: the `__class__` cell that zero-argument super() reads (through
// $B.get_class(frame[1])) and a `__class__` name in the body would find. Nothing else in the runtime
// reads them (exec, which would, is not shipped). The statement goes from a method whose text
// (nested functions included) names neither super, __class__, locals(), vars(), eval, exec nor
// _getframe; elsewhere it stays. A get_method_class call of another shape fails the build.
const NEEDS_METHOD_CLASS = /\bsuper\b|__class__|_b_\.(locals|vars|eval|exec)\b|_getframe/;

function dropMethodClass(js, label, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const isGetMethodClass = (n) => n && n.type === 'CallExpression' && n.callee.type === 'MemberExpression' &&
    isB(n.callee.object) && !n.callee.computed && n.callee.property.name === 'get_method_class';
  const localsProp = (n, prop) => n && n.type === 'MemberExpression' && !n.computed &&
    n.object.type === 'Identifier' && n.object.name === 'locals' && n.property.name === prop;
  const edits = [], seen = new Set();
  let dropped = 0, kept = 0;
  const visit = (node, fn, parent) => {
    if (!node || typeof node.type !== 'string') return;
    const isFn = node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression' ||
      node.type === 'ArrowFunctionExpression';
    const e = node.type === 'ExpressionStatement' && node.expression;
    if (e && e.type === 'AssignmentExpression' && e.operator === '=' && localsProp(e.left, 'ob_type') &&
        e.right.type === 'AssignmentExpression' && e.right.operator === '=' && localsProp(e.right.left, '__class__') &&
        isGetMethodClass(e.right.right)) {
      seen.add(e.right.right);
      if (!fn) fail(`${label}: get_method_class outside a function`);
      const text = js.slice(fn.start, node.start) + js.slice(node.end, fn.end);
      if (NEEDS_METHOD_CLASS.test(text)) { kept++; }
      else {
        const inList = parent && ['Program', 'BlockStatement', 'StaticBlock', 'SwitchCase'].includes(parent.type);
        edits.push([node.start, node.end, inList ? '' : ';']); dropped++;
      }
    } else if (isGetMethodClass(node) && !seen.has(node)) {
      fail(`${label}: $B.get_method_class in an unexpected place: ${js.slice(node.start, node.end).slice(0, 120)}`);
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) { for (const c of v) visit(c, isFn ? node : fn, node); }
      else if (v && typeof v.type === 'string') visit(v, isFn ? node : fn, node);
    }
  };
  visit(program, null, null);
  edits.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: dropMethodClass made invalid JS: ${err.message}`); }
  return {js: out, dropped, kept};
}

module.exports = {dropMethodClass};
