// Branches of the runtime's functions as units of the coverage cut (issue #29). The function cut
// (buildtools/coverage_cut.js functionTable) stubs runtime functions no browser test ran; a function
// that ran keeps every branch, though most handle types and cases the shim never meets (int() of
// bytes, attribute names of SVG elements...). Here the branches of if/else, the cases of a
// switch, both sides of `c ? a : b` and the right side of `a || b`, `a && b`, `a ?? b` are units
// too: build.py --coverage counts them like functions, and a branch no test ran becomes
// `{$hsq_cut()}` (`$hsq_cut()` for an expression), so reaching it throws the cut's error, as a cut
// function does. A catch clause is never a unit: error handling stays whole.
//
// Rule 1: only branches inside a function the runtime calls later; code that runs once at
//         set-up (a segment's body, its immediately called wrappers) keeps all its branches: its
//         untaken ones are other engines' and environments' (Node, workers, old browsers).
// Rule 2: a branch whose condition reads the environment is never a unit either, wherever it is:
//         another engine may take it. The environment: any global but the language's own (Array,
//         Object, Math...; a name no enclosing function binds counts as a global), and $B.isNode,
//         $B.isWebWorker.
// Rule 3: a unit's key is a hash of its function's key (the hash of the function's text), its
//         offset in the function and its own text: a function whose text changes gets new keys,
//         and the unit is kept until a coverage run lists it again. Functions with the same text
//         share their units' keys, so a branch is cut only if no copy of it ran.
// Rule 4: a unit is named after its function, so buildtools/coverage.py KEEP protects the branches
//         of a kept function too. Branches smaller than MIN_CHARS (MIN_EXPRESSION_CHARS for an
//         expression) are not worth a unit.
// Rule 5: a cut branch keeps its `var` names (and those of functions declared in it), declared
//         and undefined, as they would be had the branch not run: code after it may read them.
'use strict';

const crypto = require('crypto');

const MIN_CHARS = 40, MIN_EXPRESSION_CHARS = 20;
// $B's flags of the environment, and the globals a condition may read without being a feature test
const ENVIRONMENT_FLAGS = /\b(isNode|isWebWorker)\b/;
const LANGUAGE = new Set(['Array', 'Object', 'Number', 'String', 'Boolean', 'Symbol', 'Math', 'JSON', 'BigInt',
  'Error', 'TypeError', 'RangeError', 'SyntaxError', 'ReferenceError', 'undefined', 'NaN', 'Infinity', 'isNaN',
  'isFinite', 'parseInt', 'parseFloat', 'Date', 'RegExp', 'Map', 'Set', 'WeakMap', 'Promise', 'Reflect', 'Function',
  'arguments', '__BRYTHON__']);

const isFunction = (n) => n.type === 'FunctionDeclaration' || n.type === 'FunctionExpression' ||
  n.type === 'ArrowFunctionExpression';

// fns: [{node, name, key}] of every function (coverage_cut.js functionTable); setUpFns: the set of function
// nodes that only wrap set-up code (steps, immediately called segment wrappers).
function blockTable(js, program, fns, setUpFns) {
  const byNode = new Map(fns.map(f => [f.node.start + ':' + f.node.end, f]));   // fns come from another parse
  const units = [];
  const environment = (test, scopes) => ENVIRONMENT_FLAGS.test(js.slice(test.start, test.end)) ||
    [...freeNames(test)].some(n => !LANGUAGE.has(n) && !scopes.some(sc => sc.has(n)));
  // walk with the innermost function and the names each enclosing function binds
  const visit = (node, fn, scopes) => {
    if (!node || typeof node.type !== 'string') return;
    const owner = isFunction(node) ? node : fn;
    if (isFunction(node)) scopes = scopes.concat([boundNames(node)]);
    else if (node.type === 'Program') scopes = [boundNames(node)];
    if (owner && !setUpFns.has(owner)) {
      const f = byNode.get(owner.start + ':' + owner.end);
      const add = (start, end, kind, test, nodes) => {
        if (end - start < (kind === 'expression' ? MIN_EXPRESSION_CHARS : MIN_CHARS) ||
            (test && environment(test, scopes))) return;
        const text = js.slice(start, end);
        const key = crypto.createHash('sha1').update(`branch:${f.key}:${start - owner.start}:${text}`)
          .digest('hex').slice(0, 16);
        const vars = varNames(nodes);
        if (!vars.includes(null)) units.push({start, end, kind, key, name: f.name, vars});
      };
      if (node.type === 'IfStatement') {
        add(node.consequent.start, node.consequent.end, node.consequent.type === 'BlockStatement' ? 'block' : 'statement',
            node.test, [node.consequent]);
        if (node.alternate && node.alternate.type !== 'IfStatement') {
          add(node.alternate.start, node.alternate.end, node.alternate.type === 'BlockStatement' ? 'block' : 'statement',
              node.test, [node.alternate]);
        }
      } else if (node.type === 'ConditionalExpression') {
        add(node.consequent.start, node.consequent.end, 'expression', node.test, []);
        add(node.alternate.start, node.alternate.end, 'expression', node.test, []);
      } else if (node.type === 'LogicalExpression') {
        add(node.right.start, node.right.end, 'expression', node.left, []);
      } else if (node.type === 'SwitchStatement' && !environment(node.discriminant, scopes)) {
        for (const c of node.cases) {
          if (c.consequent.length) add(c.consequent[0].start, c.consequent[c.consequent.length - 1].end, 'case', null, c.consequent);
        }
      }
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') visit(c, owner, scopes); }
      else if (v && typeof v.type === 'string') visit(v, owner, scopes);
    }
  };
  visit(program, null, []);
  return units;
}

// Identifiers an expression reads (property names and object keys left out).
function freeNames(expr) {
  const out = new Set();
  const visit = (node, parent, key) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'Identifier') {
      if (!(parent && ((parent.type === 'MemberExpression' && key === 'property' && !parent.computed) ||
                       (parent.type === 'Property' && key === 'key' && !parent.computed)))) out.add(node.name);
      return;
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) { for (const c of v) visit(c, node, k); } else if (v && typeof v.type === 'string') visit(v, node, k);
    }
  };
  visit(expr, null, null);
  return out;
}

// Names a function (or the program) binds: its name, parameters and every declaration in its body,
// block-scoped ones included (nested functions left out, their names included).
function boundNames(fn) {
  const out = new Set();
  const pattern = (p) => {
    if (!p) return;
    if (p.type === 'Identifier') out.add(p.name);
    else if (p.type === 'AssignmentPattern') pattern(p.left);
    else if (p.type === 'RestElement') pattern(p.argument);
    else if (p.type === 'ArrayPattern') p.elements.forEach(pattern);
    else if (p.type === 'ObjectPattern') p.properties.forEach(q => pattern(q.type === 'RestElement' ? q : q.value));
  };
  if (fn.id) out.add(fn.id.name);
  (fn.params || []).forEach(pattern);
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (isFunction(node)) { if (node.type === 'FunctionDeclaration') out.add(node.id.name); return; }
    if (node.type === 'VariableDeclarator') pattern(node.id);
    else if (node.type === 'ClassDeclaration' && node.id) out.add(node.id.name);
    else if (node.type === 'CatchClause') pattern(node.param);
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) v.forEach(visit); else if (v && typeof v.type === 'string') visit(v);
    }
  };
  visit(fn.type === 'Program' ? {type: 'BlockStatement', body: fn.body} : fn.body);
  return out;
}

// Names a `var` or a function declaration binds in nodes, nested functions left out.
function varNames(nodes) {
  const out = new Set();
  const visit = (node) => {
    if (!node || typeof node.type !== 'string') return;
    if (node.type === 'FunctionDeclaration') { out.add(node.id.name); return; }
    if (isFunction(node)) return;
    if (node.type === 'VariableDeclaration' && node.kind === 'var') {
      for (const d of node.declarations) {
        if (d.id.type !== 'Identifier') { out.add(null); continue; }   // a pattern: the branch stays
        out.add(d.id.name);
      }
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) v.forEach(visit); else if (v && typeof v.type === 'string') visit(v);
    }
  };
  nodes.forEach(visit);
  return [...out];
}

// Set-up wrappers: the functions of the `$hsq_rt` array and every function called where it is
// written, `(function($B){...})(__BRYTHON__)`, outside other functions.
function setUpFunctions(program, stepsVar) {
  const out = new Set();
  const visit = (node, parent, inFn) => {
    if (!node || typeof node.type !== 'string') return;
    let inner = inFn;
    if (isFunction(node)) {
      const called = parent && parent.type === 'CallExpression' && parent.callee === node;
      const step = parent && parent.type === 'ArrayExpression' && parent.$steps;
      if (!inFn && (called || step)) out.add(node); else inner = true;
    }
    if (node.type === 'VariableDeclarator' && node.id.name === stepsVar && node.init && node.init.type === 'ArrayExpression') {
      node.init.$steps = true;
    }
    for (const k of Object.keys(node)) {
      const v = node[k];
      if (Array.isArray(v)) { for (const c of v) if (c && typeof c.type === 'string') visit(c, node, inner); }
      else if (v && typeof v.type === 'string') visit(v, node, inner);
    }
  };
  visit(program, null, false);
  return out;
}

// Text to insert for counter i at the start of a unit ([offset, text] pairs; a lone statement
// becomes a block).
function counterInserts(unit, i) {
  if (unit.kind === 'block') return [[unit.start + 1, `__hsqC[${i}]=1;`]];
  if (unit.kind === 'expression') return [[unit.start, `(__hsqC[${i}]=1,`], [unit.end, ')']];
  if (unit.kind === 'statement') return [[unit.start, `{__hsqC[${i}]=1;`], [unit.end, '\n}']];
  return [[unit.start, `__hsqC[${i}]=1;`]];
}

// The replacement of a cut unit.
function cutText(unit, cutFn) {
  if (unit.kind === 'expression') return `${cutFn}()`;
  const decl = unit.vars.length ? `var ${unit.vars.join(',')};` : '';
  return unit.kind === 'case' ? `${decl}${cutFn}()` : `{${decl}${cutFn}()}`;
}

module.exports = {blockTable, setUpFunctions, counterInserts, cutText};
