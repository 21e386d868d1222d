// Lean generated code: imports of modules already loaded become direct lookups.
'use strict';

const {fail, walk, isB} = require('./jsast.js');

// Imports, issue #12. `from M import N` compiles to $B.$import_from(M, N, {}, 0, locals, inum), which
// runs Brython's whole import system ($B.import, __import__: path and package resolution, finders)
// only to find M in $B.imported, where it always is: build.py (Rule 1) orders the browser modules
// so that each one's imports run before it, and the rest are the runtime's own modules. So
// directImports writes `locals.N = $I("M", "N")`, a lookup of the name on the module as __import__
// would do it (the attribute, else a submodule of that name, else ImportError), and
// `import M` (M without dots) `locals.M = $B.imported.M`. Other shapes (aliases, relative or
// star imports, dotted `import a.b`) keep the generic call, and fail the build while the cut
// removes the import system (the shim has none of them).
const IMPORT_HELPER = '$I';
const IMPORT_HELPER_JS = `function ${IMPORT_HELPER}(m,n){var mod=$B.imported[m],v;try{v=$B.$getattr(mod,n)}catch(err){` +
  "v=$B.imported[m+'.'+n];if(v===undefined){$B.RAISE($B.builtins.ImportError,\"cannot import name '\"+n+\"' from '\"+m+\"'\")}}" +
  'return v&&v.$js_func?v.$js_func:v}';

function directImports(js, label, acorn) {
  const program = acorn.parse(js, {ecmaVersion: 'latest', sourceType: 'script'});
  const str = (n) => n && n.type === 'Literal' && typeof n.value === 'string' ? n.value : null;
  const num = (n, v) => n && n.type === 'Literal' && n.value === v;
  const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
  const edits = [];
  let from = 0, plain = 0, kept = 0;
  walk(program, (n) => {
    if (n.type === 'Identifier' && n.name === IMPORT_HELPER) {
      fail(`${label}: generated code already names ${IMPORT_HELPER}, the build's import helper`);
    }
  });
  walk(program, (n) => {
    if (n.type !== 'ExpressionStatement' || n.expression.type !== 'CallExpression') return;
    const c = n.expression, a = c.arguments;
    if (c.callee.type !== 'MemberExpression' || !isB(c.callee.object) || c.callee.computed) return;
    const fn = c.callee.property.name;
    if (fn === '$import_from') {
      if (a.length === 6 && str(a[0]) && NAME.test(str(a[1]) || '') && a[2].type === 'ObjectExpression' &&
          a[2].properties.length === 0 && num(a[3], 0) && a[4].type === 'Identifier' && num(a[5], 0) &&
          /^[\w.]+$/.test(str(a[0]))) {
        edits.push([n.start, n.end, `${a[4].name}.${str(a[1])} = ${IMPORT_HELPER}(${JSON.stringify(str(a[0]))}, ` +
                                    `${JSON.stringify(str(a[1]))})`]);
        from++;
      } else kept++;
    } else if (fn === 'import') {
      if (a.length === 5 && NAME.test(str(a[0]) || '') && a[1].type === 'ArrayExpression' && a[1].elements.length === 0 &&
          a[2].type === 'ObjectExpression' && a[2].properties.length === 0 && a[3].type === 'Identifier' && num(a[4], 0)) {
        edits.push([n.start, n.end, `${a[3].name}.${str(a[0])} = $B.imported.${str(a[0])}`]);
        plain++;
      } else kept++;
    }
  });
  edits.sort((x, y) => y[0] - x[0]);
  let out = js;
  for (const [x, y, r] of edits) out = out.slice(0, x) + r + out.slice(y);
  try { acorn.parse(out, {ecmaVersion: 'latest', sourceType: 'script'}); }
  catch (err) { fail(`${label}: directImports made invalid JS: ${err.message}`); }
  return {js: out, from, plain, kept};
}

module.exports = {IMPORT_HELPER, IMPORT_HELPER_JS, directImports};
