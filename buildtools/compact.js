// Smaller generated module code (issue #29): three rewrites of each module's code, after the
// post-passes of buildtools/aot.js (they read the `$F(...)` calls of shareBoilerplate and the
// function infos of dropUnreadInfos). Each returns the same values at run time.
//
// Rule 1: a class body's `locals.__firstlineno__ = <n>` and `locals.__static_attributes__ =
//         <tuple>` go: CPython's facts for inspect and tools (the class's first line, the
//         attributes its methods assign); the runtime skips both when it builds the class, and
//         the shim reads neither.
// Rule 2: the module's name, which every frame and function infos array repeats as a string,
//         becomes one local constant, MODULE_NAME, in expression positions only (not as a key).
// Rule 3: `$F(f, [<20 infos>], frame[, 1])` whose infos are the common case (no defaults, no
//         *args, **kw or keyword-only arguments, flags 3, lineno and varnames already dropped,
//         the module of the frame, its __file__) becomes `$G(f, qualname, [args], frame[, 1])`:
//         the helper rebuilds the same array, the name being the last dotted part of the
//         qualname, the module frame[2], the file frame[3].__file__ (every frame array is
//         [name, locals, <module>, <module's globals>, ...], checked here).
// Rule 4: the line numbers left in frames (positions.js's dropLineNumbers removed the per-statement
//         ones): enter_frame's third argument (the `def` line), make_js_iterator's (a loop's
//         line) and `<frame>.$lineno = <n>` become 0. Only a traceback reads them, and the
//         bundle prints none (buildtools/runtime.py: a failed start-up prints the error's
//         class and message); each distinct number is entropy that brotli pays for. The calls
//         are found under their shared aliases (aot.js passes them); a listed call whose third
//         argument is not a number literal fails the build.
// Anything of another shape is left as it is; a rewrite that does not parse fails the build.
'use strict';

const {fail, walk} = require('./jsast.js');

const MODULE_NAME = '$M';
const INFOS_HELPER = '$G';
const INFOS_HELPER_JS = `function ${INFOS_HELPER}(f,q,args,frame,method){var N=$B.builtins.None;` +
  "$F(f,[frame[2],q.slice(q.lastIndexOf('.')+1),q,frame[3].__file__,N,N,N,args,null,null,args.length," +
  '0,3,[],0,0,0,false,[],frame],frame,method)}';

function apply(js, edits, label, what, acorn) {
  edits.sort((a, b) => b[0] - a[0]);
  for (let k = 1; k < edits.length; k++) {
    if (edits[k][1] > edits[k - 1][0]) fail(`${label}: overlapping ${what} rewrites`);
  }
  let out = js;
  for (const [a, b, r] of edits) out = out.slice(0, a) + r + out.slice(b);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: ${what} made invalid JS: ${err.message}`); }
  return out;
}

const str = (n) => n && n.type === 'Literal' && typeof n.value === 'string' ? n.value : null;
const isLit = (n, v) => n && n.type === 'Literal' && n.value === v;
const isNone = (n) => n && n.type === 'MemberExpression' && !n.computed && n.object.type === 'Identifier' &&
  n.object.name === '_b_' && n.property.name === 'None';
const isEmpty = (n) => n && n.type === 'ArrayExpression' && n.elements.length === 0;

// Rule 1
function dropClassFacts(js, label, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const edits = [];
  walk(program, (n) => {
    if (n.type !== 'ExpressionStatement' || n.expression.type !== 'AssignmentExpression') return;
    const {left, right, operator} = n.expression;
    if (operator !== '=' || left.type !== 'MemberExpression' || left.computed) return;
    const name = left.property.name;
    if (name === '__firstlineno__' && right.type === 'Literal' && typeof right.value === 'number') {
      edits.push([n.start, n.end, '']);
    } else if (name === '__static_attributes__') {
      const tuple = right.type === 'CallExpression' && right.arguments.length === 1 &&
        right.arguments[0].type === 'ArrayExpression' && right.arguments[0].elements.every(e => str(e) !== null);
      if (!tuple) fail(`${label}: __static_attributes__ of an unexpected shape`);
      edits.push([n.start, n.end, '']);
    }
  });
  return {js: apply(js, edits, label, 'dropClassFacts', acorn), dropped: edits.length};
}

// Rule 2
function moduleNameConstant(js, label, module, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const edits = [];
  walk(program, (n, parent, key) => {
    if (n.type === 'Identifier' && n.name === MODULE_NAME) fail(`${label}: generated code already names ${MODULE_NAME}`);
    if (str(n) !== module) return;
    if (parent && ((parent.type === 'Property' && key === 'key') || (parent.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
                   parent.type === 'ExpressionStatement' && parent.directive !== undefined)) return;
    edits.push([n.start, n.end, MODULE_NAME]);
  });
  const out = apply(js, edits, label, 'moduleNameConstant', acorn);
  return {js: edits.length ? `var ${MODULE_NAME} = ${JSON.stringify(module)};\n` + out : out, names: edits.length};
}

// Rule 3
function compactInfos(js, label, module, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const edits = [];
  let frames = 0;
  walk(program, (n) => {
    if (n.type === 'Identifier' && n.name === INFOS_HELPER) fail(`${label}: generated code already names ${INFOS_HELPER}`);
    // every frame array: [name, locals, <module>, <globals>(, function)]
    if (n.type === 'VariableDeclarator' && n.id.name === 'frame' && n.init && n.init.type === 'ArrayExpression') {
      const e = n.init.elements;
      if ((e.length !== 4 && e.length !== 5) || str(e[2]) !== module || e[3].type !== 'Identifier' ||
          !/^locals(_|$)/.test(e[3].name)) {
        fail(`${label}: a frame array of an unexpected shape`);
      }
      frames++;
    }
  });
  walk(program, (n) => {
    if (n.type !== 'CallExpression' || n.callee.type !== 'Identifier' || n.callee.name !== '$F') return;
    const [f, infos, frame, method] = n.arguments;
    if (!infos || infos.type !== 'ArrayExpression' || infos.elements.length !== 20) return;
    const e = infos.elements, name = str(e[1]), qual = str(e[2]);
    const args = e[7] && e[7].type === 'ArrayExpression' && e[7].elements.every(a => str(a) !== null) ? e[7] : null;
    const common = str(e[0]) === module && name !== null && qual !== null &&
      qual.slice(qual.lastIndexOf('.') + 1) === name && e[3].type === 'Identifier' && e[3].name === '__file__' &&
      isNone(e[4]) && isNone(e[5]) && isNone(e[6]) && args && isLit(e[8], null) && isLit(e[9], null) &&
      isLit(e[10], args.elements.length) && isLit(e[11], 0) && isLit(e[12], 3) && isEmpty(e[13]) &&
      isLit(e[14], 0) && isLit(e[15], 0) && isLit(e[16], 0) && isLit(e[17], false) && isEmpty(e[18]) &&
      e[19].type === 'Identifier' && frame && frame.type === 'Identifier' && e[19].name === frame.name &&
      (!method || isLit(method, 1)) && n.arguments.length <= 4;
    if (!common) return;
    const src = (x) => js.slice(x.start, x.end);
    edits.push([n.start, n.end, `${INFOS_HELPER}(${src(f)}, ${JSON.stringify(qual)}, ${src(args)}, ${src(frame)}` +
                                `${method ? ', 1' : ''})`]);
  });
  return {js: apply(js, edits, label, 'compactInfos', acorn), compacted: edits.length, frames};
}

// One module's code -> {js, counts}; module: its dotted name.
// Rule 4
function zeroFrameLines(js, label, lineCalls, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const isNum = (n) => n && n.type === 'Literal' && typeof n.value === 'number';
  const edits = [];
  walk(program, (n) => {
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && lineCalls.includes(n.callee.name)) {
      const line = n.arguments[2];
      if (line === undefined) return;
      if (!isNum(line)) fail(`${label}: ${n.callee.name} without a literal line: ${js.slice(n.start, n.end).slice(0, 120)}`);
      if (line.value !== 0) edits.push([line.start, line.end, '0']);
    } else if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && !n.left.computed &&
               n.left.property.name === '$lineno' && isNum(n.right) && n.right.value !== 0) {
      edits.push([n.right.start, n.right.end, '0']);
    }
  });
  return {js: apply(js, edits, label, 'frame line', acorn), lines: edits.length};
}

function compactModule(js, label, module, acorn, lineCalls) {
  const a = dropClassFacts(js, label, acorn);
  const b = compactInfos(a.js, label, module, acorn);
  const c = moduleNameConstant(b.js, label, module, acorn);
  const d = zeroFrameLines(c.js, label, lineCalls, acorn);
  return {js: d.js, class_facts: a.dropped, infos_compacted: b.compacted, module_names: c.names,
          frame_lines: d.lines};
}

module.exports = {compactModule, dropClassFacts, moduleNameConstant, compactInfos, zeroFrameLines, INFOS_HELPER,
                  INFOS_HELPER_JS, MODULE_NAME};
