// Build-time helper for build.py: ahead-of-time transpiling with Brython's own compiler,
// run-time extraction of ast_to_js, link check and minification.
//
// Protocol: one JSON request on stdin, one JSON answer on stdout.
//   request  {brython_js, runtime, extractions:[{name, placeholder, segment, keep, drop}], compiler_only,
//             modules:[{name, filename, src, is_pkg}], boot_src, app_prelude, boot_prelude, app_postlude, separator,
//             uuid_base, minify, cache_dir, flags}
//   answer   {ok:true, runtime, app, names, timings} | {ok:false, error}
// Rule: everything that can go wrong makes {ok:false} with a message build.py can print as is.
'use strict';
const fs = require('fs');
const path = require('path');
const vm = require('vm');

const NODE_MODULES = path.join(__dirname, 'node_modules');   // buildtools/package.json

function fail(msg) { const e = new Error(msg); e.buildError = true; throw e; }

// ---------------------------------------------------------------- JS AST helpers (acorn)
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
// same text share a key; buildtools/coverage.py lists a key only if none of them ran). build.py --coverage-build instruments each function with
// `__hsqC[i]=1` so a test run can list the keys never executed; buildtools/cut-functions.json holds
// that list, and a normal build replaces those functions' bodies by a call to $hsq_cut (it throws).
// Keys of text that changed are simply not found: a changed function is kept, never cut blindly.
const CUT_FN = '$hsq_cut';

function functionTable(js) {
  const acorn = require(path.join(NODE_MODULES, 'acorn'));
  const crypto = require('crypto');
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const fns = [];
  walk(program, (n) => {
    if (n.type !== 'FunctionDeclaration' && n.type !== 'FunctionExpression' && n.type !== 'ArrowFunctionExpression') return;
    const text = js.slice(n.start, n.end);
    fns.push({node: n, key: crypto.createHash('sha1').update(text).digest('hex').slice(0, 16)});
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

function instrument(js) {
  const fns = functionTable(js);
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
  inserts.sort((a, b) => b[0] - a[0]);
  let out = js;
  for (const [at, text] of inserts) out = out.slice(0, at) + text + out.slice(at);
  const prelude = `var __hsqC=globalThis.__hsqC=new Uint8Array(${fns.length});` +
    `(function(){var sent=new Uint8Array(${fns.length});function flush(){var n=[];` +
    `for(var i=0;i<__hsqC.length;i++){if(__hsqC[i]&&!sent[i]){sent[i]=1;n.push(i)}}` +
    `if(n.length&&typeof navigator=='object'&&navigator.sendBeacon){try{navigator.sendBeacon('/__hsqcov',JSON.stringify(n))}catch(e){}}}` +
    `if(typeof setInterval=='function'&&typeof navigator=='object'){setInterval(flush,50);` +
    `typeof addEventListener=='function'&&addEventListener('pagehide',flush)}})();\n`;
  return {js: prelude + out, keys: fns.map(f => f.key)};
}

function cutFunctions(js, cutKeys) {
  const wanted = new Set(cutKeys);
  const fns = functionTable(js).filter(f => wanted.has(f.key));
  // outermost only: a cut function's nested functions go with it
  fns.sort((a, b) => a.node.start - b.node.start || b.node.end - a.node.end);
  const chosen = [];
  let lastEnd = -1;
  for (const f of fns) { if (f.node.start >= lastEnd) { chosen.push(f); lastEnd = f.node.end; } }
  let out = js, saved = 0;
  for (const f of chosen.reverse()) {
    const b = f.node.body;
    const stub = b.type === 'BlockStatement' ? `{${CUT_FN}()}` : `${CUT_FN}()`;
    // keep the directive prologue: strictness of the stub does not matter, but keep it simple
    saved += (b.end - b.start) - stub.length;
    out = out.slice(0, b.start) + stub + out.slice(b.end);
  }
  // a Python RuntimeError where possible, so the shim's `except Exception` handles it like any other
  const decl = `function ${CUT_FN}(){var B=__BRYTHON__,m="hsq-shim: a Brython runtime function cut from this bundle was called";` +
    `if(B.RAISE&&B.builtins&&B.builtins.RuntimeError){B.RAISE(B.builtins.RuntimeError,m)}throw new Error(m)}\n`;
  return {js: decl + out, cut: chosen.length, matched: fns.length, saved};
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

// ---------------------------------------------------------------- link check
function loadRuntime(runtimeJs) {
  const ctx = vm.createContext({console: {log() {}, warn() {}, error() {}, info() {}, debug() {}},
                                setTimeout, clearTimeout, queueMicrotask, TextEncoder, TextDecoder, URL});
  vm.runInContext('globalThis.self = globalThis; globalThis.window = globalThis', ctx);
  try {
    vm.runInContext(runtimeJs + '\n;' + STEPS_VAR + '.forEach(function(f){f()});globalThis.__hsqRuntime = __BRYTHON__',
                    ctx, {filename: 'runtime.js'});
  } catch (err) {
    fail(`the trimmed runtime does not load in Node: ${err && err.stack || err}`);
  }
  if (ctx.__hsqC) ctx.__hsqRuntime.hsq_node_hits = [...ctx.__hsqC.keys()].filter(i => ctx.__hsqC[i]);
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
  let cutInfo = null, coverageKeys = null;
  if (req.coverage) {
    const inst = instrument(runtime);
    runtime = inst.js; coverageKeys = inst.keys;
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
  for (const mod of req.modules) {
    const js = dropPositions(transpile($B, mod), mod.name).js;
    const scope = 'locals_' + $B.scope_name(mod.name);
    if (!js.includes(scope)) fail(`generated code of ${mod.name} does not define ${scope}`);
    for (const m of js.matchAll(/\blocals_[\w$]+/g)) scopes.add(m[0]);
    steps.push(`function(){$hsq_module(${JSON.stringify(mod.name)},${mod.is_pkg ? 1 : 0},${JSON.stringify(mod.filename)},` +
               `function(${scope}){\n${js}\nreturn ${scope}})}`);
  }
  const boot = dropPositions($B.python_to_js(req.boot_src, '__boot__'), '__boot__').js;
  for (const m of boot.matchAll(/\blocals_[\w$]+/g)) scopes.add(m[0]);
  steps.push('function(){' + req.boot_prelude + '\n' + boot + ';\n}');
  // explicit semicolons/commas: no ASI surprises between parts
  let app = req.app_prelude + steps.join(',\n') + req.app_postlude;
  lap('transpile');

  const $R = loadRuntime(runtime);
  const link = linkCheck($R, app, req.flags);
  // the link check itself runs the runtime's set-up in Node (a few Node-only paths): never cut those
  const nodeHits = req.coverage ? $R.hsq_node_hits : null;
  lap('link_check');

  let outRuntime = runtime;
  if (req.minify) {
    const reserved = [...scopes].sort();
    outRuntime = await minifyCached(runtime, [], false, req.cache_dir, 'runtime');
    app = await minifyCached(app, reserved, true, req.cache_dir, 'app');
    lap('minify');
    // re-check the minified runtime still loads and keeps what the app needs
    recheck(loadRuntime(outRuntime), link);
    lap('link_check_min');
  }
  return {ok: true, runtime: outRuntime, app, helpers, cut: cutInfo, coverage_keys: coverageKeys, coverage_node_hits: nodeHits, steps: {runtime: staged.steps, app: steps.length},
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
