/**
 * The backups hook against a real agent on loopback (tests/support/served-agent.ts):
 * the open app's snapshots, and a backup that the agent refuses, with its progress
 * and its outcome. The agent's exec door is a recorder, as in
 * tests/server/services/backups/routes.test.ts (no PostgreSQL nor restic here):
 * `restic snapshots` is answered with restic's JSON. Backups and drills that run
 * the real programs are in tests/e2e/backups-views.e2e.test.ts.
 */
import { Text } from 'ink';
import { render } from 'ink-testing-library';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ExecResult } from '../../../src/platform/exec.js';
import { ServerConnections } from '../../../tui/connections.js';
import { useBackups } from '../../../tui/hooks/use-backups.js';
import { useConnection } from '../../../tui/hooks/use-connection.js';
import type { BackupAction } from '../../../tui/state/guard.js';
import { servedAgent, type ServedAgent } from '../../support/served-agent.js';
import { waitFor } from '../../support/wait-for.js';

const SNAPSHOTS = [
  { id: 'a'.repeat(64), short_id: 'aaaaaaaa', time: '2026-12-06T12:00:00.000Z', tags: ['app:cigar', 'kind:scheduled'] },
  { id: 'b'.repeat(64), short_id: 'bbbbbbbb', time: '2026-12-07T09:00:00.000Z', tags: ['app:cigar', 'kind:manual'] },
];

let served: ServedAgent;
let connections: ServerConnections;
const notices: string[] = [];

beforeEach(async () => {
  const exec = async (argv: readonly string[]): Promise<ExecResult> => {
    const stdout = argv[0] === 'restic' ? JSON.stringify(SNAPSHOTS) : argv[0] === 'systemctl' ? 'Environment=\nEnvironmentFiles=\n' : '';
    return { argv, code: 0, signal: null, stdout, stderr: '', truncated: false, timedOut: false, aborted: false };
  };
  served = await servedAgent({ config: { apps: { cigar: { unit: 'cigar.service', root: '/var/www/cigar' } } }, exec });
  connections = new ServerConnections(served.context(), served.config, { names: ['test'], current: 'test', local: false });
  notices.length = 0;
});
afterEach(async () => {
  await connections.closeAll();
  await served.dispose();
});

const notify = (level: string, text: string, hint?: string) => notices.push(`${level}: ${text}${hint ? ` (${hint})` : ''}`);

/** Draws what the hook holds; runs `actions` once the snapshots are listed. */
function Probe({ actions }: { actions: BackupAction[] }) {
  const { client } = useConnection({ connections }, 'test');
  const backups = useBackups({ connections }, client, 'cigar', true, notify);
  if (backups.list && actions.length > 0) {
    const todo = actions.splice(0);
    queueMicrotask(() => {
      for (const action of todo) backups.run(action);
    });
  }
  const lines = [
    `snapshots=${backups.list?.snapshots.map((s) => s.shortId).join(',') ?? '-'}`,
    `task=${backups.task ? backups.task.action.kind : '-'}`,
    ...(backups.outcome?.lines ?? []),
  ];
  return <Text>{lines.join('\n')}</Text>;
}

describe('the backups hook', () => {
  it(
    'Given cigar with two snapshots and no database declared, When b is pressed twice, ' +
      'Then the list comes, the first runs and the second is refused while it does, and the outcome is ✗ with the agent’s hint',
    async () => {
      const backup: BackupAction = { kind: 'backup', server: 'test', app: 'cigar' };
      const app = render(<Probe actions={[backup, backup]} />);
      const frame = () => app.lastFrame() ?? '';
      try {
        await waitFor(() => frame().includes('✗'), frame, 30_000);
        expect(frame()).toContain('snapshots=aaaaaaaa,bbbbbbbb');
        expect(frame()).toContain('task=-');
        expect(frame()).toMatch(/✗ test: cigar has no database to back up/);
        expect(frame()).toMatch(/"adapter": "postgresql"/);
        expect(notices[0]).toBe('warn: cigar on test is busy with a backup: wait for it to end.');
        expect(notices[1]).toMatch(/^error: test: cigar has no database to back up/);
        expect(notices).toHaveLength(2);
      } finally {
        app.unmount();
      }
    },
  );
});
