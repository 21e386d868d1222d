// The coverage cut of the staged runtime: keys of its functions and branches, the instrumented
// runtime of build.py --coverage, and a normal build's runtime with the listed units stubbed.
'use strict';

const crypto = require('crypto');
const {walk} = require('./jsast.js');
const blocks = require('./blocks.js');
const {STEPS_VAR} = require('./staging.js');

// Every function of the staged runtime gets a key: a hash of its source text (functions with the
// same text share a key; buildtools/coverage.py lists a key only if none of them ran). build.py --coverage instruments each function with
// `__hsqC[i]=1` so a test run can list the keys never executed; buildtools/cut-functions.json holds
// that list, and a normal build replaces those functions' bodies by a call to $hsq_cut (it throws).
// Keys of text that changed are simply not found: a changed function is kept, never cut blindly.
const CUT_FN = '$hsq_cut';

function functionTable(js, acorn) {
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
function unitTable(js, acorn) {
  const fns = functionTable(js, acorn);
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  return {fns, branches: blocks.blockTable(js, program, fns, blocks.setUpFunctions(program, STEPS_VAR))};
}

function instrument(js, acorn) {
  const {fns, branches} = unitTable(js, acorn);
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

function cutFunctions(js, cutKeys, acorn) {
  const wanted = new Set(cutKeys);
  const {fns, branches} = unitTable(js, acorn);
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

module.exports = {CUT_FN, unitTable, instrument, cutFunctions};
