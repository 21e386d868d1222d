// Minification with terser, cached by content hash. nodeModules: where terser lives (build.py's
// NODE_MODULES, sent in the request).
'use strict';

const fs = require('fs');
const path = require('path');

// The runtime gets terser's full compress (slow, cached below); generated module code gets a light
// one: reduce_vars/collapse_vars cost 4x the time there for under 1 % of gzip size.
const LIGHT = {sequences: false, join_vars: false, reduce_vars: false, collapse_vars: false};

function terserOptions(reserved, light) {
  return {ecma: 2020, compress: light ? LIGHT : {passes: 1}, mangle: {reserved},
          format: {comments: false, ascii_only: true}, toplevel: false};
}

async function minify(code, reserved, light, nodeModules) {
  const terser = require(path.join(nodeModules, 'terser'));
  const res = await terser.minify(code, terserOptions(reserved, light));
  return res.code;
}

// Minifying is the slow part (runtime about 6 s, app 1-4 s) and its output depends only on the input,
// the options and terser's version: cache it by content hash. A cached runtime is still re-checked
// by loading it (buildtools/link_check.js recheck).
async function minifyCached(code, reserved, light, cacheDir, kind, nodeModules) {
  if (!cacheDir) return minify(code, reserved, light, nodeModules);
  const crypto = require('crypto');
  const terserVersion = require(path.join(nodeModules, 'terser', 'package.json')).version;
  const key = crypto.createHash('sha256')
    .update(JSON.stringify([terserVersion, terserOptions(reserved, light)])).update('\0').update(code)
    .digest('hex');
  const file = path.join(cacheDir, `${kind}-${key.slice(0, 32)}.min.js`);
  try { return fs.readFileSync(file, 'utf8'); } catch (_) {}
  const out = await minify(code, reserved, light, nodeModules);
  try {
    fs.mkdirSync(cacheDir, {recursive: true});
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, out);
    fs.renameSync(tmp, file);
    const old = fs.readdirSync(cacheDir).filter(f => f.endsWith('.min.js'))
      .map(f => [fs.statSync(path.join(cacheDir, f)).mtimeMs, f]).sort((a, b) => b[0] - a[0]).slice(30);
    for (const [, f] of old) fs.unlinkSync(path.join(cacheDir, f));   // keep the 30 newest
  } catch (_) {}   // an unwritable cache only costs time
  return out;
}

module.exports = {minifyCached};
