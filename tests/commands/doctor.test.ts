/**
 * `hms doctor` against a real agent on loopback, with apps' folders in temp dirs.
 * systemd cannot run here (no systemd as PID 1), so `systemctl` is answered in
 * systemd's format by tests/server/systemctl-recorder.ts.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../src/commands/doctor.js';
import { servedAgent, type ServedAgent } from '../support/served-agent.js';
import { systemctlRecorder } from '../server/systemctl-recorder.js';

const STOPPED = { activeState: 'inactive', subState: 'dead' };
const RUNNING = { activeState: 'active', subState: 'running', mainPid: 4242 };

let dir: string;
let served: ServedAgent;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-doctor-'));
  // cigar: configured, never deployed (no releases, no current).
  await mkdir(path.join(dir, 'cigar', 'shared'), { recursive: true });
  // tobacco: deployed once, then stopped.
  await mkdir(path.join(dir, 'tobacco', 'releases', '20261201120000'), { recursive: true });
  await symlink('releases/20261201120000', path.join(dir, 'tobacco', 'current'));
  await mkdir(path.join(dir, 'scripts'));
  const recorder = systemctlRecorder({
    'cigar.service': STOPPED,
    'tobacco.service': STOPPED,
    'nginx.service': RUNNING,
    'hms-agent.service': RUNNING,
  });
  served = await servedAgent({
    config: {
      scriptsDir: path.join(dir, 'scripts'),
      apps: {
        cigar: { unit: 'cigar.service', root: path.join(dir, 'cigar') },
        tobacco: { unit: 'tobacco.service', root: path.join(dir, 'tobacco') },
      },
    },
    exec: recorder.exec,
  });
});

afterAll(async () => {
  await served.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('hms doctor', () => {
  it('Given a stopped app that was never deployed, When diagnosed, Then it says so and suggests hms deploy, not hms start', async () => {
    const output = await doctorCommand.run(served.context());
    expect(output.exitCode).toBe(1);
    expect(output.human).toMatch(/✗ unit cigar\s+inactive: never deployed \(no current release\)\n\s+→ hms deploy cigar$/m);
    expect(output.human).not.toMatch(/hms start cigar/);
  });

  it('Given a stopped app with a live release, When diagnosed, Then the advice is its journal, then hms start', async () => {
    const output = await doctorCommand.run(served.context());
    const advice = /✗ unit tobacco\s+inactive \(success\)\n\s+→ hms logs journal:tobacco -n 50, then hms start tobacco$/m;
    expect(output.human).toMatch(advice);
  });
});
