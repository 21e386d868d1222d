// Function infos no code reads (a function's local names and `def` line): dropped from generated
// code unless the runtime left by the cut could still read them.
'use strict';

const {fail, walk} = require('./jsast.js');
const {CUT_FN} = require('./coverage_cut.js');
const {FN_HELPER} = require('./boilerplate.js');

// A compiled Python function's $function_infos is an array indexed by $B.func_attrs. Two entries
// are read only through a code object (`f.__code__`, built by $B.check_infos/make_function_infos:
// co_varnames, co_firstlineno) or by `super()` without arguments (co_varnames[0]): the function's
// local names and the line of its `def`. The shim uses neither, so coverage cut all of those
// readers; dropUnreadInfos writes 0 for the two entries in every `$F(f, infos, ...)` (issue #12:
// 277 arrays of names, ~1.9 KB brotli), unless checkUnreadInfos finds code left in the runtime
// that could read them (a build without the cut, or a new Python feature that un-cuts a reader);
// tests/test_build.py checks that the build with the committed cut list drops them.
const UNREAD_INFOS = {11: 'lineno', 16: 'varnames'};
const INFOS_LENGTH = 20;   // what the compiler writes; method_class (the 21st) is set by class creation

function dropUnreadInfos(js, label, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const edits = [];
  walk(program, (n) => {
    if (n.type !== 'CallExpression' || n.callee.type !== 'Identifier' || n.callee.name !== FN_HELPER) return;
    const arr = n.arguments[1];
    const where = `${label}: ${js.slice(n.start, n.end).slice(0, 100)}`;
    if (!arr || arr.type !== 'ArrayExpression' || arr.elements.length !== INFOS_LENGTH) {
      fail(`${where}: expected ${FN_HELPER}(f, [${INFOS_LENGTH} function infos], ...)`);
    }
    const line = arr.elements[11], names = arr.elements[16];
    if (!line || line.type !== 'Literal' || typeof line.value !== 'number' ||
        !names || names.type !== 'ArrayExpression' ||
        !names.elements.every(e => e && e.type === 'Literal' && typeof e.value === 'string')) {
      fail(`${where}: function infos 11 (lineno) and 16 (varnames) are not a number and a list of names`);
    }
    edits.push([line.start, line.end], [names.start, names.end]);
  });
  edits.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [a, b] of edits) out = out.slice(0, a) + '0' + out.slice(b);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: dropUnreadInfos made invalid JS: ${err.message}`); }
  return {js: out, functions: edits.length / 2};
}

// The runtime reads a function's infos by `infos[$B.func_attrs.<name>]`, or hands the whole array to
// $B.make_function_infos (`...f.$function_infos`, in $B.check_infos, for `__code__`/`super()`).
// checkUnreadInfos fails the build unless the runtime's func_attrs list has the dropped entries
// where dropUnreadInfos assumes; it lists as readers any code left in the runtime (cut functions
// are skipped) that reads infos otherwise than through `func_attrs.<name>` of a kept name or one
// of the dynamic `func_attrs[k]` sites listed below (none names a dropped entry), or that spreads
// or passes the array on, or reads an array it aliased otherwise.
const INFOS_DYNAMIC_SITES = [
  "if($B.func_attrs[key]===undefined)",                 // set_function_infos: validates a key
  "f.$function_infos[$B.func_attrs[key]]=attrs[key]",   //   ... and writes it
  "{$B.func_attrs[func_attr]=i++}",                     // the list itself
  // staticmethod: copies four named entries
  "for(let attr of['__module__','__name__','__qualname__','__doc__']){$B.set_to_dict(self,attr,func.$function_infos[$B.func_attrs[attr]])}",
];

function checkUnreadInfos(runtime, acorn) {
  const program = acorn.parse(runtime, {ecmaVersion: 'latest', sourceType: 'script'});
  const isCut = (f) => {
    const b = f.body;
    const call = b.type === 'BlockStatement' ? (b.body.length === 1 && b.body[0].type === 'ExpressionStatement' &&
      b.body[0].expression) : b;
    return call && call.type === 'CallExpression' && call.callee.type === 'Identifier' && call.callee.name === CUT_FN;
  };
  const dropped = new Set(Object.values(UNREAD_INFOS));
  const str = (n) => n && (n.type === 'Identifier' ? n.name : n.type === 'Literal' && typeof n.value === 'string' ? n.value : null);
  const prop = (n, name) => n && n.type === 'MemberExpression' && !n.computed && n.property.name === name;
  const near = (n) => JSON.stringify(runtime.slice(Math.max(0, n.start - 80), n.end + 40));
  const lists = [], bad = [], aliases = new Map(), sites = [];
  const visit = (node, parent) => {
    if (!node || typeof node.type !== 'string') return;
    if (/Function/.test(node.type) && isCut(node)) return;
    if (node.type === 'ArrayExpression' && str(node.elements[0]) === '__module__' &&
        node.elements.some(e => str(e) === 'varnames')) lists.push(node.elements.map(str));
    if (node.type === 'MemberExpression' && !node.computed && dropped.has(node.property.name) && prop(node.object, 'func_attrs')) {
      bad.push(near(node));
    }
    if (node.type === 'MemberExpression' && node.computed && prop(node.object, 'func_attrs')) sites.push(node);
    if (prop(node, '$function_infos') && parent) {
      const p = parent.type;
      if (p === 'SpreadElement' || (p === 'CallExpression' || p === 'NewExpression') && parent.arguments.includes(node)) {
        bad.push(near(node));
      }
      if (p === 'VariableDeclarator' && parent.init === node) aliases.set(parent.id.name, parent);
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) { for (const c of v) visit(c, node); }
      else if (v && typeof v.type === 'string') visit(v, node);
    }
  };
  visit(program, null);
  if (lists.length !== 1) fail(`function infos: found ${lists.length} func_attrs lists in the runtime, expected 1`);
  if (lists[0].length !== INFOS_LENGTH + 1) fail(`function infos: func_attrs has ${lists[0].length} names, expected ${INFOS_LENGTH + 1}`);
  for (const [i, n] of Object.entries(UNREAD_INFOS)) {
    if (lists[0][i] !== n) fail(`function infos: func_attrs[${i}] is ${lists[0][i]}, expected ${n}`);
  }
  // each dynamic site must sit inside one of the listed statements
  const flat = runtime.replace(/\s+/g, '');
  for (const site of sites) {
    const before = runtime.slice(0, site.start).replace(/\s+/g, '').length;   // the site's offset in flat
    const ok = INFOS_DYNAMIC_SITES.some(known => {
      const k = known.replace(/\s+/g, '');
      for (let at = flat.indexOf(k); at >= 0; at = flat.indexOf(k, at + 1)) {
        if (before >= at && before < at + k.length) return true;
      }
      return false;
    });
    if (!ok) bad.push(near(site));
  }
  // an alias (`var infos = f.$function_infos`) may only be indexed by func_attrs.<kept name>
  const scopes = [];
  walk(program, (n) => { if (/Function/.test(n.type) && !isCut(n)) scopes.push(n); });
  for (const [alias, decl] of aliases) {
    const fn = scopes.filter(f => f.start <= decl.start && decl.end <= f.end).sort((x, y) => (x.end - x.start) - (y.end - y.start))[0];
    walk(fn, (n, parent, key) => {
      if (n.type !== 'Identifier' || n.name !== alias || n === decl.id) return;
      const index = parent && parent.type === 'MemberExpression' && key === 'object' && parent.computed ? parent.property : null;
      const indexed = index && index.type === 'MemberExpression' && !index.computed && prop(index.object, 'func_attrs') &&
        !dropped.has(index.property.name);
      if (!indexed) bad.push(near(n));
    });
  }
  return {js: runtime, readers: bad};
}

// tests/test_build.py: checkUnreadInfos as a pass that fails where the build would keep the entries
function requireUnreadInfos(runtime, acorn) {
  const {readers} = checkUnreadInfos(runtime, acorn);
  if (readers.length) {
    fail('function infos: the runtime may read the local names or the line of a function, so the build ' +
         `keeps them: ${readers.slice(0, 3).join('; ')}`);
  }
  return {js: runtime};
}

module.exports = {dropUnreadInfos, checkUnreadInfos, requireUnreadInfos};
