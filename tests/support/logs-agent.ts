/**
 * The agent behind the /api/logs tests (`app.request()`, no port). Files are real and
 * read by the real grep and tail. journalctl cannot run here (no journald), so the
 * exec door is wrapped: journalctl calls are answered with recorded systemd 252
 * `-o short-iso` output, everything else runs for real; every argv is recorded so
 * the tests can check that no process ever got a path outside the allow-list.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { exec as realExec, type ExecOptions } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';
import { testAgent, type TestAgent } from './agent.js';

const JOURNAL =
  [
    '2026-11-25T18:04:00+0000 web1 puma[812]: Completed 200 OK in 12ms',
    '2026-11-25T18:03:00+0000 web1 puma[812]: Started GET "/cigars/1" for 203.0.113.9',
  ].join('\n') + '\n';

export interface LogsAgent {
  agent: TestAgent;
  files: { production: string; access: string; error: string };
  /** Every argv the agent ran, in order. */
  calls: string[][];
  stop(): Promise<void>;
}

/** cigar's Rails log with an error in it, nginx's access log with one line, and no error log yet. */
export async function logsAgent(): Promise<LogsAgent> {
  const calls: string[][] = [];
  const recordingExec = (async (argv: readonly string[], options?: ExecOptions) => {
    calls.push([...argv]);
    if (argv[0] !== 'journalctl') return realExec(argv, options);
    options?.onStdout?.(Buffer.from(JOURNAL));
    return { argv, code: 0, signal: null, stdout: JOURNAL, stderr: '', truncated: false, timedOut: false, aborted: false };
  }) as AgentDeps['exec'];

  const dir = await mkdtemp(path.join(tmpdir(), 'hms-logs-api-'));
  const root = path.join(dir, 'www', 'cigar');
  const files = {
    production: path.join(root, 'shared', 'log', 'production.log'),
    access: path.join(dir, 'nginx', 'access.log'),
    error: path.join(dir, 'nginx', 'error.log'),
  };
  const agent = await testAgent({
    exec: recordingExec,
    config: {
      apps: { cigar: { unit: 'cigar.service', root } },
      nginx: { accessLog: files.access, errorLog: files.error },
      // The 200 abandoned follows run at once; the caps have their own tests (search-limits.test.ts).
      concurrency: { follows: { perCredential: 200, total: 200 } },
    },
  });
  await mkdir(path.dirname(files.production), { recursive: true });
  await mkdir(path.dirname(files.access), { recursive: true });
  await writeFile(
    files.production,
    [
      'I, [2026-11-25T18:02:11.000000 #7]  INFO -- : Started GET "/" for 203.0.113.9',
      'E, [2026-11-25T18:02:12.000000 #7] ERROR -- : RuntimeError (boom <script>alert(1)</script> "quoted" \u001b[31m)',
      '  app/models/cigar.rb:12',
      'I, [2026-11-25T18:02:13.000000 #7]  INFO -- : Completed 500 Internal Server Error in 3ms',
    ].join('\n') + '\n',
  );
  await writeFile(files.access, '203.0.113.9 - - [25/Nov/2026:18:02:11 +0000] "GET /up HTTP/1.1" 200 2 "-" "curl/7.88.1"\n');
  return {
    agent,
    files,
    calls,
    async stop() {
      await rm(dir, { recursive: true, force: true });
      await rm(agent.dir, { recursive: true, force: true });
    },
  };
}
