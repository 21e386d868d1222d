// Lean generated code, traceback positions: the PEP 657 tables and indices, and the per-statement
// line numbers, which only a traceback with the Python source (never shipped) could use.
'use strict';

const {fail, walk, isB} = require('./jsast.js');

// Brython records PEP 657 positions for tracebacks: `frame.positions = [[...], ...]` per scope and
// an index (inum) argument on calls and attribute reads, used only to underline the failing
// expression in a traceback, which needs the Python source (never shipped). The traceback keeps
// file, function and line. `$B.$call_with_position(f, inum, ...a)` is try{$B.$call(f, ...a)}
// catch{set_inum(inum)}, `$B.$getattr_pep657(o, a, inum)` likewise for $B.$getattr.
const POSITION_CALLS = {'$call_with_position': ['$call', 1], '$getattr_pep657': ['$getattr', 2]};

function dropPositions(js, label, acorn) {
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
function dropLineNumbers(js, label, acorn) {
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

function dropPositionIndices(js, label, acorn) {
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

module.exports = {dropPositions, dropLineNumbers, dropPositionIndices};
