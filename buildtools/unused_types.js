// Builtin types nothing names (issue #29): after the cut and buildtools/prune.js, most of the ~70
// exception classes and several iterator types of Brython's type table are named only by their
// own set-up. They go whole: their table entry, and the set-up statements that build them, so
// the runtime neither sends nor finalises them at start-up. buildtools/aot.js runs this after
// pruneRuntime; its link check then loads the result.
//
// Rule 1: a type is an entry `init_type(<ns>, "<name>", [...])` of the type table, with <ns> `_b_`
//         or `$B`. Its own set-up: the entry; set-up statements (outside every function the
//         runtime calls later) that assign a value without side effects (a function, literals, a
//         name) to properties of the type, of its tp_funcs or of a local alias of either (`var
//         str_funcs = _b_.str.tp_funcs = {}`), and nothing else; those aliases' declarations.
// Rule 2: it goes when nothing else names it: no `<ns>.<name>` and no alias outside its own
//         set-up (or the set-up of types going with it: a subclass's entry names its base), no
//         string "<name>" in the runtime outside its entry, and no word <name> in the app or the
//         bundle's glue (Python code names a builtin by `_b_.<name>` or a string).
// Rule 3: anything of another shape (a declaration of several names, an alias of an alias of
//         something else) names the type, so it stays.
'use strict';

const {fail, walkSetUp: walk} = require('./jsast.js');

// A value whose evaluation does nothing else: a function, a literal, a name, a property read.
function pure(e) {
  if (!e) return false;
  switch (e.type) {
    case 'FunctionExpression': case 'ArrowFunctionExpression': case 'Literal': case 'Identifier': return true;
    case 'MemberExpression': return !e.computed && pure(e.object);
    case 'UnaryExpression': return e.operator !== 'delete' && pure(e.argument);
    case 'TemplateLiteral': return e.expressions.length === 0;
    case 'ArrayExpression': return e.elements.every(x => x && pure(x));
    case 'ObjectExpression': return e.properties.every(p => p.type === 'Property' && !p.computed && pure(p.value));
    default: return false;
  }
}

function removeUnusedTypes(js, {acorn, app, glue}) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const types = new Map();                        // "<ns>.<name>" -> {name, own: [nodes]}
  walk(program, (n, parent, setUp) => {
    if (!setUp || n.type !== 'ExpressionStatement' || n.expression.type !== 'CallExpression') return;
    const c = n.expression;
    if (c.callee.type !== 'Identifier' || c.callee.name !== 'init_type' || c.arguments.length !== 3) return;
    const [ns, name] = c.arguments;
    if (ns.type !== 'Identifier' || !['_b_', '$B'].includes(ns.name) || name.type !== 'Literal') return;
    types.set(`${ns.name}.${name.value}`, {name: name.value, entry: n, own: [n]});
  });
  const alias = new Map();                        // local name -> type key
  const keyOf = (e) => {
    if (!e) return null;
    if (e.type === 'Identifier') return alias.get(e.name) || null;
    if (e.type !== 'MemberExpression' || e.computed) return null;
    if (e.object.type === 'Identifier' && types.has(`${e.object.name}.${e.property.name}`)) {
      return `${e.object.name}.${e.property.name}`;
    }
    return e.property.name === 'tp_funcs' ? keyOf(e.object) : null;
  };
  // the type an assignment chain `a = b = <type or its tp_funcs>` ends in
  const chainKey = (e) => {
    const keys = new Set();
    for (; e && e.type === 'AssignmentExpression' && e.operator === '='; e = e.right) keys.add(keyOf(e.left));
    keys.add(keyOf(e));
    keys.delete(null);
    return keys.size === 1 && (pure(e) || keyOf(e)) ? [...keys][0] : null;
  };
  walk(program, (n, parent, setUp) => {
    if (!setUp || n.type !== 'VariableDeclaration' || n.declarations.length !== 1) return;
    const d = n.declarations[0], key = d.id.type === 'Identifier' && chainKey(d.init);
    if (key) { alias.set(d.id.name, key); types.get(key).own.push(n); }
  });
  const rootKey = (e) => {
    for (; e && e.type === 'MemberExpression'; e = e.object) { const k = keyOf(e); if (k) return k; }
    return keyOf(e);
  };
  // `T.a = T_funcs.b = <pure value>`: every target the type's, the value without side effects
  walk(program, (n, parent, setUp) => {
    if (!setUp || n.type !== 'ExpressionStatement' || n.expression.type !== 'AssignmentExpression') return;
    const targets = [];
    let e = n.expression;
    for (; e.type === 'AssignmentExpression' && e.operator === '='; e = e.right) targets.push(e.left);
    const keys = new Set(targets.map(t => t.type === 'MemberExpression' ? rootKey(t) : null));
    const key = keys.size === 1 ? [...keys][0] : null;
    if (key && pure(e) && !types.get(key).own.includes(n)) types.get(key).own.push(n);
  });
  // mentions: positions of `<ns>.<name>`, aliases, strings "<name>"
  const inside = (pos, nodes) => nodes.some(x => pos >= x.start && pos < x.end);
  const mentions = new Map([...types.keys()].map(k => [k, []]));
  const byName = new Map([...types].map(([k, t]) => [t.name, k]));
  walk(program, (n, parent) => {
    let key = null;
    if (n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier') {
      key = types.has(`${n.object.name}.${n.property.name}`) ? `${n.object.name}.${n.property.name}` : null;
    } else if (n.type === 'Identifier' && alias.has(n.name) &&
               !(parent && parent.type === 'VariableDeclarator' && parent.id === n) &&
               !(parent && parent.type === 'MemberExpression' && parent.property === n && !parent.computed) &&
               !(parent && parent.type === 'Property' && parent.key === n && !parent.computed)) {
      key = alias.get(n.name);
    } else if (n.type === 'Literal' && byName.has(n.value)) {
      key = byName.get(n.value);
      if (inside(n.start, [types.get(key).entry])) key = null;
    }
    if (key) mentions.get(key).push(n.start);
  });
  const words = new Set((app + '\n' + glue).match(/[A-Za-z_$][\w$]*/g) || []);
  const gone = new Set();
  for (let changed = true; changed;) {
    changed = false;
    for (const [key, t] of types) {
      if (gone.has(key) || words.has(t.name)) continue;
      const mine = t.own.concat([...gone].flatMap(k => types.get(k).own));
      if (mentions.get(key).every(pos => inside(pos, mine))) {
        gone.add(key);
        changed = true;
      }
    }
  }
  const edits = [...gone].flatMap(k => types.get(k).own).map(n => [n.start, n.end]).sort((a, b) => b[0] - a[0]);
  let out = js, last = Infinity;
  for (const [s, e] of edits) {
    if (e > last) continue;                       // nested in a statement already removed
    out = out.slice(0, s) + ';' + out.slice(e);
    last = s;
  }
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`removeUnusedTypes made invalid JS: ${err.message}`); }
  return {js: out, types: [...gone].map(k => types.get(k).name).sort()};
}

module.exports = {removeUnusedTypes};
