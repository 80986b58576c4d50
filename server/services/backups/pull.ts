/**
 * `hms backup pull`: one snapshot's dump, streamed to the laptop as restic reads it
 * (`restic dump`, nothing written on the server), and its SHA-256 from a second,
 * independent read, which the laptop compares with what it received before it keeps
 * the file. restic runs under the same bounds as for a backup, and stops when the
 * download does.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { PullDigest } from '../../../src/api/backups.js';
import { limitedArgv } from '../../../src/platform/exec.js';
import type { AgentDeps } from '../../env.js';
import { ApiError } from '../../errors.js';
import { resticDumpArgv, resticEnv, SNAPSHOT_ID } from './argv.js';
import { RESTIC_LIMITS } from './database.js';
import { findSnapshot } from './restore.js';

interface Options {
  deps: AgentDeps;
  app: string;
  snapshot: string;
}

async function snapshotOf({ deps, app, snapshot }: Options) {
  if (!SNAPSHOT_ID.test(snapshot)) throw new ApiError(400, 'A snapshot id is 8 to 64 hex characters.');
  return findSnapshot(deps, app, snapshot);
}

/** restic dump of the snapshot's one file, as a child of its own process group with a deadline. */
function startDump(deps: AgentDeps, app: string, id: string) {
  const argv = limitedArgv(resticDumpArgv(id, app), RESTIC_LIMITS);
  const child = spawn(argv[0]!, argv.slice(1), { env: resticEnv(deps.config), stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  const stop = () => {
    try {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGTERM');
    } catch {
      // Already gone.
    }
  };
  const timer = setTimeout(stop, deps.config.backups.timeoutSeconds * 1000);
  timer.unref();
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr = `${stderr}${chunk.toString()}`.slice(-4000);
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
    child.on('error', (error) => resolve({ code: -1, stderr: error.message }));
  });
  return { child, stop, done };
}

/** The dump as a stream of bytes for the response; the download stopping stops restic. */
export async function pullDump(options: Options & { actor: string }): Promise<{ id: string; body: ReadableStream<Uint8Array> }> {
  const { deps, app, actor } = options;
  const snapshot = await snapshotOf(options);
  const dump = startDump(deps, app, snapshot.id);
  void dump.done.then(({ code, stderr }) =>
    deps.audit.record({
      actor,
      action: 'backup.pull',
      target: app,
      result: code === 0 ? 'ok' : 'failed',
      detail: code === 0 ? `snapshot ${snapshot.shortId} sent` : `restic dump of ${snapshot.shortId} failed: ${stderr.trim().slice(-300)}`,
    }),
  );
  const body = Readable.toWeb(dump.child.stdout) as ReadableStream<Uint8Array>;
  return { id: snapshot.id, body: cancelStops(body, dump.stop) };
}

/** A stream that stops `stop` when its reader goes away (the laptop closed the download). */
function cancelStops(body: ReadableStream<Uint8Array>, stop: () => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel() {
      stop();
      return reader.cancel();
    },
  });
}

/** SHA-256 and size of the snapshot's dump, from a read of its own (restic checks every blob it reads). */
export async function dumpDigest(options: Options): Promise<PullDigest> {
  const { deps, app } = options;
  const snapshot = await snapshotOf(options);
  const dump = startDump(deps, app, snapshot.id);
  const hash = createHash('sha256');
  let bytes = 0;
  dump.child.stdout.on('data', (chunk: Buffer) => {
    hash.update(chunk);
    bytes += chunk.length;
  });
  const { code, stderr } = await dump.done;
  if (code !== 0) throw new ApiError(502, `restic could not read snapshot ${snapshot.shortId}: ${stderr.trim().slice(-500)}`);
  return { app, snapshot: snapshot.id, sha256: hash.digest('hex'), bytes };
}
