// Lean generated code: generic lookups that a direct one can replace with the same value.
'use strict';

const {fail, walk, isB} = require('./jsast.js');

// Two generic lookups the compiler emits where a direct one gives the same value (issues #12, #18:
// both sit on the push path):
//  1. `type(x)` with one positional argument, `$B.$call(_b_.type, x)`, runs type()'s argument
//     parser to return $B.get_class(x) (type.$factory): it becomes `$B.get_class(x)`. Only where
//     `type` is the builtin (the compiler writes `_b_.type` only then) and the argument is a plain
//     expression (no spread, no keyword object).
//  2. A module-level name used in a function defined above the name's assignment (METHODS in
//     Tracker.run) is looked up at every use by $B.resolve_in_scopes over [the function's
//     locals, the module's, builtins]. The function's locals never hold it (a name the function
//     binds compiles to a local read), so when the module has it, that is the value:
//     `(Object.hasOwn(M,'N')?M.N:$B.resolve_in_scopes(...))`, the generic call kept for the rest
//     (a builtin, or the NameError of a name not yet assigned).
//  3. `x is <builtin>` (`x is None`, `type(x) is str`), `$B.$is(x, _b_.<name>)`: $B.$is compares
//     with === unless both sides are floats or both are bytes, and no builtin name is bound to a
//     float or bytes object, so it is `(x === _b_.<name>)`. A test of it, `$B.$bool(a === b)`,
//     is `(a === b)`: $B.$bool returns a boolean as it is.
function fastLookups(js, label, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const src = (n) => js.slice(n.start, n.end);
  const bCall = (n, name) => n.type === 'CallExpression' && n.callee.type === 'MemberExpression' &&
    isB(n.callee.object) && !n.callee.computed && n.callee.property.name === name;
  const isScope = (n) => n && n.type === 'Identifier' && n.name.startsWith('locals_');
  const isBuiltin = (n, name) => n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' &&
    n.object.name === '_b_' && (name === undefined || n.property.name === name);
  // `$B.$is(x, _b_.<name>)` with a plain first argument (rule 3)
  const isBuiltinIs = (n) => n.type === 'CallExpression' && bCall(n, '$is') && n.arguments.length === 2 &&
    isBuiltin(n.arguments[1]) && n.arguments[0].type !== 'SpreadElement';
  const edits = [];
  let types = 0, names = 0, identities = 0, tests = 0;
  walk(program, (n) => {
    if (bCall(n, '$call') && n.arguments.length === 2) {
      const [f, x] = n.arguments;
      if (isBuiltin(f, 'type') && x.type !== 'SpreadElement' && x.type !== 'ObjectExpression') {
        edits.push([n.start, x.start, '$B.get_class(']);   // `x)` stays: nested calls rewrite too
        types++;
      }
    } else if (isBuiltinIs(n)) {
      const [x, y] = n.arguments;
      edits.push([n.start, x.start, '(']);
      edits.push([x.end, y.start, ' === ']);
      edits.push([y.end, n.end, ')']);
      identities++;
    } else if (bCall(n, '$bool') && n.arguments.length === 1) {
      const x = n.arguments[0];
      if ((x.type === 'BinaryExpression' && (x.operator === '===' || x.operator === '!==')) || isBuiltinIs(x)) {
        edits.push([n.start, x.start, '(']);   // `x` itself may be rewritten (rule 3) inside
        edits.push([x.end, n.end, ')']);
        tests++;
      }
    } else if (bCall(n, 'resolve_in_scopes')) {
      const [name, spaces] = n.arguments;
      if (!name || name.type !== 'Literal' || typeof name.value !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name.value) ||
          !spaces || spaces.type !== 'ArrayExpression') {
        fail(`${label}: $B.resolve_in_scopes of an unexpected shape: ${src(n).slice(0, 120)}`);
      }
      const els = spaces.elements;
      if (els.length === 3 && isScope(els[0]) && isScope(els[1]) && els[0].name !== els[1].name &&
          els[2].type === 'Identifier' && els[2].name === '_b_') {
        const m = els[1].name, k = name.value;
        edits.push([n.start, n.start, `(Object.hasOwn(${m},'${k}')?${m}.${k}:`], [n.end, n.end, ')']);
        names++;
      }
    }
  });
  // prefixes and insertions only, so nested lookups (type(type(x))) need no special case
  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  for (let k = 1; k < edits.length; k++) {
    if (edits[k][1] > edits[k - 1][0]) fail(`${label}: overlapping lookup rewrites at ${edits[k][0]}`);
  }
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: fastLookups made invalid JS: ${err.message}`); }
  return {js: out, types, names, identities, tests};
}

module.exports = {fastLookups};
