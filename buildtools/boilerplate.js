// Lean generated code: the set-up every function repeats, and calls of frequent run-time
// functions, shared through helpers and aliases declared once in the app.
'use strict';

const {fail, walk, isB} = require('./jsast.js');
const compact = require('./compact.js');
const {IMPORT_HELPER} = require('./imports.js');

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
const SHARED_NAMES = new Set([...Object.values(SHARED_ALIAS), FN_HELPER, IMPORT_HELPER, compact.INFOS_HELPER]);
const SHARED_PLACEHOLDER = '/*$hsq_shared*/';
const FN_HELPER_JS = `function ${FN_HELPER}(f,infos,frame,method){if(method){f.$is_method=true}` +
  'f.$function_infos=infos;$B.set_func_attrs(f,frame,infos[0]);f.ob_type=$B.function;' +
  'f.__annotate__=$B.builtins.None}';

function shareBoilerplate(js, label, acorn) {
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
function checkSharedCalls(runtime, names, acorn) {
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

module.exports = {SHARED_CALLS, SHARED_ALIAS, SHARED_NAMES, SHARED_PLACEHOLDER, FN_HELPER, FN_HELPER_JS, shareBoilerplate,
  checkSharedCalls};
