// Staged start-up: the runtime's segments become steps the bundle's scheduler runs in short tasks.
'use strict';

const {fail, usedNames} = require('./jsast.js');

// The runtime's first segment (it creates __BRYTHON__ and reads document.currentScript) runs when
// the script executes; every other segment becomes one step of STEPS_VAR, run later in short tasks
// by the bundle's scheduler (build.py RUNNER), so no start-up task grows past 50 ms. A step is a
// function, so its top-level declarations become local: fail if another segment uses one.
const STEPS_VAR = '$hsq_rt';

function topLevelDeclarations(program) {
  const out = new Set();
  for (const st of program.body) {
    if (st.type === 'VariableDeclaration') for (const d of st.declarations) {
      if (d.id.type !== 'Identifier') fail('staging: destructuring at the top level of a runtime segment');
      out.add(d.id.name);
    } else if ((st.type === 'FunctionDeclaration' || st.type === 'ClassDeclaration') && st.id) out.add(st.id.name);
  }
  return out;
}

function stageRuntime(runtime, separator, acorn) {
  const segments = runtime.split(separator);
  const parsed = segments.map((s, i) => {
    try { return acorn.parse(s, {ecmaVersion: 'latest', sourceType: 'script'}); }
    catch (err) { fail(`staging: runtime segment ${i} does not parse on its own: ${err.message}`); }
  });
  const decls = parsed.map(topLevelDeclarations), uses = parsed.map(p => usedNames(p));
  const first = [...decls[0]].sort().join(',');
  if (first !== '__BRYTHON__') fail(`staging: the first runtime segment declares ${first}, expected __BRYTHON__ only`);
  for (let i = 1; i < segments.length; i++) {
    for (const name of decls[i]) {
      const user = uses.findIndex((u, j) => j !== i && u.has(name));
      if (user >= 0) fail(`staging: runtime segment ${i} declares ${name}, which segment ${user} uses; ` +
                          'it would become local to its step');
    }
    if (/\bdocument\.currentScript\b/.test(segments[i])) {
      fail(`staging: runtime segment ${i} reads document.currentScript, which is null once deferred`);
    }
  }
  // `;` first: the segment's "use strict" stays an expression, as in the unstaged bundle (sloppy mode)
  const steps = segments.slice(1).map(s => 'function(){;' + s + '\n}');
  return {js: segments[0] + separator + 'var ' + STEPS_VAR + '=[' + steps.join(',\n') + '];',
          steps: steps.length};
}

module.exports = {STEPS_VAR, stageRuntime};
