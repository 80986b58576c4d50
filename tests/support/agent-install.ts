/**
 * The agent's own install folder for the /agent page tests: kept releases in a temp
 * folder and `current` pointing at one. Activation hands the switch to
 * `systemd-run`, which cannot run here (no systemd as PID 1): a recording exec
 * answers it (exit 0, or a failure a test asks for) and records the argv; any other
 * argv runs for real through the exec door. The switch itself is exercised on a real
 * systemd in tests/e2e/agent-update-web.e2e.test.ts.
 */
import { mkdir, mkdtemp, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { releaseIdOf } from '../../src/api/agent.js';
import { exec as realExec, type ExecResult } from '../../src/platform/exec.js';
import type { AgentDeps } from '../../server/env.js';
import { testAgent, type TestAgent } from './agent.js';
import { BrowserSession } from './browser-session.js';

export const TOOLS: Record<string, string> = {
  'check_status.sh': '#!/bin/sh\n# Checks the units.\necho ok\n',
  'parse_logs.sh': '#!/bin/sh\n# Parses logs.\necho parsed\n',
};
export const BUNDLE = "console.log('hms-agent');\n";
export const VERSION = '0.0.0-test';
export const OLDER = '0.0.0-test-0123456789ab';

export const toolFiles = () =>
  Object.entries(TOOLS).map(([name, content]) => ({ name: `remote-cli-tools/${name}`, content: Buffer.from(content) }));

function recordingExec(fail?: { code: number; stderr: string }) {
  const calls: string[][] = [];
  const exec: AgentDeps['exec'] = async (argv, options) => {
    calls.push([...argv]);
    if (argv[0] !== 'systemd-run') return realExec(argv, options);
    const result: ExecResult = {
      argv,
      code: fail?.code ?? 0,
      signal: null,
      stdout: '',
      stderr: fail?.stderr ?? '',
      truncated: false,
      timedOut: false,
      aborted: false,
    };
    return result;
  };
  return { exec, starts: () => calls.filter((argv) => argv[0] === 'systemd-run') };
}

export type StartRecorder = ReturnType<typeof recordingExec>;

export interface AgentInstall {
  installDir: string;
  /** The current (and running) release: the bundle and the tools above, named as the laptop names it. */
  current: string;
}

async function writeRelease(installDir: string, id: string, bundle: string, at: Date): Promise<void> {
  const dir = path.join(installDir, 'releases', id);
  await mkdir(path.join(dir, 'remote-cli-tools'), { recursive: true });
  await writeFile(path.join(dir, 'hms-agent.mjs'), bundle);
  for (const [name, content] of Object.entries(TOOLS)) await writeFile(path.join(dir, 'remote-cli-tools', name), content, { mode: 0o755 });
  await utimes(dir, at, at);
}

/** Three kept releases (an older one, a hand-installed one, the current one) and files a browser upload must not copy. */
export async function agentInstall(): Promise<AgentInstall> {
  const installDir = await mkdtemp(path.join(tmpdir(), 'hms-agent-install-'));
  const outside = await mkdtemp(path.join(tmpdir(), 'hms-outside-'));
  const current = releaseIdOf(VERSION, [{ name: 'hms-agent.mjs', content: Buffer.from(BUNDLE) }, ...toolFiles()]);
  await writeRelease(installDir, OLDER, '// older\n', new Date('2026-01-01T00:00:00Z'));
  await writeRelease(installDir, '20251231000000', '// hand-installed\n', new Date('2025-12-31T00:00:00Z'));
  await writeRelease(installDir, current, BUNDLE, new Date('2026-02-01T00:00:00Z'));
  // Not copied into a browser upload: a symlink out, and names the contract does not allow.
  const tools = path.join(installDir, 'releases', current, 'remote-cli-tools');
  await writeFile(path.join(outside, 'secret.sh'), '#!/bin/sh\necho secret\n');
  await symlink(path.join(outside, 'secret.sh'), path.join(tools, 'evil.sh'));
  await writeFile(path.join(tools, 'README.txt'), 'notes');
  await writeFile(path.join(tools, 'Bad-Name.sh'), '#!/bin/sh\n');
  await symlink(`releases/${current}`, path.join(installDir, 'current'));
  return { installDir, current };
}

/** An agent running `current` from the install, its recorder, and a logged-in browser. */
export async function agentPages(
  install: AgentInstall,
  fail?: { code: number; stderr: string },
): Promise<{ agent: TestAgent; browser: BrowserSession; recorder: StartRecorder }> {
  const recorder = recordingExec(fail);
  const agent = await testAgent({ config: { installDir: install.installDir }, exec: recorder.exec });
  agent.deps.release = install.current;
  const browser = new BrowserSession(agent);
  await browser.login();
  return { agent, browser, recorder };
}
