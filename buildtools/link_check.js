// The link check: the trimmed runtime loads in Node and defines every name the app uses.
'use strict';

const vm = require('vm');
const {fail} = require('./jsast.js');
const {STEPS_VAR} = require('./staging.js');

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

module.exports = {loadRuntime, linkCheck, recheck};
