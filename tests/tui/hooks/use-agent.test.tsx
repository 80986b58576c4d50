/**
 * The agent screen's feed and its self-update (src/client/agent-update.ts) against
 * a real agent on loopback with real release folders: the upload, the activate
 * route, the update record and the agent going away and coming back are real.
 * There is no systemd here, so the transient unit the agent starts (`systemd-run
 * … --activate`) is played by this test: it stops the served agent, switches
 * `current`, writes the update record as server/services/agent/activate.ts does, and starts it again.
 */
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exec, type ExecOptions, type ExecResult } from '../../../src/platform/exec.js';
import { writeUpdate } from '../../../server/services/agent/releases.js';
import { ServerConnections } from '../../../tui/connections.js';
import { useAgent, type AgentChange } from '../../../tui/hooks/use-agent.js';
import { useConnection } from '../../../tui/hooks/use-connection.js';
import { servedAgent, type ServedAgent } from '../../support/served-agent.js';
import { waitFor } from '../../support/wait-for.js';

const R0 = '0.1.0-000000000000';
const R1 = '0.1.0-111111111111';

let served: ServedAgent;
let connections: ServerConnections;
let installDir: string;
/** What the played activator does with the next switch. */
let outcome: 'active' | 'rolled-back';
const notices: string[] = [];

async function playActivator(argv: readonly string[]): Promise<void> {
  const release = argv[argv.indexOf('--activate') + 1]!;
  const deps = served.agent.deps;
  const from = deps.release ?? null;
  await served.stop();
  // A restart takes a moment: long enough for a poll to find nobody answering.
  await new Promise((resolve) => setTimeout(resolve, 1500));
  const kept = outcome === 'active' ? release : from!;
  await rm(path.join(installDir, 'current'), { force: true });
  await symlink(`releases/${kept}`, path.join(installDir, 'current'));
  deps.release = kept;
  const ended = { release, from, startedAt: new Date().toISOString(), endedAt: new Date().toISOString() };
  await writeUpdate(
    deps.config.stateDir,
    outcome === 'active'
      ? { ...ended, status: 'active' }
      : { ...ended, status: 'rolled-back', detail: `${release} did not answer /api/health within 20 s` },
  );
  await served.start();
}

beforeEach(async () => {
  const played = async (argv: readonly string[], options?: ExecOptions) => {
    if (argv[0] !== 'systemd-run') return exec(argv, options);
    setTimeout(() => void playActivator(argv), 300);
    const started: ExecResult = { argv, code: 0, signal: null, stdout: '', stderr: '', truncated: false, timedOut: false, aborted: false };
    return started;
  };
  served = await servedAgent({ exec: played });
  installDir = path.join(served.agent.dir, 'opt');
  served.agent.deps.config.installDir = installDir;
  for (const release of [R0, R1]) {
    await mkdir(path.join(installDir, 'releases', release), { recursive: true });
    await writeFile(path.join(installDir, 'releases', release, 'hms-agent.mjs'), '// a kept release\n');
  }
  await symlink(`releases/${R0}`, path.join(installDir, 'current'));
  served.agent.deps.release = R0;
  connections = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
  outcome = 'active';
  notices.length = 0;
});
afterEach(async () => {
  await connections.closeAll();
  await served.dispose();
});

function Probe({ change }: { change: AgentChange }) {
  const { client } = useConnection({ connections }, 'test');
  const agent = useAgent(
    { connections },
    client,
    true,
    (level, text) => notices.push(`${level}: ${text}`),
    () => undefined,
  );
  if (agent.info && !agent.update) queueMicrotask(() => agent.start(change));
  const bundle = agent.bundle ? ('release' in agent.bundle ? agent.bundle.release : agent.bundle.error) : '-';
  const status =
    `running=${agent.info?.running ?? '-'} current=${agent.info?.current ?? '-'} ` +
    `bundle=${bundle} update=${agent.update?.running ? 'running' : agent.update ? 'ended' : '-'}`;
  return <Text>{[status, ...(agent.update?.lines ?? []), ...(agent.update?.outcome?.lines ?? [])].join('\n')}</Text>;
}

function draw(change: AgentChange) {
  const app = render(<Probe change={change} />);
  return { frame: () => app.lastFrame() ?? '', unmount: app.unmount };
}
const flat = (text: string) => text.replace(/\s+/g, ' ');

describe('the agent self-update from the control center', () => {
  it(
    "Given this hms's build, When sent, " +
      "Then the progress reads as the CLI's, the agent restarts into it, and the screen shows it running",
    async () => {
      const { frame, unmount } = draw({ kind: 'agent-update', server: 'test' });
      try {
        await waitFor(() => frame().includes('update=ended'), frame, 60_000);
        const bundle = /bundle=(\S+)/.exec(frame())![1]!;
        expect(bundle).toMatch(/^\d+\.\d+\.\d+(-[0-9A-Za-z.]+)?-[0-9a-f]{12}$/);
        const text = flat(frame());
        expect(text).toContain(`Uploading agent release ${bundle} to test…`);
        expect(text).toContain(`Switching test to ${bundle} (health-checked, rolled back on failure)…`);
        expect(text).toContain('the agent is restarting…');
        expect(text).toContain(`test now runs agent ${bundle} (was ${R0}).`);
        await waitFor(() => frame().includes(`running=${bundle} current=${bundle}`), frame);
        expect(notices).toContain(`ok: test now runs agent ${bundle} (was ${R0}).`);
        const audit = await served.agent.deps.audit.recent(2);
        expect(audit.map((e) => e.action)).toEqual(['agent.activate', 'agent.upload']);
      } finally {
        unmount();
      }
    },
  );

  it(
    'Given a kept release that fails its health check, When restored, ' +
      'Then the outcome says it was rolled back, with why, and the old one runs on',
    async () => {
      outcome = 'rolled-back';
      const { frame, unmount } = draw({ kind: 'agent-restore', server: 'test', release: R1 });
      try {
        await waitFor(() => frame().includes('update=ended'), frame, 60_000);
        const text = flat(frame());
        expect(text).not.toContain('Uploading');
        expect(text).toContain(`test: ${R1} failed its health check and was rolled back to ${R0}; the agent keeps answering.`);
        expect(text).toContain(`${R1} did not answer /api/health within 20 s`);
        expect(frame()).toContain(`running=${R0} current=${R0}`);
        expect(notices.at(-1)).toMatch(/^error: test: 0\.1\.0-111111111111 failed its health check/);
      } finally {
        unmount();
      }
    },
  );

  it('Given the release that runs, When restored, Then nothing changes and it says so', async () => {
    const { frame, unmount } = draw({ kind: 'agent-restore', server: 'test', release: R0 });
    try {
      await waitFor(() => frame().includes('update=ended'), frame);
      expect(flat(frame())).toContain(`test already runs ${R0}; nothing changed.`);
      expect((await served.agent.deps.audit.recent(1)).map((e) => e.action)).not.toContain('agent.activate');
    } finally {
      unmount();
    }
  });

  it('Given a release id that is not kept (../x), When restored, Then the agent refuses it and the screen says so', async () => {
    const { frame, unmount } = draw({ kind: 'agent-restore', server: 'test', release: '../x' });
    try {
      await waitFor(() => frame().includes('update=ended'), frame);
      expect(frame()).toMatch(/test: Unknown release\./);
      expect(frame()).toContain(`running=${R0}`);
    } finally {
      unmount();
    }
  });
});
