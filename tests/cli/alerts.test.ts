/**
 * `hms alerts` through the built hms's own argument parsing: `--for` reaches the command,
 * a bad duration or --readonly is a usage error (exit 2) before any connection, and a good
 * one goes on to connect (here to a port where nothing listens: exit 1).
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/agent-process.js';
import { runHms } from '../support/run-hms.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-alerts-cli-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('hms alerts on the command line', () => {
  it('Given `--for 8d` or `--for soon`, When muting, Then exit 2 with the form, and nothing is written', async () => {
    const long = await runHms(['alerts', 'mute', 'disk', '--for', '8d'], { cwd: dir });
    expect(long.code).toBe(2);
    expect(long.stderr).toContain('hms: --for 8d: a mute lasts from 1 minute to 7d (11520 minutes asked).');
    expect(long.stderr).toContain('--for takes 30m, 2h, 1d or 1h30m: from 1 minute to 7 days.');
    const word = await runHms(['alerts', 'mute', 'disk', '--for', 'soon'], { cwd: dir });
    expect(word.code).toBe(2);
    expect(word.stderr).toContain('hms: --for soon: "soon" is not a duration: write 30m, 2h, 1d or 1h30m.');
    expect(await readdir(dir)).toEqual([]);
  });

  it('Given --readonly, When `hms alerts test` runs, Then exit 2 before any connection', async () => {
    const run = await runHms(['alerts', 'test', '--readonly'], { cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--readonly: nothing is tested.');
  });

  it('Given `--for 2h` and an agent that is down, When muting, Then the duration is accepted; the failure is the connection', async () => {
    const port = await freePort();
    const config = { servers: { web1: { host: '127.0.0.1', publicUrl: `https://127.0.0.1:${port}` } } };
    await writeFile(path.join(dir, 'hms.config.json'), JSON.stringify(config));
    const run = await runHms(['alerts', 'mute', 'disk', '--for', '2h', '--via', 'https'], { cwd: dir, env: { HMS_TOKEN: 'tok_x' } });
    expect(run.code).toBe(1);
    expect(run.stderr).not.toContain('duration');
    expect(run.stderr).toMatch(/web1|127\.0\.0\.1/);
  });
});
