/**
 * Maintenance flags in a real folder: one file per app while a restore swaps its
 * database, readable by nginx (0644 in a 0755 folder), gone after; flags an agent
 * stopped mid-restore left are cleared when it starts again.
 */
import { readdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clearLeftMaintenance,
  inMaintenance,
  maintenanceFlag,
  maintenanceOff,
  maintenanceOn,
} from '../../../../server/services/backups/maintenance.js';
import { testAgent } from '../../../support/agent.js';

const APPS = { cigar: { unit: 'cigar.service', root: '/var/www/cigar' }, tobacco: { unit: 'tobacco.service', root: '/var/www/tobacco' } };

describe('maintenance mode', () => {
  it('Given an app, When maintenance goes on then off, Then its flag alone exists meanwhile, readable by nginx', async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    await maintenanceOn(deps, 'cigar', 'restore of backup 1a2b3c4d by alice');
    expect(await inMaintenance(deps, 'cigar')).toBe(true);
    expect(await inMaintenance(deps, 'tobacco')).toBe(false);
    expect(((await stat(maintenanceFlag(deps, 'cigar'))).mode & 0o777).toString(8)).toBe('644');
    expect(((await stat(deps.config.maintenanceDir)).mode & 0o777).toString(8)).toBe('755');
    await maintenanceOff(deps, 'cigar');
    expect(await inMaintenance(deps, 'cigar')).toBe(false);
    await maintenanceOff(deps, 'cigar');
  });

  it('Given flags left by a stopped agent, When it starts, Then the apps come out of maintenance, audited; other files stay', async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    await maintenanceOn(deps, 'cigar', 'restore');
    await writeFile(path.join(deps.config.maintenanceDir, 'not-an-app'), 'x');
    await clearLeftMaintenance(deps);
    expect(await readdir(deps.config.maintenanceDir)).toEqual(['not-an-app']);
    expect((await deps.audit.recent()).map((entry) => [entry.action, entry.target])).toEqual([['backup.restore', 'cigar']]);
  });

  it('Given no maintenance folder yet, When the agent starts, Then nothing happens', async () => {
    const { deps } = await testAgent({ config: { apps: APPS } });
    await clearLeftMaintenance(deps);
    expect(await deps.audit.recent()).toEqual([]);
  });
});
