/**
 * A command served by a warm holder must not load ssh2 or node:crypto. From src/client/connect.ts
 * (how every command reaches a server), bundled as build.mjs bundles hms (code splitting, ssh2
 * external), the code loaded before any dynamic import() must hold neither ssh2 nor the modules that
 * open SSH connections; those must still be there behind a dynamic import, for the direct path.
 */
import { build, type Metafile } from 'esbuild';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const HEAVY = ['src/ssh/connection.ts', 'src/ssh/pool.ts', 'src/ssh/known-hosts.ts', 'src/ssh/host-key-check.ts'];

/** Every input and external import reached from the entry chunk through static imports only. */
function staticallyLoaded(meta: Metafile, entry: string): { inputs: Set<string>; externals: Set<string> } {
  const inputs = new Set<string>();
  const externals = new Set<string>();
  const seen = new Set<string>();
  const visit = (output: string) => {
    if (seen.has(output)) return;
    seen.add(output);
    const chunk = meta.outputs[output]!;
    for (const input of Object.keys(chunk.inputs)) inputs.add(input);
    for (const imported of chunk.imports) {
      if (imported.kind !== 'import-statement') continue;
      if (imported.external) externals.add(imported.path);
      else visit(imported.path);
    }
  };
  visit(Object.keys(meta.outputs).find((output) => meta.outputs[output]!.entryPoint === entry)!);
  return { inputs, externals };
}

describe('the path of a command served by a holder', () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('Given connect.ts and hms status bundled like hms, Then no ssh2, crypto, child_process, SSH, undici, zod', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-light-path-'));
    const entry = path.join(dir, 'entry.ts');
    await writeFile(
      entry,
      [
        `export { connectServer } from ${JSON.stringify(path.resolve('src/client/connect.ts'))};`,
        `export { statusCommand } from ${JSON.stringify(path.resolve('src/commands/status.ts'))};`,
      ].join('\n'),
    );
    const result = await build({
      entryPoints: [entry],
      outdir: path.join(dir, 'out'),
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'node',
      external: ['keytar', 'cpu-features', '*.node', 'ssh2'],
      metafile: true,
      write: false,
      logLevel: 'silent',
    });
    const meta = result.metafile;
    const relativeEntry = path.relative(process.cwd(), entry);
    const loaded = staticallyLoaded(meta, relativeEntry);
    expect([...loaded.externals].filter((name) => /^(node:)?crypto$|^ssh2/.test(name))).toEqual([]);
    // Nor node:child_process: it loads only to start a holder.
    expect([...loaded.externals].filter((name) => /^(node:)?child_process$/.test(name))).toEqual([]);
    expect(HEAVY.filter((file) => loaded.inputs.has(file))).toEqual([]);
    // Nor undici: a request answered whole goes over plain-http.ts; undici loads for streams and HTTPS only.
    expect([...loaded.inputs].filter((file) => file.includes('node_modules/undici/'))).toEqual([]);
    // Nor zod, on the path of `hms status`: its answers are checked by the build's JSON Schemas (contracts.ts).
    expect([...loaded.inputs].filter((file) => file.includes('node_modules/zod/'))).toEqual([]);
    // The direct path still has them, behind import().
    const everything = new Set(Object.values(meta.outputs).flatMap((output) => Object.keys(output.inputs)));
    expect(HEAVY.filter((file) => everything.has(file))).toEqual(HEAVY);
  });
});
