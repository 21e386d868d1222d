// Build-time helper for build.py: ahead-of-time transpiling with Brython's own compiler,
// run-time extraction of ast_to_js, link check and minification. This file is build.py's entry
// point: the protocol, the test requests and the pipeline (main); each step is a module beside it,
// handed acorn (or the node_modules path) as a parameter.
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
const {fail} = require('./jsast.js');
const {extractRuntimeFunctions, danglingCheck} = require('./extraction.js');
const {stageRuntime} = require('./staging.js');
const {CUT_FN, unitTable, instrument, cutFunctions} = require('./coverage_cut.js');
const {dropUnreadInfos, checkUnreadInfos, requireUnreadInfos} = require('./unread_infos.js');
const {loadCompiler, transpile} = require('./compiler.js');
const {dropPositions, dropLineNumbers, dropPositionIndices} = require('./positions.js');
const {dropMethodClass} = require('./method_class.js');
const {fastLookups} = require('./lookups.js');
const {IMPORT_HELPER_JS, directImports} = require('./imports.js');
const {SHARED_CALLS, SHARED_ALIAS, SHARED_NAMES, SHARED_PLACEHOLDER, FN_HELPER_JS, shareBoilerplate,
  checkSharedCalls} = require('./boilerplate.js');
const compact = require('./compact.js');
const {pruneRuntime} = require('./prune.js');
const {removeUnusedTypes} = require('./unused_types.js');
const {loadRuntime, linkCheck, recheck} = require('./link_check.js');
const {minifyCached} = require('./minify.js');

// ---------------------------------------------------------------- main
async function main(req) {
  if (!req.node_modules) fail('request without node_modules');
  // where terser and acorn live: build.py's NODE_MODULES, sent in the request
  const nodeModules = req.node_modules;
  const acorn = require(path.join(nodeModules, 'acorn'));
  if (req.units_test) {   // tests/test_build_blocks.py: the branch units of a runtime text, cut and counted
    const js = req.units_test.js, {fns, branches} = unitTable(js, acorn);
    return {ok: true, units: branches.map(b => ({text: js.slice(b.start, b.end), kind: b.kind, name: b.name})),
            cut: cutFunctions(js, branches.map(b => b.key), acorn).js, instrumented: instrument(js, acorn).js,
            cut_functions: cutFunctions(js, fns.map(f => f.key), acorn).js};
  }
  if (req.types_test) {   // tests/test_build_prune.py: removeUnusedTypes on a staged runtime
    const {runtime, app, glue} = req.types_test;
    const t = removeUnusedTypes(runtime, {acorn, app, glue});
    loadRuntime(t.js);
    return {ok: true, js: t.js, types: t.types};
  }
  if (req.helpers_test) {   // tests/test_build_compact.py: the app's shared function helpers
    return {ok: true, js: FN_HELPER_JS + '\n' + compact.INFOS_HELPER_JS + '\n'};
  }
  if (req.prune_test) {   // tests/test_build_prune.py: pruneRuntime on a given staged runtime
    const {runtime, app, glue} = req.prune_test;
    const p = pruneRuntime(runtime, {acorn, load: loadRuntime, app, glue});
    loadRuntime(p.js);
    return {ok: true, js: p.js, stubs: p.stubs, names: p.names, tables: p.tables};
  }
  if (req.pass_test) {   // tests/test_build.py: one post-pass on a given text
    const withAcorn = (pass) => (js, label) => pass(js, label, acorn);
    const passes = {dropPositions: withAcorn(dropPositions), dropLineNumbers: withAcorn(dropLineNumbers),
                    dropPositionIndices: withAcorn(dropPositionIndices), dropMethodClass: withAcorn(dropMethodClass),
                    fastLookups: withAcorn(fastLookups), shareBoilerplate: withAcorn(shareBoilerplate),
                    dropUnreadInfos: withAcorn(dropUnreadInfos), checkUnreadInfos: (js) => requireUnreadInfos(js, acorn),
                    directImports: withAcorn(directImports),
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
    const extracted = extractRuntimeFunctions(ex.name, ex.segment, ex.keep, ex.drop, acorn);
    if (runtime.split(ex.placeholder).length !== 2) fail(`placeholder of ${ex.name} must occur exactly once`);
    runtime = runtime.replace(ex.placeholder, () => extracted.js);
    helpers[ex.name] = extracted.helpers;
  }
  danglingCheck(fs.readFileSync(req.brython_js, 'utf8'), runtime, req.compiler_only);
  const staged = stageRuntime(runtime, req.separator, acorn);
  runtime = staged.js;
  let cutInfo = null, coverageKeys = null, coverageNames = null;
  if (req.coverage) {
    const inst = instrument(runtime, acorn);
    runtime = inst.js; coverageKeys = inst.keys; coverageNames = inst.names;
  } else if (req.cut_keys && req.cut_keys.length) {
    const c = cutFunctions(runtime, req.cut_keys, acorn);
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
  const infoReaders = req.coverage ? ['coverage build'] : checkUnreadInfos(runtime, acorn).readers;
  leanCounts.infos_readers = infoReaders.length;
  const lean = (js, label, module) => {
    const p = dropPositions(js, label, acorn), l = dropLineNumbers(p.js, label, acorn),
      x = dropPositionIndices(l.js, label, acorn), m = dropMethodClass(x.js, label, acorn),
      f = fastLookups(m.js, label, acorn), d = directImports(f.js, label, acorn),
      b = shareBoilerplate(d.js, label, acorn),
      u = infoReaders.length ? b : dropUnreadInfos(b.js, label, acorn);
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
  checkSharedCalls(runtime, shared, acorn);
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
    outRuntime = await minifyCached(runtime, [], false, req.cache_dir, 'runtime', nodeModules);
    // The scope objects (`locals_<module>_<class>_<function>`, 2,300 uses of 160 long names) are
    // plain lexical variables here (Brython needs the names only for its eval-based loader, which
    // the bundle does not ship): terser mangles them like any local. None may be left.
    app = await minifyCached(app, [...SHARED_NAMES], true, req.cache_dir, 'app', nodeModules);
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
