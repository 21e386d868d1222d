// Build-time helper for build.py: ahead-of-time transpiling with Brython's own compiler,
// run-time extraction of ast_to_js, link check and minification.
//
// Protocol: one JSON request on stdin, one JSON answer on stdout.
//   request  {node_modules, brython_js, runtime, extractions:[{name, placeholder, segment, keep, drop}], compiler_only,
//             modules:[{name, filename, src, is_pkg}], boot_src, app_prelude, boot_prelude, app_postlude, separator,
//             uuid_base, minify, cache_dir, flags}
//   answer   {ok:true, runtime, app, names, timings} | {ok:false, error}
//   (request {node_modules, pass_test:{name, js}}: one post-pass on js, answer {ok:true, js};
//    request {node_modules, prune_test:{runtime, app, glue}}: buildtools/prune.js on a staged runtime)
// Rule: everything that can go wrong makes {ok:false} with a message build.py can print as is.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');
const {pruneRuntime} = require('./prune.js');
const compact = require('./compact.js');
const blocks = require('./blocks.js');
const {removeUnusedTypes} = require('./unused_types.js');

// where terser and acorn live: build.py's NODE_MODULES, sent in the request
let NODE_MODULES = null;

// ---------------------------------------------------------------- JS AST helpers (acorn)
const {fail, walk} = require('./jsast.js');

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

// A runtime segment -> only its run-time functions (e.g. ast_to_js -> $B.resolve*, scope_name...).
// keep: $B.<name> assignments to keep; drop: ones known to be compile-time only.
// Any other $B.<name> assignment is an error, so a Brython upgrade is noticed.
function extractRuntimeFunctions(label, segment, keep, drop) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(segment, {ecmaVersion: 'latest', sourceType: 'script'});
  const iifes = program.body.filter(s => s.type === 'ExpressionStatement' &&
    s.expression.type === 'CallExpression' && s.expression.callee.type === 'FunctionExpression' &&
    s.expression.callee.params.length === 1 && isB(s.expression.callee.params[0]));
  if (iifes.length !== 1) fail(`${label}: found ${iifes.length} (function($B){...}) wrappers, expected 1`);
  const body = iifes[0].expression.callee.body.body;
  const declared = new Map();   // top-level name -> statement index
  const kept = new Set(), found = new Map(), unknown = [];
  body.forEach((st, i) => {
    if (st.type === 'FunctionDeclaration') declared.set(st.id.name, i);
    else if (st.type === 'VariableDeclaration') for (const d of st.declarations) {
      if (d.id.type !== 'Identifier') fail(`${label}: destructuring declaration not supported`);
      declared.set(d.id.name, i);
    } else if (st.type === 'ExpressionStatement' && st.expression.type === 'AssignmentExpression' &&
               st.expression.left.type === 'MemberExpression' && isB(st.expression.left.object) &&
               !st.expression.left.computed) {
      const name = st.expression.left.property.name;
      found.set(name, (found.get(name) || 0) + 1);
      if (keep.includes(name)) kept.add(i);
      else if (!drop.includes(name)) unknown.push(name);
    }
  });
  if (unknown.length) fail(`${label} defines unknown $B functions ${JSON.stringify(unknown)}: ` +
                           'decide whether they are needed at run time (EXTRACT in buildtools/runtime.py)');
  for (const name of keep.concat(drop)) {
    if (found.get(name) !== 1) fail(`${label}: $B.${name} assigned ${found.get(name) || 0} times, expected 1`);
  }
  // close over the segment's own top-level functions and variables that kept code uses
  const todo = [...kept];
  while (todo.length) {
    const i = todo.pop();
    for (const name of usedNames(body[i])) {
      const j = declared.get(name);
      if (j !== undefined && !kept.has(j)) { kept.add(j); todo.push(j); }
    }
  }
  const idx = [...kept].sort((a, b) => a - b);
  const parts = idx.map(i => segment.slice(body[i].start, body[i].end));
  const helpers = idx.filter(i => body[i].type !== 'ExpressionStatement')
    .map(i => body[i].type === 'FunctionDeclaration' ? body[i].id.name : body[i].declarations.map(d => d.id.name).join(','));
  return {js: '(function($B){' + parts.join('\n') + '\n})(__BRYTHON__)', helpers};
}

// The runtime must not call a $B function whose definition was cut (str.isdigit needs
// $B.in_unicode_category from the tokenizer segment, for instance), except known compiler-only ones.
function danglingCheck(full, runtime, allowed) {
  const assigned = (text) => new Set([...text.matchAll(/\$B\.([A-Za-z_$][\w$]*)\s*=(?!=)/g)].map(m => m[1]));
  const before = assigned(full), after = assigned(runtime);
  const used = new Set([...runtime.matchAll(/\$B\.([A-Za-z_$][\w$]*)/g)].map(m => m[1]));
  const dangling = [...used].filter(n => before.has(n) && !after.has(n) && !allowed.includes(n)).sort();
  if (dangling.length) fail('the trimmed runtime still uses $B functions it no longer defines: ' +
                            dangling.map(n => '$B.' + n).join(', ') +
                            ' (keep them via EXTRACT, or list them in COMPILER_ONLY in buildtools/runtime.py)');
}

// ---------------------------------------------------------------- staged start-up
// The runtime's first segment (it creates __BRYTHON__ and reads document.currentScript) runs when
// the script executes; every other segment becomes one step of STEPS_VAR, run later in short tasks
// by the bundle's scheduler (build.py RUNNER), so no start-up task grows past 50 ms. A step is a
// function, so its top-level declarations become local: fail if another segment uses one.
const STEPS_VAR = '$hsq_rt';

function topLevelDeclarations(program) {
  const out = new Set();
  for (const st of program.body) {
    if (st.type === 'VariableDeclaration') for (const d of st.declarations) {
      if (d.id.type !== 'Identifier') fail('staging: destructuring at the top level of a runtime segment');
      out.add(d.id.name);
    } else if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) out.add(st.id.name);
  }
  return out;
}

function stageRuntime(runtime, separator) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const segments = runtime.split(separator);
  const parsed = segments.map((s, i) => {
    try { return acorn.parse(s, {ecmaVersion: 'latest', sourceType: 'script'}); }
    catch (err) { fail(`staging: runtime segment ${i} does not parse on its own: ${err.message}`); }
  });
  const decls = parsed.map(topLevelDeclarations), uses = parsed.map(p => usedNames(p));
  const first = [...decls[0]].sort().join(',');
  if (first !== '__BRYTHON__') fail(`staging: the first runtime segment declares ${first}, expected __BRYTHON__ only`);
  for (let i = 1; i < segments.length; i++) {
    for (const name of decls[i]) {
      const user = uses.findIndex((u, j) => j !== i && u.has(name));
      if (user >= 0) fail(`staging: runtime segment ${i} declares ${name}, which segment ${user} uses; ` +
                          'it would become local to its step');
    }
    if (/\bdocument\.currentScript\b/.test(segments[i])) {
      fail(`staging: runtime segment ${i} reads document.currentScript, which is null once deferred`);
    }
  }
  // `;` first: the segment's "use strict" stays an expression, as in the unstaged bundle (sloppy mode)
  const steps = segments.slice(1).map(s => 'function(){;' + s + '\n}');
  return {js: segments[0] + separator + 'var ' + STEPS_VAR + '=[' + steps.join(',\n') + '];',
          steps: steps.length};
}

// ---------------------------------------------------------------- coverage-based cutting
// Every function of the staged runtime gets a key: a hash of its source text (functions with the
// same text share a key; buildtools/coverage.py lists a key only if none of them ran). build.py --coverage instruments each function with
// `__hsqC[i]=1` so a test run can list the keys never executed; buildtools/cut-functions.json holds
// that list, and a normal build replaces those functions' bodies by a call to $hsq_cut (it throws).
// Keys of text that changed are simply not found: a changed function is kept, never cut blindly.
const CUT_FN = '$hsq_cut';

function functionTable(js) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const crypto = require('crypto');
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const fns = [];
  walk(program, (n, parent) => {
    if (n.type !== 'FunctionDeclaration' && n.type !== 'FunctionExpression' && n.type !== 'ArrowFunctionExpression') return;
    const text = js.slice(n.start, n.end);
    // what the function is called where it is defined (buildtools/coverage.py KEEP matches it)
    const name = n.id ? n.id.name : parent && parent.type === 'AssignmentExpression' && parent.right === n ?
      js.slice(parent.left.start, parent.left.end) : parent && parent.type === 'Property' && parent.value === n ?
      js.slice(parent.key.start, parent.key.end) : parent && parent.type === 'VariableDeclarator' ? parent.id.name || '' : '';
    fns.push({node: n, name, key: crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)});
  });
  return fns;
}

// Body start offset after any directive prologue ("use strict"), or null for an expression body.
function bodyInsertPoint(n) {
  if (n.body.type !== 'BlockStatement') return null;
  let at = n.body.start + 1;
  for (const st of n.body.body) {
    if (st.type === 'ExpressionStatement' && st.directive !== undefined) at = st.end; else break;
  }
  return at;
}

// The units of the cut: every function, then the branches of buildtools/blocks.js.
function unitTable(js) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const fns = functionTable(js);
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  return {fns, branches: blocks.blockTable(js, program, fns, blocks.setUpFunctions(program, STEPS_VAR))};
}

function instrument(js) {
  const {fns, branches} = unitTable(js);
  const edits = [];   // [offset, text to insert]
  fns.forEach((f, i) => {
    const at = bodyInsertPoint(f.node);
    if (at !== null) edits.push([at, `;__hsqC[${i}]=1;`, null]);
    else edits.push([f.node.body.start, `(__hsqC[${i}]=1,(`, f.node.body.end]);
  });
  const inserts = [];
  for (const [at, text, end] of edits) {
    inserts.push([at, text]);
    if (end !== null) inserts.push([end, '))']);
  }
  branches.forEach((b, i) => inserts.push(...blocks.counterInserts(b, fns.length + i)));
  const units = fns.length + branches.length;
  // at one offset: a function's counter before a branch's (a function body's first statement)
  inserts.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [at, text] of inserts) out = out.slice(0, at) + text + out.slice(at);
  const prelude = `var __hsqC=globalThis.__hsqC=new Uint8Array(${units});` +
    // a plain fetch while the page lives: sendBeacon (keepalive) only at pagehide, so coverage
    // never uses up the page's keep-alive quota that the shim's own beacons need
    `(function(){var sent=new Uint8Array(${units});function flush(last){var n=[];` +
    `for(var i=0;i<__hsqC.length;i++){if(__hsqC[i]&&!sent[i]){sent[i]=1;n.push(i)}}` +
    `if(!n.length||typeof navigator!='object')return;var b=JSON.stringify(n);` +
    `try{if(last===true&&navigator.sendBeacon){navigator.sendBeacon('/__hsqcov',b)}` +
    `else if(typeof fetch=='function'){fetch('/__hsqcov',{method:'POST',body:b}).catch(function(){})}}catch(e){}}` +
    `if(typeof setInterval=='function'&&typeof navigator=='object'){setInterval(flush,50);` +
    `typeof addEventListener=='function'&&addEventListener('pagehide',function(){flush(true)})}})();\n`;
  return {js: prelude + out, keys: fns.map(f => f.key).concat(branches.map(b => b.key)),
          names: fns.map(f => f.name).concat(branches.map(b => b.name))};
}

function cutFunctions(js, cutKeys) {
  const wanted = new Set(cutKeys);
  const {fns, branches} = unitTable(js);
  // [start, end, replacement] of each listed function body and branch
  // a cut function keeps no parameters either (the stub reads none): `function f(){$hsq_cut()}`
  const units = fns.filter(f => wanted.has(f.key)).map(f => {
    const n = f.node, b = n.body;
    const head = n.type === 'ArrowFunctionExpression' ? n.start : js.indexOf('(', n.id ? n.id.end : n.start);
    const close = js.lastIndexOf(')', b.start);
    const params = n.type === 'ArrowFunctionExpression' ? (n.async ? 'async()=>' : '()=>') : '()';
    const ok = head >= n.start && head < b.start && (n.type === 'ArrowFunctionExpression' ||
      (close > head && /^\s*$/.test(js.slice(close + 1, b.start))));
    return ok ? [head, n.end, params + (b.type === 'BlockStatement' ? `{${CUT_FN}()}` : `${CUT_FN}()`)]
      : [b.start, b.end, b.type === 'BlockStatement' ? `{${CUT_FN}()}` : `${CUT_FN}()`];
  }).concat(branches.filter(b => wanted.has(b.key)).map(b => [b.start, b.end, blocks.cutText(b, CUT_FN)]));
  // outermost only: a cut function's nested functions and branches go with it
  units.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
  const chosen = [];
  let lastEnd = -1;
  for (const u of units) { if (u[0] >= lastEnd) { chosen.push(u); lastEnd = u[1]; } }
  let out = js, saved = 0;
  for (const [start, end, stub] of chosen.reverse()) {
    // a function's directive prologue goes too: strictness of the stub does not matter
    saved += (end - start) - stub.length;
    out = out.slice(0, start) + stub + out.slice(end);
  }
  // a Python RuntimeError where possible, so the shim's `except Exception` handles it like any other
  const decl = `function ${CUT_FN}(){var B=__BRYTHON__,m="hsq-shim: a Brython runtime function cut from this bundle was called";` +
    `if(B.RAISE&&B.builtins&&B.builtins.RuntimeError){B.RAISE(B.builtins.RuntimeError,m)}throw new Error(m)}\n`;
  return {js: decl + out, cut: chosen.length, matched: units.length, saved};
}

// ---------------------------------------------------------------- function facts no one reads
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

function dropUnreadInfos(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
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

function checkUnreadInfos(runtime) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
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
function requireUnreadInfos(runtime) {
  const {readers} = checkUnreadInfos(runtime);
  if (readers.length) {
    fail('function infos: the runtime may read the local names or the line of a function, so the build ' +
         `keeps them: ${readers.slice(0, 3).join('; ')}`);
  }
  return {js: runtime};
}

// ---------------------------------------------------------------- transpiling
function loadCompiler(brythonJs) {
  globalThis.self = globalThis;              // brython.js reads self.indexedDB
  globalThis.addEventListener = () => {};    // its DOMContentLoaded hook is not guarded for Node
  const saved = console.warn; console.warn = () => {};   // localStorage probe warning on newer Node
  let $B;
  try { $B = require(brythonJs).__BRYTHON__; } finally { console.warn = saved; }
  globalThis.$B = $B;                        // Function()-built AST classes name $B
  if (!$B.options_parsed) $B.parse_options();
  return $B;
}

function transpile($B, mod) {
  $B.url2name[mod.filename] = mod.name;
  $B.file_cache[mod.filename] = mod.src;
  try {
    const root = $B.py2js({src: mod.src, filename: mod.filename, imported: true}, mod.name, mod.name,
                          $B.builtins_scope);
    return root.to_js();
  } catch (err) {
    let msg = err && err.message;
    if (err && err.ob_type) {   // a Python exception (SyntaxError...)
      try { msg = $B.class_name(err) + ': ' + String(err.args && err.args[0]) +
                  (err.lineno !== undefined ? ` (line ${err.lineno})` : ''); } catch (_) {}
    }
    fail(`cannot transpile ${mod.name} (${mod.filename}): ${msg || err}`);
  }
}

// ---------------------------------------------------------------- lean generated code
// Brython records PEP 657 positions for tracebacks: `frame.positions = [[...], ...]` per scope and
// an index (inum) argument on calls and attribute reads, used only to underline the failing
// expression in a traceback, which needs the Python source (never shipped). The traceback keeps
// file, function and line. `$B.$call_with_position(f, inum, ...a)` is try{$B.$call(f, ...a)}
// catch{set_inum(inum)}, `$B.$getattr_pep657(o, a, inum)` likewise for $B.$getattr.
const POSITION_CALLS = {'$call_with_position': ['$call', 1], '$getattr_pep657': ['$getattr', 2]};

function dropPositions(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const edits = [];   // [start, end, replacement]
  let positions = 0, calls = 0;
  walk(program, (n) => {
    if (n.type === 'ExpressionStatement' && n.expression.type === 'AssignmentExpression' &&
        n.expression.operator === '=' && n.expression.left.type === 'MemberExpression' &&
        !n.expression.left.computed && n.expression.left.property.name === 'positions' &&
        n.expression.right.type === 'ArrayExpression') {
      edits.push([n.start, n.end, '']); positions++;
    } else if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && isB(n.callee.object) &&
               !n.callee.computed && Object.hasOwn(POSITION_CALLS, n.callee.property.name)) {
      const [target, ix] = POSITION_CALLS[n.callee.property.name];
      const arg = n.arguments[ix];
      if (!arg || arg.type !== 'Literal' || typeof arg.value !== 'number') {
        fail(`${label}: $B.${n.callee.property.name} without a literal position argument`);
      }
      edits.push([n.callee.property.start, n.callee.property.end, target]);
      // remove ", <inum>" (the comma before it)
      edits.push([n.arguments[ix - 1].end, arg.end, '']);
      calls++;
    }
  });
  edits.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  if (/\$B\.(\$call_with_position|\$getattr_pep657)\b|\.positions\s*=\s*\[/.test(out)) {
    fail(`${label}: position data left after dropPositions`);
  }
  return {js: out, positions, calls};
}

// Brython calls `$B.set_lineno(frame, n[, 'ClassDef'])` before every statement (1,567 calls in the
// shim): it stores the line for a traceback and calls a trace function (sys.settrace, never set
// here). Without it a traceback still names file and function, with the line of the `def` (set
// by enter_frame). Statement calls are deleted; in a condition (`if($B.set_lineno(f, n) && c)`,
// `while(...)`) the `set_lineno(...) && ` prefix goes (the call returns true).
function dropLineNumbers(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const isSetLineno = (n) => n && n.type === 'CallExpression' && n.callee.type === 'MemberExpression' &&
    isB(n.callee.object) && !n.callee.computed && n.callee.property.name === 'set_lineno';
  const edits = [];   // [start, end, replacement]
  const handled = new Set();
  const inList = new Set(['Program', 'BlockStatement', 'StaticBlock', 'SwitchCase']);
  walk(program, (n, parent) => {
    if (n.type === 'ExpressionStatement' && isSetLineno(n.expression)) {
      // the only statement of an `if`/`else`/loop body becomes an empty one
      edits.push([n.start, n.end, inList.has(parent.type) ? '' : ';']); handled.add(n.expression);
    } else if (n.type === 'LogicalExpression' && n.operator === '&&' && isSetLineno(n.left)) {
      // up to the operator, not to n.right.start: a parenthesized right operand starts after its `(`
      const op = js.indexOf('&&', n.left.end);
      if (op < 0 || js.slice(n.left.end, op).trim() !== '') fail(`${label}: no && after $B.set_lineno`);
      edits.push([n.left.start, op + 2, '']); handled.add(n.left);
    } else if (isSetLineno(n) && !handled.has(n)) {
      fail(`${label}: $B.set_lineno in an unexpected place: ${js.slice(n.start, n.end)}`);
    }
  });
  edits.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  if (/\bset_lineno\b/.test(out)) fail(`${label}: set_lineno left after dropLineNumbers`);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: dropLineNumbers made invalid JS: ${err.message}`); }
  return {js: out, calls: edits.length};
}

// Position indices (issue #12). With the position tables gone (dropPositions), the index (inum) that
// generated code still passes to many run-time functions only reaches $B.set_inum, which stores it
// in frame.inum; the runtime reads frame.inum only to look it up in frame.positions (never there
// now) and as a traceback's tb_lasti. Each distinct index is a few bytes of entropy, so every
// literal index becomes 0 (the argument stays: call_attr takes it before its `...args`), and the
// statements that only store one (`iterator[$B.INUM] = n`, `$B.frame_obj.frame.inum = n`) go.
// A listed call whose index is not a number literal, or any other `.inum =`, fails the build.
const INUM_ARG = {rich_op: 3, call_attr: 2, $getitem: 2, getitem_slice: 2, $setitem: 3, $setattr1: 3,
  $delitem: 2, $delattr: 2, assert: 2, $import_from: 5, import: 4, resolve_local: 1, resolve_in_scopes: 2,
  resolve_global: 2, own_class_name: 1, $delete: 2,
  unpacker: (args) => {   // (obj, nb_targets, has_starred[, starred position], inum)
    const starred = args[2];
    if (!starred || starred.type !== 'Literal' || typeof starred.value !== 'boolean') return -1;
    return starred.value ? 4 : 3;
  }};

function dropPositionIndices(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const isNum = (n) => n && n.type === 'Literal' && typeof n.value === 'number';
  const inList = new Set(['Program', 'BlockStatement', 'StaticBlock', 'SwitchCase']);
  const edits = [];
  const dropped = new Set();
  let args = 0, statements = 0;
  walk(program, (n, parent) => {
    if (n.type === 'ExpressionStatement' && n.expression.type === 'AssignmentExpression' &&
        n.expression.operator === '=' && isNum(n.expression.right) && n.expression.left.type === 'MemberExpression') {
      const left = n.expression.left;
      const inumSymbol = left.computed && left.property.type === 'MemberExpression' && isB(left.property.object) &&
        !left.property.computed && left.property.property.name === 'INUM';
      // $B.frame_obj.frame.inum = n
      const frameInum = !left.computed && left.property.name === 'inum' && left.object.type === 'MemberExpression' &&
        !left.object.computed && left.object.property.name === 'frame' && left.object.object.type === 'MemberExpression' &&
        isB(left.object.object.object) && !left.object.object.computed && left.object.object.property.name === 'frame_obj';
      if (inumSymbol || frameInum) {
        edits.push([n.start, n.end, inList.has(parent.type) ? '' : ';']); dropped.add(n.expression); statements++;
      }
    } else if (n.type === 'AssignmentExpression' && !dropped.has(n) && n.left.type === 'MemberExpression' &&
               ((!n.left.computed && n.left.property.name === 'inum') ||
                (n.left.computed && n.left.property.type === 'MemberExpression' && !n.left.property.computed &&
                 n.left.property.property.name === 'INUM'))) {
      fail(`${label}: a position index stored in an unexpected way: ${js.slice(n.start, n.end).slice(0, 120)}`);
    } else if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && isB(n.callee.object) &&
               !n.callee.computed && Object.hasOwn(INUM_ARG, n.callee.property.name)) {
      const rule = INUM_ARG[n.callee.property.name];
      const ix = typeof rule === 'function' ? rule(n.arguments) : rule;
      if (ix < 0) fail(`${label}: $B.${n.callee.property.name} call not understood: ${js.slice(n.start, n.end).slice(0, 120)}`);
      const arg = n.arguments[ix];
      if (arg === undefined) return;
      if (!isNum(arg) || n.arguments.slice(0, ix + 1).some(a => a.type === 'SpreadElement')) {
        fail(`${label}: $B.${n.callee.property.name} without a literal position index: ${js.slice(n.start, n.end).slice(0, 120)}`);
      }
      if (arg.value !== 0) { edits.push([arg.start, arg.end, '0']); args++; }
    }
  });
  edits.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  if (/\[\$B\.INUM\]|\bframe\.inum\s*=[^=]/.test(out)) fail(`${label}: position indices left after dropPositionIndices`);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: dropPositionIndices made invalid JS: ${err.message}`); }
  return {js: out, args, statements};
}

// Method class (issue #12). Brython starts every method with
//   locals.ob_type = locals.__class__ = $B.get_method_class(f, <module ns>, "<class>", [<refs>])
// on each call: the `__class__` cell that zero-argument super() reads (through
// $B.get_class(frame[1])) and a `__class__` name in the body would find. Nothing else in the runtime
// reads them (exec, which would, is not shipped). The statement goes from a method whose text
// (nested functions included) names neither super, __class__, locals(), vars(), eval, exec nor
// _getframe; elsewhere it stays. A get_method_class call of another shape fails the build.
const NEEDS_METHOD_CLASS = /\bsuper\b|__class__|_b_\.(locals|vars|eval|exec)\b|_getframe/;

function dropMethodClass(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
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
function fastLookups(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
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

// Boilerplate every generated function repeats (issue #12). Two rewrites, on each module and the
// boot, after the other post-passes:
//  1. a function's set-up after its body,
//       [F.$is_method = true]  F.$function_infos = [...]  $B.set_func_attrs(F, frame, '<module>')
//       F.ob_type = $B.function  F.__annotate__ = _b_.None
//     becomes `$F(F, [...], frame[, 1])`, a helper doing the same assignments in the same order
//     (the module name passed to set_func_attrs is infos[0]; checked here);
//  2. calls `$B.<name>(...)` of the run-time functions in SHARED_CALLS become calls of a local alias
//     (`$0`, `$1`...) of the app's closure, read once from __BRYTHON__ after the runtime's set-up
//     (a 2-3 character name instead of a property read). Safe because each of them is
//     assigned exactly once in the runtime, as a function that does not use `this` (checked by
//     checkSharedCalls, so a Brython upgrade that changes one fails the build).
// The frame protocol itself (enter_frame, trace_return_and_leave, set_exc_and_leave: tracebacks,
// `except`, bare `raise`, super() and generators read $B.frame_obj) runs exactly as before.
const SHARED_CALLS = ['$call', '$bool', '$getattr', 'trace_return_and_leave', 'call_attr', 'fast_tuple',
  'enter_frame', 'rich_op', 'set_exc_and_leave', 'args_parser', '$getitem', '$setattr1', 'rich_comp', '$is',
  '$import_from', 'get_method_class', '$list', 'leave_frame', 'make_js_iterator', 'set_exc_and_trace',
  '$is_member', 'getitem_slice', 'get_class'];
// Alias names: `$` + the index in SHARED_CALLS. Reserved from terser's mangling: mangled, the aliases
// took different short names in every module and shifted the modules' own local names, which
// cost more brotli than the shorter text saved; fixed names keep the modules' text alike.
const SHARED_ALIAS = Object.fromEntries(SHARED_CALLS.map((n, i) => [n, '$' + i]));
const FN_HELPER = '$F';
const SHARED_NAMES = new Set([...Object.values(SHARED_ALIAS), FN_HELPER, '$I', compact.INFOS_HELPER]);   // $I: IMPORT_HELPER
const SHARED_PLACEHOLDER = '/*$hsq_shared*/';
const FN_HELPER_JS = `function ${FN_HELPER}(f,infos,frame,method){if(method){f.$is_method=true}` +
  'f.$function_infos=infos;$B.set_func_attrs(f,frame,infos[0]);f.ob_type=$B.function;' +
  'f.__annotate__=$B.builtins.None}';

// Imports, issue #12. `from M import N` compiles to $B.$import_from(M, N, {}, 0, locals, inum), which
// runs Brython's whole import system ($B.import, __import__: path and package resolution, finders)
// only to find M in $B.imported, where it always is: build.py (Rule 1) orders the browser modules
// so that each one's imports run before it, and the rest are the runtime's own modules. So
// directImports writes `locals.N = $I("M", "N")`, a lookup of the name on the module as __import__
// would do it (the attribute, else a submodule of that name, else ImportError), and
// `import M` (M without dots) `locals.M = $B.imported.M`. Other shapes (aliases, relative or
// star imports, dotted `import a.b`) keep the generic call, and fail the build while the cut
// removes the import system (the shim has none of them).
const IMPORT_HELPER = '$I';
const IMPORT_HELPER_JS = `function ${IMPORT_HELPER}(m,n){var mod=$B.imported[m],v;try{v=$B.$getattr(mod,n)}catch(err){` +
  "v=$B.imported[m+'.'+n];if(v===undefined){$B.RAISE($B.builtins.ImportError,\"cannot import name '\"+n+\"' from '\"+m+\"'\")}}" +
  'return v&&v.$js_func?v.$js_func:v}';

function directImports(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const str = (n) => n && n.type === 'Literal' && typeof n.value === 'string' ? n.value : null;
  const num = (n, v) => n && n.type === 'Literal' && n.value === v;
  const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
  const edits = [];
  let from = 0, plain = 0, kept = 0;
  walk(program, (n) => {
    if (n.type === 'Identifier' && n.name === IMPORT_HELPER) {
      fail(`${label}: generated code already names ${IMPORT_HELPER}, the build's import helper`);
    }
  });
  walk(program, (n) => {
    if (n.type !== 'ExpressionStatement' || n.expression.type !== 'CallExpression') return;
    const c = n.expression, a = c.arguments;
    if (c.callee.type !== 'MemberExpression' || !isB(c.callee.object) || c.callee.computed) return;
    const fn = c.callee.property.name;
    if (fn === '$import_from') {
      if (a.length === 6 && str(a[0]) && NAME.test(str(a[1]) || '') && a[2].type === 'ObjectExpression' &&
          a[2].properties.length === 0 && num(a[3], 0) && a[4].type === 'Identifier' && num(a[5], 0) &&
          /^[\w.]+$/.test(str(a[0]))) {
        edits.push([n.start, n.end, `${a[4].name}.${str(a[1])} = ${IMPORT_HELPER}(${JSON.stringify(str(a[0]))}, ` +
                                    `${JSON.stringify(str(a[1]))})`]);
        from++;
      } else kept++;
    } else if (fn === 'import') {
      if (a.length === 5 && NAME.test(str(a[0]) || '') && a[1].type === 'ArrayExpression' && a[1].elements.length === 0 &&
          a[2].type === 'ObjectExpression' && a[2].properties.length === 0 && a[3].type === 'Identifier' && num(a[4], 0)) {
        edits.push([n.start, n.end, `${a[3].name}.${str(a[0])} = $B.imported.${str(a[0])}`]);
        plain++;
      } else kept++;
    }
  });
  edits.sort((x, y) => y[0] - x[0]);
  let out = js;
  for (const [x, y, r] of edits) out = out.slice(0, x) + r + out.slice(y);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: directImports made invalid JS: ${err.message}`); }
  return {js: out, from, plain, kept};
}

function shareBoilerplate(js, label) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  walk(program, (n) => {
    if (n.type === 'Identifier' && SHARED_NAMES.has(n.name) && n.name !== IMPORT_HELPER) {   // directImports: checked there
      fail(`${label}: generated code already names ${n.name}, a name of the build's shared helpers`);
    }
  });
  const src = (n) => js.slice(n.start, n.end);
  const isId = (n, name) => n && n.type === 'Identifier' && (name === undefined || n.name === name);
  const assignTo = (st, prop) => st && st.type === 'ExpressionStatement' && st.expression.type === 'AssignmentExpression' &&
    st.expression.operator === '=' && st.expression.left.type === 'MemberExpression' && !st.expression.left.computed &&
    isId(st.expression.left.object) && st.expression.left.property.name === prop ? st.expression : null;
  const bCall = (n, name) => n && n.type === 'CallExpression' && n.callee.type === 'MemberExpression' &&
    isB(n.callee.object) && !n.callee.computed && (name === undefined || n.callee.property.name === name);
  const edits = [];   // [start, end, replacement]
  const folded = new Set();   // $function_infos assignments and set_func_attrs calls rewritten
  let functions = 0;
  const used = new Set();
  walk(program, (n) => {
    const body = n.type === 'Program' || n.type === 'BlockStatement' ? n.body : null;
    if (!body) return;
    body.forEach((st, i) => {
      const infos = assignTo(st, '$function_infos');
      if (!infos) return;
      const f = infos.left.object.name;
      const where = `${label}: the set-up of function ${f}`;
      const method = assignTo(body[i - 1], '$is_method');
      const isMethod = method && method.left.object.name === f && method.right.type === 'Literal' && method.right.value === true;
      const attrs = body[i + 1] && body[i + 1].type === 'ExpressionStatement' && body[i + 1].expression;
      const obType = assignTo(body[i + 2], 'ob_type'), annotate = assignTo(body[i + 3], '__annotate__');
      const arr = infos.right;
      if (arr.type !== 'ArrayExpression' || !arr.elements[0] || arr.elements[0].type !== 'Literal' ||
          typeof arr.elements[0].value !== 'string') fail(`${where}: $function_infos is not [<module name>, ...]`);
      if (!bCall(attrs, 'set_func_attrs') || attrs.arguments.length !== 3 || !isId(attrs.arguments[0], f) ||
          !isId(attrs.arguments[1]) || attrs.arguments[2].type !== 'Literal' ||
          attrs.arguments[2].value !== arr.elements[0].value) {
        fail(`${where}: expected $B.set_func_attrs(${f}, <frame>, '${arr.elements[0].value}') after $function_infos`);
      }
      if (!obType || obType.left.object.name !== f || obType.right.type !== 'MemberExpression' ||
          !isB(obType.right.object) || obType.right.computed || obType.right.property.name !== 'function' ||
          !annotate || annotate.left.object.name !== f || annotate.right.type !== 'MemberExpression' ||
          !isId(annotate.right.object, '_b_') || annotate.right.computed || annotate.right.property.name !== 'None') {
        fail(`${where}: expected ${f}.ob_type = $B.function; ${f}.__annotate__ = _b_.None after set_func_attrs`);
      }
      const first = isMethod ? body[i - 1] : st;
      edits.push([first.start, body[i + 3].end,
                  `${FN_HELPER}(${f}, ${src(arr)}, ${src(attrs.arguments[1])}${isMethod ? ', 1' : ''})`]);
      folded.add(infos); folded.add(attrs);
      functions++;
    });
  });
  walk(program, (n) => {
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && !n.left.computed &&
        n.left.property.name === '$function_infos' && !folded.has(n)) {
      fail(`${label}: $function_infos assigned in an unexpected place: ${src(n).slice(0, 120)}`);
    }
    if (bCall(n, 'set_func_attrs') && !folded.has(n)) {
      fail(`${label}: $B.set_func_attrs in an unexpected place: ${src(n).slice(0, 120)}`);
    }
    if (bCall(n) && SHARED_CALLS.includes(n.callee.property.name)) {
      const name = n.callee.property.name;
      edits.push([n.callee.start, n.callee.end, SHARED_ALIAS[name]]);
      used.add(name);
    }
  });
  // callee edits lie inside the function set-up edits (an infos array holds no calls, but be safe)
  edits.sort((a, b) => b[0] - a[0]);
  for (let k = 1; k < edits.length; k++) {
    if (edits[k][1] > edits[k - 1][0]) fail(`${label}: overlapping boilerplate rewrites at ${edits[k][0]}`);
  }
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  const names = SHARED_CALLS.map(n => n.replace(/\$/g, '\\$')).join('|');
  if (new RegExp(`\\$B\\.(${names})\\(|\\$function_infos|set_func_attrs`).test(out)) {
    fail(`${label}: boilerplate left after shareBoilerplate`);
  }
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: shareBoilerplate made invalid JS: ${err.message}`); }
  return {js: out, functions, used};
}

// Every aliased run-time function: assigned exactly once, as `$B.<name> = function(...){...}` whose
// own body does not read `this` (the alias is called without a receiver).
function checkSharedCalls(runtime, names) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const program = acorn.parse(runtime, {ecmaVersion: 'latest', sourceType: 'script'});
  const defs = new Map(names.map(n => [n, []]));
  walk(program, (n) => {
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && !n.left.computed &&
        defs.has(n.left.property.name) && n.left.object.type === 'Identifier' &&
        (n.left.object.name === '$B' || n.left.object.name === '__BRYTHON__')) {
      defs.get(n.left.property.name).push(n.right);
    }
  });
  for (const [name, rights] of defs) {
    if (rights.length !== 1) fail(`shared calls: $B.${name} is assigned ${rights.length} times in the runtime, expected 1`);
    const fn = rights[0];
    if (fn.type !== 'FunctionExpression') fail(`shared calls: $B.${name} is not assigned a function expression`);
    let usesThis = false;
    const visit = (node) => {
      if (!node || typeof node.type !== 'string') return;
      if (node.type === 'ThisExpression') { usesThis = true; return; }
      if (node !== fn && (node.type === 'FunctionExpression' || node.type === 'FunctionDeclaration')) return;
      for (const k of Object.keys(node)) {
        const v = node[k];
        if (Array.isArray(v)) v.forEach(visit); else if (v && typeof v.type === 'string') visit(v);
      }
    };
    visit(fn);
    if (usesThis) fail(`shared calls: $B.${name} uses \`this\`: it cannot be called through an alias`);
  }
}

// ---------------------------------------------------------------- link check
function loadRuntime(runtimeJs, globals) {
  const ctx = vm.createContext({console: {log() {}, warn() {}, error() {}, info() {}, debug() {}},
                                setTimeout, clearTimeout, queueMicrotask, TextEncoder, TextDecoder, URL, ...globals});
  vm.runInContext('globalThis.self = globalThis; globalThis.window = globalThis', ctx);
  try {
    // then every type's dict, which buildtools/finalize.py defers to first use for most of them
    // (the types still waiting for it listed first, in __hsqLazy)
    vm.runInContext(runtimeJs + '\n;' + STEPS_VAR + '.forEach(function(f){f()});globalThis.__hsqRuntime = __BRYTHON__;' +
                    'globalThis.__hsqLazy=[];for(var ns of[__BRYTHON__.builtin_types,__BRYTHON__.created_types]){' +
                    'for(var n in ns){var d=__BRYTHON__.DICT&&Object.getOwnPropertyDescriptor(ns[n],__BRYTHON__.DICT);' +
                    'if(d&&d.get){__hsqLazy.push(ns[n].tp_name)}if(__BRYTHON__.get_dict){__BRYTHON__.get_dict(ns[n])}}}',
                    ctx, {filename: 'runtime.js'});
  } catch (err) {
    fail(`the trimmed runtime does not load in Node: ${err && err.stack || err}`);
  }
  if (ctx.__hsqC) ctx.__hsqRuntime.hsq_node_hits = [...ctx.__hsqC.keys()].filter(i => ctx.__hsqC[i]);
  ctx.__hsqRuntime.hsq_lazy = [...ctx.__hsqLazy];
  return ctx.__hsqRuntime;
}

function linkCheck($R, code, flags) {
  const refs = new Set(), assigned = new Set(), brefs = new Set();
  for (const m of code.matchAll(/\$B\.([A-Za-z_$][\w$]*)/g)) refs.add(m[1]);
  for (const m of code.matchAll(/\$B\.([A-Za-z_$][\w$]*)\s*=(?!=)/g)) assigned.add(m[1]);
  for (const m of code.matchAll(/\b_b_\.([A-Za-z_$][\w$]*)/g)) brefs.add(m[1]);
  const missing = [...refs].filter(n => !(n in $R) && !assigned.has(n) && !flags.includes(n)).sort();
  const missingB = [...brefs].filter(n => !(n in $R.builtins)).sort();
  if (missing.length || missingB.length) {
    fail('link check: the generated code uses names the trimmed runtime lacks: ' +
         missing.map(n => '$B.' + n).concat(missingB.map(n => '_b_.' + n)).join(', '));
  }
  return {names: [...refs].filter(n => !assigned.has(n) && !flags.includes(n)).sort(), builtins: [...brefs].sort()};
}

function recheck($R, link) {
  const missing = link.names.filter(n => !(n in $R)).map(n => '$B.' + n)
    .concat(link.builtins.filter(n => !(n in $R.builtins)).map(n => '_b_.' + n));
  if (missing.length) fail('link check after minification: missing ' + missing.join(', '));
}

// ---------------------------------------------------------------- minify
// The runtime gets terser's full compress (slow, cached below); generated module code gets a light
// one: reduce_vars/collapse_vars cost 4x the time there for under 1 % of gzip size.
const LIGHT = {sequences: false, join_vars: false, reduce_vars: false, collapse_vars: false};

function terserOptions(reserved, light) {
  return {ecma: 2020, compress: light ? LIGHT : {passes: 1}, mangle: {reserved},
          format: {comments: false, ascii_only: true}, toplevel: false};
}

async function minify(code, reserved, light) {
  const terser = require(path.join(NODE_MODULES, 'terser'));
  const res = await terser.minify(code, terserOptions(reserved, light));
  return res.code;
}

// Minifying is the slow part (runtime about 6 s, app 1-4 s) and its output depends only on the input,
// the options and terser's version: cache it by content hash. A cached runtime is still re-checked
// by loading it (recheck below).
async function minifyCached(code, reserved, light, cacheDir, kind) {
  if (!cacheDir) return minify(code, reserved, light);
  const crypto = require('crypto');
  const terserVersion = require(path.join(NODE_MODULES, 'terser', 'package.json')).version;
  const key = crypto.createHash('sha256')
    .update(JSON.stringify([terserVersion, terserOptions(reserved, light)])).update('\0').update(code)
    .digest('hex');
  const file = path.join(cacheDir, `${kind}-${key.slice(0, 32)}.min.js`);
  try { return fs.readFileSync(file, 'utf8'); } catch (_) {}
  const out = await minify(code, reserved, light);
  try {
    fs.mkdirSync(cacheDir, {recursive: true});
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, file);
    const old = fs.readdirSync(cacheDir).filter(f => f.endsWith('.min.js'))
      .map(f => [fs.statSync(path.join(cacheDir, f)).mtimeMs, f]).sort((a, b) => b[0] - a[0]).slice(30);
    for (const [, f] of old) fs.unlinkSync(path.join(cacheDir, f));   // keep the 30 newest
  } catch (_) {}   // an unwritable cache only costs time
  return out;
}

// ---------------------------------------------------------------- main
async function main(req) {
  if (!req.node_modules) fail('request without node_modules');
  NODE_MODULES = req.node_modules;
  if (req.units_test) {   // tests/test_build_blocks.py: the branch units of a runtime text, cut and counted
    const js = req.units_test.js, {fns, branches} = unitTable(js);
    return {ok: true, units: branches.map(b => ({text: js.slice(b.start, b.end), kind: b.kind, name: b.name})),
            cut: cutFunctions(js, branches.map(b => b.key)).js, instrumented: instrument(js).js,
            cut_functions: cutFunctions(js, fns.map(f => f.key)).js};
  }
  if (req.types_test) {   // tests/test_build_prune.py: removeUnusedTypes on a staged runtime
    const acorn = require(path.join(NODE_MODULES, 'acorn'));
    const {runtime, app, glue} = req.types_test;
    const t = removeUnusedTypes(runtime, {acorn, app, glue});
    loadRuntime(t.js);
    return {ok: true, js: t.js, types: t.types};
  }
  if (req.helpers_test) {   // tests/test_build_compact.py: the app's shared function helpers
    return {ok: true, js: FN_HELPER_JS + '\n' + compact.INFOS_HELPER_JS + '\n'};
  }
  if (req.prune_test) {   // tests/test_build_prune.py: pruneRuntime on a given staged runtime
    const acorn = require(path.join(NODE_MODULES, 'acorn'));
    const {runtime, app, glue} = req.prune_test;
    const p = pruneRuntime(runtime, {acorn, load: loadRuntime, app, glue});
    loadRuntime(p.js);
    return {ok: true, js: p.js, stubs: p.stubs, names: p.names, tables: p.tables};
  }
  if (req.pass_test) {   // tests/test_build.py: one post-pass on a given text
    const acorn = require(path.join(NODE_MODULES, 'acorn'));
    const passes = {dropPositions, dropLineNumbers, dropPositionIndices, dropMethodClass, fastLookups, shareBoilerplate,
                    dropUnreadInfos, checkUnreadInfos: requireUnreadInfos, directImports,
                    // buildtools/compact.js, on a module named 'm'
                    dropClassFacts: (js, label) => compact.dropClassFacts(js, label, acorn),
                    moduleNameConstant: (js, label) => compact.moduleNameConstant(js, label, 'm', acorn),
                    compactInfos: (js, label) => compact.compactInfos(js, label, 'm', acorn),
                    zeroFrameLines: (js, label) => compact.zeroFrameLines(js, label, ['$6', '$18'], acorn)};
    const {name, js} = req.pass_test;
    if (!Object.hasOwn(passes, name)) fail(`no post-pass ${name}`);
    const res = passes[name](js, 'test');
    return {ok: true, js: res.js};
  }
  const t0 = Date.now(), timings = {};
  const lap = (k) => { timings[k] = Date.now() - t0; };

  let runtime = req.runtime;
  const helpers = {};
  for (const ex of req.extractions) {
    const extracted = extractRuntimeFunctions(ex.name, ex.segment, ex.keep, ex.drop);
    if (runtime.split(ex.placeholder).length !== 2) fail(`placeholder of ${ex.name} must occur exactly once`);
    runtime = runtime.replace(ex.placeholder, () => extracted.js);
    helpers[ex.name] = extracted.helpers;
  }
  danglingCheck(fs.readFileSync(req.brython_js, 'utf8'), runtime, req.compiler_only);
  const staged = stageRuntime(runtime, req.separator);
  runtime = staged.js;
  let cutInfo = null, coverageKeys = null, coverageNames = null;
  if (req.coverage) {
    const inst = instrument(runtime);
    runtime = inst.js; coverageKeys = inst.keys; coverageNames = inst.names;
  } else if (req.cut_keys && req.cut_keys.length) {
    const c = cutFunctions(runtime, req.cut_keys);
    runtime = c.js;
    cutInfo = {functions: c.cut, matched: c.matched, listed: req.cut_keys.length, chars_saved: c.saved};
  }
  lap('extract');

  const $B = loadCompiler(req.brython_js);
  lap('load_compiler');
  $B.$py_UUID = req.uuid_base;    // counter-generated ids (to_py123...) start at a fixed value
  // The app: one step per module, then the boot; the bundle's scheduler runs them after the runtime.
  const steps = [];
  const scopes = new Set();
  const leanCounts = {positions: 0, position_calls: 0, set_lineno: 0, position_indices: 0, method_class_dropped: 0, method_class_kept: 0, functions: 0, type_calls: 0, forward_names: 0, identities: 0, bool_tests: 0, infos_dropped: 0, imports_direct: 0, imports_generic: 0, class_facts: 0, infos_compacted: 0, module_names: 0, frame_lines: 0};
  const sharedUsed = new Set();
  // a runtime that can still read them (a build without the cut, or a new reader un-cut) keeps them
  const infoReaders = req.coverage ? ['coverage build'] : checkUnreadInfos(runtime).readers;
  leanCounts.infos_readers = infoReaders.length;
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const lean = (js, label, module) => {
    const p = dropPositions(js, label), l = dropLineNumbers(p.js, label), x = dropPositionIndices(l.js, label),
      m = dropMethodClass(x.js, label), f = fastLookups(m.js, label), d = directImports(f.js, label),
      b = shareBoilerplate(d.js, label),
      u = infoReaders.length ? b : dropUnreadInfos(b.js, label);
    leanCounts.type_calls += f.types; leanCounts.forward_names += f.names;
    leanCounts.identities += f.identities; leanCounts.bool_tests += f.tests;
    leanCounts.method_class_dropped += m.dropped; leanCounts.method_class_kept += m.kept;
    leanCounts.positions += p.positions; leanCounts.position_calls += p.calls; leanCounts.set_lineno += l.calls;
    leanCounts.position_indices += x.args + x.statements;
    leanCounts.functions += b.functions;
    if (u !== b) leanCounts.infos_dropped += u.functions;
    leanCounts.imports_direct += d.from + d.plain; leanCounts.imports_generic += d.kept;
    for (const name of b.used) sharedUsed.add(name);
    const c = compact.compactModule(u.js, label, module, acorn,    // buildtools/compact.js
      [SHARED_ALIAS.enter_frame, SHARED_ALIAS.make_js_iterator]);
    leanCounts.class_facts += c.class_facts; leanCounts.infos_compacted += c.infos_compacted;
    leanCounts.module_names += c.module_names; leanCounts.frame_lines += c.frame_lines;
    return c.js;
  };
  for (const mod of req.modules) {
    const js = lean(transpile($B, mod), mod.name, mod.name);
    const scope = 'locals_' + $B.scope_name(mod.name);
    if (!js.includes(scope)) fail(`generated code of ${mod.name} does not define ${scope}`);
    for (const m of js.matchAll(/\blocals_[\w$]+/g)) scopes.add(m[0]);
    steps.push(`function(){$hsq_module(${JSON.stringify(mod.name)},${mod.is_pkg ? 1 : 0},${JSON.stringify(mod.filename)},` +
               `function(${scope}){\n${js}\nreturn ${scope}})}`);
  }
  const boot = lean($B.python_to_js(req.boot_src, '__boot__'), '__boot__', '__boot__');
  for (const m of boot.matchAll(/\blocals_[\w$]+/g)) scopes.add(m[0]);
  steps.push('function(){' + req.boot_prelude + '\n' + boot + ';\n}');
  // An import directImports leaves to Brython needs its import system, which the cut may have
  // removed: say so now rather than let the start-up fail with the cut's error on every page.
  const esc = (t) => t.replace(/\$/g, '\\$');
  const cutImports = ['$import_from', 'import'].filter(n =>
    new RegExp(`\\$B\\.${esc(n)}=function\\([^)]*\\)\\{${esc(CUT_FN)}\\(\\)\\}`).test(runtime));
  if (leanCounts.imports_generic && cutImports.length) {
    fail(`${leanCounts.imports_generic} import(s) of a shape directImports does not rewrite (an alias, a relative, ` +
         `star or dotted import) need $B.${cutImports.join(', $B.')}, cut from the runtime: write the import ` +
         'as `from M import N` / `import M`, or extend directImports');
  }
  // the shared helpers (shareBoilerplate): aliases declared in the app's closure, read in a first
  // step, once the runtime's set-up has run
  const shared = SHARED_CALLS.filter(n => sharedUsed.has(n));
  checkSharedCalls(runtime, shared);
  const sharedDecl = (shared.length ? 'var ' + shared.map(n => SHARED_ALIAS[n]).join(',') + '\n' : '') + FN_HELPER_JS + '\n' +
    (leanCounts.imports_direct ? IMPORT_HELPER_JS + '\n' : '') +
    (leanCounts.infos_compacted ? compact.INFOS_HELPER_JS + '\n' : '');
  steps.unshift('function(){' + shared.map(n => `${SHARED_ALIAS[n]}=$B.${n}`).join(';') + '}');
  if (req.app_prelude.split(SHARED_PLACEHOLDER).length !== 2) fail(`app prelude: ${SHARED_PLACEHOLDER} must occur exactly once`);
  // explicit semicolons/commas: no ASI surprises between parts
  let app = req.app_prelude.replace(SHARED_PLACEHOLDER, () => sharedDecl) + steps.join(',\n') + req.app_postlude;
  lap('transpile');

  if (cutInfo) {
    // what the cut left unreachable (buildtools/prune.js); the link check below loads the result
    const p = pruneRuntime(runtime, {acorn, load: loadRuntime, app, glue: req.glue || ''});
    runtime = p.js;
    const t = removeUnusedTypes(runtime, {acorn, app, glue: req.glue || ''});   // buildtools/unused_types.js
    runtime = t.js;
    cutInfo.pruned = {stubs: p.stubs, of: p.of, names: p.names, tables: p.tables, types: t.types};
    lap('prune');
  }
  const $R = loadRuntime(runtime);
  const link = linkCheck($R, app, req.flags);
  const lazyTypes = $R.hsq_lazy;   // buildtools/finalize.py
  // the link check itself runs the runtime's set-up in Node (a few Node-only paths): never cut those
  const nodeHits = req.coverage ? $R.hsq_node_hits : null;
  lap('link_check');

  let outRuntime = runtime;
  if (req.minify) {
    outRuntime = await minifyCached(runtime, [], false, req.cache_dir, 'runtime');
    // The scope objects (`locals_<module>_<class>_<function>`, 2,300 uses of 160 long names) are
    // plain lexical variables here (Brython needs the names only for its eval-based loader, which
    // the bundle does not ship): terser mangles them like any local. None may be left.
    app = await minifyCached(app, [...SHARED_NAMES], true, req.cache_dir, 'app');
    const left = [...new Set(app.match(/\blocals_[\w$]+/g) || [])];
    if (left.length) fail(`scope names left after minifying (used outside their function?): ${left.slice(0, 5).join(', ')}`);
    leanCounts.scope_names = scopes.size;
    lap('minify');
    // re-check the minified runtime still loads and keeps what the app needs
    recheck(loadRuntime(outRuntime), link);
    lap('link_check_min');
  }
  return {ok: true, runtime: outRuntime, app, helpers, cut: cutInfo, lazy_types: lazyTypes, coverage_keys: coverageKeys, coverage_names: coverageNames, coverage_node_hits: nodeHits, lean: leanCounts, steps: {runtime: staged.steps, app: steps.length},
          link: {runtime_names: link.names.length, builtins: link.builtins.length}, timings};
}

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (d) => { input += d; });
process.stdin.on('end', () => {
  main(JSON.parse(input)).then(
    (res) => { process.stdout.write(JSON.stringify(res)); },
    (err) => {
      process.stdout.write(JSON.stringify({ok: false, error: err.buildError ? err.message : String(err && err.stack || err)}));
    });
});
