// Bundles the router test apps (apps/*) with the docs/routers/ snippets into dist/, for
// tests/e2e/test_routers.py (which runs this when an input is newer than dist/).
//   node tests/routers/build.mjs
import { build } from 'esbuild';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

const common = {
  absWorkingDir: here,
  bundle: true,
  format: 'iife',
  target: 'es2020',
  jsx: 'automatic',
  logLevel: 'warning',
  legalComments: 'none',
  // The snippets live in docs/routers/, outside this package: resolve their imports here.
  nodePaths: [join(here, 'node_modules')],
};

const apps = [
  // A development build of React, so that StrictMode runs effects twice on mount.
  { name: 'react', entry: 'apps/react-app.tsx', define: { 'process.env.NODE_ENV': '"development"' } },
  {
    name: 'vue',
    entry: 'apps/vue-app.ts',
    define: {
      'process.env.NODE_ENV': '"production"',
      __VUE_OPTIONS_API__: 'true',
      __VUE_PROD_DEVTOOLS__: 'false',
      __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    },
  },
  {
    name: 'next',
    entry: 'apps/next-app.tsx',
    define: { 'process.env.NODE_ENV': '"development"' },
    alias: { 'next/navigation': './stubs/next-navigation.ts' },
  },
];

await mkdir(join(here, 'dist'), { recursive: true });
await Promise.all(apps.map(({ name, entry, define, alias }) =>
  build({ ...common, entryPoints: [entry], outfile: `dist/${name}.js`, define, alias })));
await writeFile(join(here, 'dist', 'built'), new Date().toISOString() + '\n');
