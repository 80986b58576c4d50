// Builds the two programs:
//   dist/hms.mjs        the laptop program, bundled too: starting it must be quick,
//                       and resolving hundreds of files in node_modules is not
//   dist/hms-agent.mjs  the server agent: ONE file, no node_modules, runs on Node 18
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
import { chmod, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';

const pkg = JSON.parse(await readFile(new URL('./package.json', import.meta.url), 'utf8'));
const define = { HMS_VERSION: JSON.stringify(pkg.version) };

// Which build this is, for the cache of validated configurations (src/config/cached-load.ts):
// a hash of every source file and the lockfile, so a changed schema never trusts an older validation.
async function sourceId() {
  const hash = createHash('sha256');
  const files = (await readdir('src', { recursive: true })).filter((f) => /\.(ts|mjs|cjs)$/.test(f)).sort();
  for (const file of files)
    hash
      .update(`${file}\0`)
      .update(await readFile(`src/${file}`))
      .update('\0');
  hash.update(await readFile('package-lock.json'));
  return hash.digest('hex').slice(0, 32);
}

// The JSON Schemas of the contracts `hms status` checks without loading zod (src/client/contracts.ts,
// checked by src/client/shape-check.ts), as zod writes them from the contract's own schemas. A schema
// with a keyword the checker does not know stops the build: it would not be checked as zod checks it.
async function contractSchemas() {
  const { outputFiles } = await build({
    stdin: {
      contents: "export { jsonSchemas } from './src/client/contracts.ts'; export { unknownKeywords } from './src/client/shape-check.ts';",
      resolveDir: '.',
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'warning',
  });
  const code = Buffer.from(outputFiles[0].text).toString('base64');
  const { jsonSchemas, unknownKeywords } = await import(`data:text/javascript;base64,${code}`);
  const schemas = await jsonSchemas();
  for (const [name, schema] of Object.entries(schemas)) {
    const unknown = unknownKeywords(schema);
    if (unknown.length > 0) throw new Error(`contract ${name}: JSON Schema keywords shape-check.ts does not know: ${unknown.join(', ')}`);
  }
  return schemas;
}

// How `hms` starts Node (its shebang line). A log followed at 20,000 lines a second
// turns over the TUI's 50,000-line buffer every few seconds; with V8's default heap
// limit the garbage piles up to ~240 MB before a full collection. A 256 MB ceiling
// (far above what the TUI keeps: bounded buffers) and small young generations make
// V8 collect sooner: ~130 MB at the same rate, no line lost (npm run bench).
//
// --wasm-tiering-budget: undici parses HTTP with llhttp, a WebAssembly module. After two answers V8
// had begun optimising its parser in the background, and process.exit waited for that: 40-120 ms between
// a warm `hms status --json`'s output and its exit (up to 900 ms under heavy load), 3-4 ms with a budget
// 550x V8's default (strace, output write to exit_group). The first tier's code parses a busy log
// follow well enough; a long-running TUI still gets the optimised parser once it has read that much.
const HMS_NODE_FLAGS = '--max-old-space-size=256 --max-semi-space-size=2 --wasm-tiering-budget=1000000000';

// `undici` in hms is the part of it hms uses (src/client/undici-lite.mjs): its index
// compiles all of undici on every start. The agent keeps undici's index.
const undiciLite = {
  name: 'undici-lite',
  setup(build) {
    const lite = new URL('./src/client/undici-lite.mjs', import.meta.url).pathname;
    build.onResolve({ filter: /^undici$/ }, () => ({ path: lite }));
    // undici's HTTP/2 client requires node:http2 as it loads, and with it tls and crypto: 26 of Node's
    // own modules to compile on every request-making start (~30 ms). hms never sets allowH2, so no
    // connection speaks HTTP/2; the stub throws if one ever did.
    const noH2 = new URL('./src/client/undici-no-h2.cjs', import.meta.url).pathname;
    build.onResolve({ filter: /^\.\/client-h2\.js$/ }, (args) =>
      /undici[/\\]lib[/\\]dispatcher$/.test(args.resolveDir) ? { path: noH2 } : undefined,
    );
  },
};

// The modules that open SSH connections (src/ssh/connection.ts, scan.ts) use ssh2's Client alone; ssh2's
// index also loads its server, key generator and HTTP agents: ~15 ms more at every direct connection and
// every holder start. They get ssh2/lib/client.js (external like ssh2: its native crypto binding).
const ssh2Client = {
  name: 'ssh2-client',
  setup(build) {
    build.onResolve({ filter: /^ssh2$/ }, (args) =>
      /src[/\\]ssh[/\\](connection|scan)\.ts$/.test(args.importer) ? { path: 'ssh2-client', namespace: 'hms' } : undefined,
    );
    build.onLoad({ filter: /^ssh2-client$/, namespace: 'hms' }, () => ({
      contents: "import Client from 'ssh2/lib/client.js';\nexport { Client };\n",
      resolveDir: '.',
      loader: 'js',
    }));
  },
};

// Ink lays out with yoga-layout, WebAssembly embedded as a base64 data: URL. Emscripten's loader reads
// it with fetch() whenever fetch exists, and in Node the first fetch() compiles Node's own undici:
// ~70 ms of the control center's start spent reading a string it already holds. Given the bytes
// (Buffer.from, base64), it never fetches. A yoga-layout whose loader reads differently stops the build.
const yogaWithoutFetch = {
  name: 'yoga-without-fetch',
  setup(build) {
    build.onLoad({ filter: /yoga-layout[/\\]dist[/\\]binaries[/\\]yoga-wasm-base64-esm\.js$/ }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const reads = 'function ya(){return w||"function"!=typeof fetch?';
      const prefix = 'data:application/octet-stream;base64,';
      if (source.split(reads).length !== 2 || !source.includes(`H="${prefix}`)) {
        throw new Error(`${args.path}: its WebAssembly loader changed; see yogaWithoutFetch in build.mjs`);
      }
      const given = `function ya(){w||(w=Buffer.from(H.slice(${prefix.length}),"base64"));return w||"function"!=typeof fetch?`;
      return { contents: source.replace(reads, given), loader: 'js' };
    });
  },
};

// Chunk names carry content hashes, so old builds leave old chunks. Remove those
// not touched for an hour (a test run may still be using the latest ones).
const chunks = new URL('./dist/chunks/', import.meta.url);
for (const name of await readdir(chunks).catch(() => [])) {
  const file = new URL(name, chunks);
  if (Date.now() - (await stat(file)).mtimeMs > 3600_000) await rm(file, { force: true });
}

await Promise.all([
  build({
    entryPoints: { hms: 'src/cli.ts', 'hms-holder': 'src/holder/main.ts' },
    outdir: 'dist',
    outExtension: { '.js': '.mjs' },
    // Parts only some commands need (the in-process agent, the TUI) load on demand.
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    bundle: true,
    // Native add-ons stay outside: keytar (optional), and ssh2, whose native crypto
    // binding a bundle cannot load (without it a handshake costs ~190 ms more);
    // and Ink's devtools hook, only imported when DEV=true (not installed).
    external: ['keytar', 'cpu-features', '*.node', 'react-devtools-core', 'ssh2', 'ssh2/lib/client.js'],
    plugins: [undiciLite, ssh2Client, yogaWithoutFetch],
    platform: 'node',
    format: 'esm',
    target: 'node20',
    jsx: 'automatic',
    // React's production build only, and less to parse: the first frame comes sooner.
    define: {
      ...define,
      HMS_SOURCE_ID: JSON.stringify(await sourceId()),
      HMS_CONTRACTS: JSON.stringify(await contractSchemas()),
      'process.env.NODE_ENV': '"production"',
    },
    minify: true,
    banner: {
      js: [
        `#!/usr/bin/env -S node ${HMS_NODE_FLAGS}`,
        "import { createRequire as __hmsCreateRequire } from 'node:module';",
        "import { fileURLToPath as __hmsFileURLToPath } from 'node:url';",
        'const require = __hmsCreateRequire(import.meta.url);',
        'const __filename = __hmsFileURLToPath(import.meta.url);',
        "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
      ].join('\n'),
    },
    logLevel: 'warning',
  }),
  build({
    entryPoints: ['server/main.ts'],
    outfile: 'dist/hms-agent.mjs',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node18',
    // Smaller to parse: about 9 MB less resident memory on Node 18 when idle.
    minify: true,
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
    // One non-ASCII character makes V8 hold the whole source as a two-byte string: 2.3 MB
    // of heap instead of 1.1 for as long as the agent runs. esbuild escapes them everywhere
    // but in tagged templates (hono's html`...`, where it keeps the raw text); a \uXXXX
    // escape there gives the same cooked string, which is all hono's html reads.
    plugins: [
      {
        name: 'ascii-only',
        setup(agent) {
          agent.onEnd(async (result) => {
            if (result.errors.length > 0) return;
            const file = 'dist/hms-agent.mjs';
            const text = await readFile(file, 'utf8');
            if (/String\.raw`[^`]*[^\x00-\x7f]|\\[^\x00-\x7f]/.test(text)) {
              throw new Error(`${file}: a non-ASCII character in String.raw or after a backslash; write it as an escape`);
            }
            const ascii = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
            if (ascii !== text) {
              await writeFile(`${file}.tmp`, ascii);
              await rename(`${file}.tmp`, file);
            }
          });
        },
      },
    ],
  }),
]);

// `hms` and `npm start` run it through its shebang line.
await chmod('dist/hms.mjs', 0o755);
