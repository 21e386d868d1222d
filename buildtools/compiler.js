// Brython's own compiler, loaded in Node, turning a Python module into JS.
'use strict';

const {fail} = require('./jsast.js');

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

module.exports = {loadCompiler, transpile};
