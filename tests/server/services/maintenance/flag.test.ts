/**
 * Maintenance flags in a real folder: one file per app while a restore swaps its
 * database, readable by nginx (0644 in a 0755 folder), gone after; flags an agent
 * stopped mid-restore left are cleared when it starts again.
 */
import { readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clearLeftMaintenance,
  inMaintenance,
  maintenanceFlag,
  maintenanceOff,
  maintenanceOn,
  maintenancePage,
} from '../../../../server/services/maintenance/flag.js';
import { maintenanceState, setMaintenance } from '../../../../server/services/maintenance/mode.js';
import { testAgent } from '../../../support/agent.js';

const APPS = { cigar: { unit: 'cigar.service', root: '/var/www/cigar' }, tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' } };

describe('maintenance mode', () => {
  it('Given an app, When maintenance goes on then off, Then its flag alone exists meanwhile, readable by nginx', async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    await maintenanceOn(deps, 'cigar', { kind: 'restore', by: 'alice', why: 'restore of backup 1a2b3c4d' });
    expect(await inMaintenance(deps, 'cigar')).toBe(true);
    expect(await inMaintenance(deps, 'tobacco')).toBe(false);
    expect(((await stat(maintenanceFlag(deps, 'cigar'))).mode & 0o777).toString(8)).toBe('644');
    expect(((await stat(deps.config.maintenanceDir)).mode & 0o777).toString(8)).toBe('755');
    await maintenanceOff(deps, 'cigar');
    expect(await inMaintenance(deps, 'cigar')).toBe(false);
    await maintenanceOff(deps, 'cigar');
  });

  it("Given flags left by a stopped agent, When it starts, Then a restore's ends, audited; one asked for and others stay", async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    await maintenanceOn(deps, 'cigar', { kind: 'restore', by: 'alice', why: 'restore' });
    await setMaintenance(deps, 'tobacco', { on: true, message: 'Moving house' }, 'bob');
    await writeFile(path.join(deps.config.maintenanceDir, 'not-an-app'), 'x');
    await clearLeftMaintenance(deps);
    expect((await readdir(deps.config.maintenanceDir)).sort()).toEqual(['not-an-app', 'tobacco', 'tobacco.html']);
    expect(await maintenanceState(deps, 'tobacco')).toMatchObject({ on: true, kind: 'manual', by: 'bob', message: 'Moving house' });
    expect((await deps.audit.recent()).map((entry) => [entry.action, entry.target])).toEqual(
      expect.arrayContaining([
        ['backup.restore', 'cigar'],
        ['app.maintenance', 'tobacco'],
      ]),
    );
  });

  it('Given a message with markup, When maintenance goes on, Then the page shows it escaped, and off removes flag and page', async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    const on = await setMaintenance(deps, 'cigar', { on: true, message: '<script>alert(1)</script> & back at 2' }, 'alice');
    expect(on).toMatchObject({ app: 'cigar', on: true, kind: 'manual', by: 'alice' });
    const page = await readFile(path.join(deps.config.maintenanceDir, 'cigar.html'), 'utf8');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; back at 2');
    expect(page).not.toContain('<script>');
    expect(maintenancePage('cigar', 'x')).toMatch(/^<!doctype html>/);
    expect(await setMaintenance(deps, 'cigar', { on: false }, 'alice')).toEqual({ app: 'cigar', on: false });
    expect(await readdir(deps.config.maintenanceDir)).toEqual([]);
    await expect(setMaintenance(deps, '../etc', { on: true }, 'alice')).rejects.toThrow(/Unknown app/);
  });

  it('Given no maintenance folder yet, When the agent starts, Then nothing happens', async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    await clearLeftMaintenance(deps);
    expect(await deps.audit.recent()).toEqual([]);
  });
});
