// Pruning the cut runtime (issue #29): what the coverage cut turned into stubs, and what nothing
// can reach any more, goes from the bundle's text. buildtools/aot.js runs it after cutFunctions,
// on the staged, unminified runtime; its link check then loads the result (Node) and fails the
// build if it does not set up.
//
// Rule 1: only stubs of the coverage cut (`function(...){$hsq_cut()}`), the names that point to
//         them and, for Rule 2, values of literals go, and only in set-up code (outside every
//         function the runtime calls later); a function that ran in the browser suite is never
//         touched.
// Rule 2: a stub assigned to a property (`$B.make_type = stub`, `{show_tokens: stub}`), or a value
//         made of literals only (`$B.unicode_titles = {...}`), goes only if its name occurs nowhere
//         else in the runtime, the app or the bundle's own glue, as a word: nothing can read it. Names that code builds at run time are never judged this
//         way: dunders (`'__' + op`), getset halves (`attr + '_get'`), slots (`cls[slot]`).
// Rule 3: a builtin type's method table (tp_methods, classmethods, staticmethods, tp_getset)
//         loses a name whose functions are all stubs, which no class after it in the type's MRO
//         provides either (unless pruned there too), and which neither a string of the runtime
//         (outside the tables) nor a word of the app names: such a lookup then raises
//         AttributeError where it called the stub, and no code asks by name whether the method
//         is there without calling it (`where_is(cls, '__init_subclass__') === object`). Which type owns which table and stub is
//         found by running the runtime's set-up in Node with each table and stub tagged, so a
//         table is pruned only when exactly one type holds it and its literal ran once.
// Rule 4: every edit replaces a statement by `;` or drops one array element or object property,
//         and the result must parse; anything of a shape not listed here is left as it is.
'use strict';

const {fail, walkSetUp: walk} = require('./jsast.js');

const CUT_CALL = '$hsq_cut()';
const TABLES = ['tp_methods', 'classmethods', 'staticmethods', 'tp_getset'];
const DYNAMIC_NAME = /^__\w*__$|_[gs]et$|^(tp|nb|sq|mp|am|bf)_/;

function isStub(js, fn) {
  return fn && (fn.type === 'FunctionExpression' || fn.type === 'ArrowFunctionExpression') &&
    fn.body.type === 'BlockStatement' && fn.body.body.length === 1 &&
    js.slice(fn.body.body[0].start, fn.body.body[0].end).replace(/;$/, '') === CUT_CALL;
}

function keyName(node) {
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'Literal' && typeof node.value === 'string') return node.value;
  return null;
}

// A value made of literals only: building it does nothing else (Unicode tables, option lists).
function isData(n) {
  if (!n) return false;
  if (n.type === 'Literal') return !n.regex;
  if (n.type === 'UnaryExpression') return n.operator === '-' && n.argument.type === 'Literal' && typeof n.argument.value === 'number';
  if (n.type === 'TemplateLiteral') return n.expressions.length === 0;
  if (n.type === 'ArrayExpression') return n.elements.every(e => e && isData(e));
  if (n.type === 'ObjectExpression') return n.properties.every(p => p.type === 'Property' && !p.computed && p.kind === 'init' && !p.method && isData(p.value));
  return false;
}

// Stub statements `<object>.<name> = stub` and stub properties `{<name>: stub}`; data statements
// `<object>.<name> = <literals>` (Rule 2 only: `fn` is null).
function findStubs(js, program) {
  const stubs = [];
  walk(program, (n, parent, setUp) => {
    if (!setUp) return;
    if (n.type === 'ExpressionStatement' && n.expression.type === 'AssignmentExpression' &&
        n.expression.operator === '=' && n.expression.left.type === 'MemberExpression' &&
        (isStub(js, n.expression.right) || isData(n.expression.right))) {
      const left = n.expression.left, stub = isStub(js, n.expression.right);
      const name = left.computed ? keyName(left.property) : left.property.name;
      if (name !== null && (!left.computed || left.property.type === 'Literal')) {
        stubs.push({kind: 'statement', name, start: n.start, end: n.end, fn: stub ? n.expression.right : null});
      }
    } else if (n.type === 'Property' && !n.computed && !n.method && n.kind === 'init' && isStub(js, n.value) &&
               parent && parent.type === 'ObjectExpression') {
      const name = keyName(n.key);
      if (name !== null) stubs.push({kind: 'property', name, start: n.start, end: n.end, fn: n.value, object: parent});
    }
  });
  return stubs;
}

// Method tables: `<type>.tp_methods = ['name', ...]` and the like, every element a string.
function findTables(program) {
  const tables = [];
  walk(program, (n) => {
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'MemberExpression' &&
        !n.left.computed && TABLES.includes(n.left.property.name) && n.right.type === 'ArrayExpression' &&
        n.right.elements.every(e => e && e.type === 'Literal' && typeof e.value === 'string')) {
      tables.push({key: n.left.property.name, node: n.right});
    }
  });
  return tables;
}

function wordsIn(text) {
  const out = new Map();
  for (const m of text.matchAll(/[A-Za-z_$][\w$]*/g)) out.set(m[0], (out.get(m[0]) || 0) + 1);
  return out;
}

// Run the set-up with every table and stub tagged; answer which (type, name) entries to prune and
// which stubs only those entries hold.
function ownership(js, tables, stubs, load, named) {
  const edits = [];
  tables.forEach((t, i) => edits.push([t.node.start, `__hsqL(${i},`], [t.node.end, ')']));
  stubs.forEach((s, j) => { if (s.fn) edits.push([s.fn.start, `__hsqS(${j},`], [s.fn.end, ')']); });
  edits.sort((a, b) => b[0] - a[0]);
  let tagged = js;
  for (const [at, text] of edits) tagged = tagged.slice(0, at) + text + tagged.slice(at);
  const lists = new Map(), fns = new Map(), listRuns = new Map(), fnRuns = new Map();
  const $B = load(tagged, {
    __hsqL(i, a) { lists.set(a, i); listRuns.set(i, (listRuns.get(i) || 0) + 1); return a; },
    __hsqS(j, f) { fns.set(f, j); fnRuns.set(j, (fnRuns.get(j) || 0) + 1); return f; },
  });
  const types = new Set();
  for (const ns of [$B.builtin_types, $B.created_types]) {
    for (const name in ns) if (ns[name] && typeof ns[name].tp_name === 'string') types.add(ns[name]);
  }
  const holders = new Map();                      // table index -> [type, key]
  for (const cls of types) for (const key of TABLES) {
    if (!Object.hasOwn(cls, key)) continue;
    const i = lists.get(cls[key]);
    if (i === undefined) continue;
    if (!holders.has(i)) holders.set(i, []);
    holders.get(i).push([cls, key]);
  }
  const funcsOf = (cls, key, name) => key === 'tp_getset' ?
    [cls.tp_funcs?.[name + '_get'], cls.tp_funcs?.[name + '_set']] : [cls.tp_funcs?.[name]];
  const stubOnly = (fs) => fs.some(f => f !== undefined) &&
    fs.every(f => f === undefined || f === null || f === $B.builtins.None || (fns.has(f) && fnRuns.get(fns.get(f)) === 1));
  // candidate (type, name) pairs; then drop those a later class of the MRO provides unpruned
  const cand = new Map();                         // type -> Set(name)
  const listed = new Map();                       // type -> Set(name) in any table
  for (const [i, hs] of holders) {
    if (hs.length !== 1 || listRuns.get(i) !== 1) continue;
    const [cls, key] = hs[0];
    for (const name of tables[i].node.elements.map(e => e.value)) {
      if (!listed.has(cls)) listed.set(cls, new Set());
      listed.get(cls).add(name);
      if (!named.has(name) && stubOnly(funcsOf(cls, key, name))) {
        if (!cand.has(cls)) cand.set(cls, new Set());
        cand.get(cls).add(name);
      }
    }
  }
  const has = (cls, name) => $B.get_from_dict(cls, name, $B.NULL) !== $B.NULL;
  let changed = true;
  while (changed) {
    changed = false;
    for (const [cls, names] of cand) for (const name of [...names]) {
      const mro = Array.isArray(cls.tp_mro) ? cls.tp_mro.slice(1) : null;
      if (!mro || mro.some(base => has(base, name) && !(cand.get(base) && cand.get(base).has(name)))) {
        names.delete(name);
        changed = true;
      }
    }
  }
  // a stub goes when every tp_funcs entry holding it belongs to a pruned name
  const pruneKey = (cls, key) => {
    const names = cand.get(cls);
    if (!names) return false;
    const base = key.replace(/_[gs]et$/, '');
    return names.has(key) || (base !== key && names.has(base));
  };
  const held = new Map();                         // stub index -> all holders pruned?
  for (const cls of types) {
    if (!cls.tp_funcs || typeof cls.tp_funcs !== 'object') continue;
    for (const key of Object.keys(cls.tp_funcs)) {
      const j = fns.get(cls.tp_funcs[key]);
      if (j === undefined) continue;
      const ok = pruneKey(cls, key) && fnRuns.get(j) === 1;
      held.set(j, held.has(j) ? held.get(j) && ok : ok);
    }
  }
  const pruned = new Map();                       // table index -> Set(names to drop)
  for (const [i, hs] of holders) {
    const names = cand.get(hs[0][0]);
    if (hs.length === 1 && listRuns.get(i) === 1 && names) {
      const drop = new Set(tables[i].node.elements.map(e => e.value).filter(n => names.has(n)));
      if (drop.size) pruned.set(i, drop);
    }
  }
  const stubsHeld = new Set([...held].filter(([, ok]) => ok).map(([j]) => j));
  return {pruned, stubsHeld};
}

// Strings of a program (template text by words), but those of the given nodes.
function stringsOf(program, except, into) {
  walk(program, (n) => {
    if (n.type === 'Literal' && typeof n.value === 'string' && !except.has(n)) into.add(n.value);
    else if (n.type === 'TemplateElement') for (const w of wordsIn(n.value.cooked || '').keys()) into.add(w);
  });
  return into;
}

// js: the staged, cut runtime; app: the generated code (it names every attribute it reads as a
// string); glue: the bundle's other code that reads the runtime (build.py RUNNER).
function pruneRuntime(js, {acorn, load, app, glue}) {
  const parse = (text) => acorn.parse(text, {ecmaVersion: 'latest', sourceType: 'script'});
  const program = parse(js);
  const stubs = findStubs(js, program), tables = findTables(program);
  // Rule 2: names nothing else mentions
  // (each candidate names itself once: a name is free when those are all its mentions)
  const mentions = wordsIn(js + '\n' + app + '\n' + glue), own = new Map();
  for (const s of stubs) own.set(s.name, (own.get(s.name) || 0) + 1);
  const unnamed = new Set(stubs.filter(s => !DYNAMIC_NAME.test(s.name) && mentions.get(s.name) === own.get(s.name)));
  // Rule 3: method tables, but no name a string of the runtime or of the app holds
  const inTable = new Set(tables.flatMap(t => t.node.elements));
  const named = stringsOf(parse(app), new Set(), stringsOf(program, inTable, new Set(wordsIn(glue).keys())));
  const {pruned, stubsHeld} = ownership(js, tables, stubs, load, named);
  const removeStub = stubs.map((s, j) => unnamed.has(s) || stubsHeld.has(j));
  const edits = [];                               // [start, end, replacement]
  stubs.forEach((s, j) => {
    if (!removeStub[j]) return;
    if (s.kind === 'statement') { edits.push([s.start, s.end, ';']); return; }
    const props = s.object.properties, k = props.findIndex(p => p.start === s.start);
    // the property and the comma after it (before it, for the last one)
    if (k < props.length - 1) edits.push([s.start, props[k + 1].start, '']);
    else if (k > 0) edits.push([props[k - 1].end, s.end, '']);
    else edits.push([s.start, s.end, '']);
  });
  for (const [i, drop] of pruned) {
    const node = tables[i].node;
    const kept = node.elements.filter(e => !drop.has(e.value)).map(e => js.slice(e.start, e.end));
    edits.push([node.start, node.end, '[' + kept.join(',') + ']']);
  }
  // property edits of one object may touch: apply from the end, refusing overlaps
  edits.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  let out = js, last = Infinity;
  const kept = [];
  for (const e of edits) {
    if (e[1] > last) continue;                    // overlapping edit: keep that code
    kept.push(e);
    last = e[0];
  }
  for (const [s, e, r] of kept) out = out.slice(0, s) + r + out.slice(e);
  try { parse(out); } catch (err) { fail(`pruneRuntime made invalid JS: ${err.message}`); }
  const names = [...pruned.values()].reduce((n, d) => n + d.size, 0);
  return {js: out, stubs: removeStub.filter(Boolean).length, of: stubs.length, names, tables: pruned.size};
}

module.exports = {pruneRuntime, findStubs, isStub};
