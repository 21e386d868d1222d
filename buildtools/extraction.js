// Run-time functions out of compile-time segments of brython.js (buildtools/runtime.py EXTRACT):
// ast_to_js, for instance, also defines the few $B functions generated code calls at run time.
'use strict';

const {fail, usedNames, isB} = require('./jsast.js');

// A runtime segment -> only its run-time functions (e.g. ast_to_js -> $B.resolve*, scope_name...).
// keep: $B.<name> assignments to keep; drop: ones known to be compile-time only.
// Any other $B.<name> assignment is an error, so a Brython upgrade is noticed.
function extractRuntimeFunctions(label, segment, keep, drop, acorn) {
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

module.exports = {extractRuntimeFunctions, danglingCheck};
