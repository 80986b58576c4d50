// Builds the two programs:
//   dist/hms.mjs        the laptop program (dependencies stay in node_modules)
//   dist/hms-agent.mjs  the server agent: ONE file, no node_modules, runs on Node 18
import { build } from 'esbuild';
import { readFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('./package.json', import.meta.url), 'utf8'));
const define = { HMS_VERSION: JSON.stringify(pkg.version) };

await Promise.all([
  build({
    entryPoints: ['src/cli.ts'],
    outfile: 'dist/hms.mjs',
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    define,
    banner: { js: '#!/usr/bin/env node' },
    logLevel: 'warning',
  }),
  build({
    entryPoints: ['server/main.ts'],
    outfile: 'dist/hms-agent.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    define,
    // Bundled CommonJS dependencies call require(); give them one in ESM.
    banner: {
      js: [
        '#!/usr/bin/env node',
        "import { createRequire as __hmsCreateRequire } from 'node:module';",
        'const require = __hmsCreateRequire(import.meta.url);',
      ].join('\n'),
    },
    logLevel: 'warning',
  }),
]);
