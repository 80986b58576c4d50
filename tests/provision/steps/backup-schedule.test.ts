/** The backup timers as provisioning writes them, and the schedule as the laptop checks it and the agent reads it. */
import { describe, expect, it } from 'vitest';
import { parseAgentConfig } from '../../../server/config.js';
import { parseConfig } from '../../../src/config/load.js';
import { provisioningPlan } from '../../../src/provision/plan.js';
import { agentConfigFiles } from '../../../src/provision/steps/agent-config.js';
import { backupScheduleFiles } from '../../../src/provision/steps/backup-schedule.js';
import { loadTemplates } from '../../../src/provision/template-set.js';
import { exampleInput } from '../../../src/provision/example.js';

const CIGAR = {
  server: 'test',
  repo: 'git@example.test:team/cigar.git',
  domain: 'cigar.example.test',
  database: { adapter: 'postgresql' },
};
const inputWith = (backups?: object, apps: Record<string, object> = { cigar: CIGAR }) =>
  exampleInput(
    parseConfig(
      JSON.stringify({ servers: { test: { host: 'example.test', ...(backups ? { backups } : {}) } }, apps }),
      '/t/hms.config.json',
    ),
  );

describe('scheduled backups in provisioning', () => {
  it('Given PostgreSQL and defaults, When rendered, Then a daily timer runs the bundle one-shot, bounded, and a weekly check', async () => {
    const files = backupScheduleFiles(await inputWith(), await loadTemplates());
    expect(files.map((f) => f.path)).toEqual([
      '/etc/systemd/system/hms-backup.service',
      '/etc/systemd/system/hms-backup.timer',
      '/etc/systemd/system/hms-backup-check.service',
      '/etc/systemd/system/hms-backup-check.timer',
    ]);
    const [service, timer, check, checkTimer] = files.map((f) => f.content);
    expect(service).toMatch(
      /^ExecStart=\/usr\/bin\/node \/opt\/hosting-api\/current\/hms-agent\.mjs --config \/etc\/hosting-api\/agent\.json backup-scheduled$/m,
    );
    expect(service).toMatch(/^Type=oneshot$/m);
    expect(service).toMatch(/^TimeoutStartSec=3h$/m);
    expect(service).toMatch(/^MemoryMax=2G$/m);
    expect(service).toMatch(/^ReadWritePaths=\/var\/lib\/hosting-api \/run \/var\/backups\/hms$/m);
    expect(timer).toMatch(/^OnCalendar=daily$/m);
    expect(timer).toMatch(/^RandomizedDelaySec=30min$/m);
    expect(timer).toMatch(/^Persistent=true$/m);
    expect(check).toMatch(/ backup-check$/m);
    expect(check).toMatch(/^After=network\.target postgresql\.service hms-backup\.service$/m);
    expect(checkTimer).toMatch(/^OnCalendar=Sun \*-\*-\* 04:30$/m);
  });

  it("Given a schedule, retention and check, When the agent's config is rendered, Then the agent reads them", async () => {
    const input = await inputWith({ schedule: '*-*-* 00/6:00', randomizedDelay: '0', keep: { daily: 3, weekly: 0 }, checkSubsets: 4 });
    const file = agentConfigFiles(input).find((f) => f.path === '/etc/hosting-api/agent.json')!;
    const config = parseAgentConfig(file.content, file.path);
    expect(config.backups.schedule).toEqual({ onCalendar: '*-*-* 00/6:00', overdueAfterHours: 7.5 });
    expect(config.backups.keep).toEqual({ daily: 3, weekly: 0, monthly: 6 });
    expect(config.backups.check).toEqual({ onCalendar: 'Sun *-*-* 04:30', subsets: 4 });
  });

  it('Given an app on SQLite, When planned, Then its file is backed up on the same timer and the agent knows where it is', async () => {
    const input = await inputWith(undefined, { cigar: { ...CIGAR, database: { adapter: 'sqlite3' } } });
    expect((await provisioningPlan(input)).map((s) => s.id)).toContain('backup-schedule');
    const agentConfig = JSON.parse(agentConfigFiles(input)[0]!.content);
    expect(agentConfig.backups.schedule.onCalendar).toBe('daily');
    expect(agentConfig.apps.cigar.sqlite).toBe('/var/www/cigar/shared/db/production.sqlite3');
  });

  it('Given no apps, When planned, Then no timer and no backups in the agent configuration', async () => {
    const input = await inputWith(undefined, {});
    expect((await provisioningPlan(input)).map((s) => s.id)).not.toContain('backup-schedule');
    expect(agentConfigFiles(input)[0]!.content).not.toMatch(/backups/);
  });

  it('Given a misspelt schedule or retention, When hms.config.json loads, Then the key path and what is expected are named', () => {
    const load = (backups: object) => () =>
      parseConfig(JSON.stringify({ servers: { prod: { host: 'h', backups } }, apps: {} }), '/t/hms.config.json');
    expect(load({ schedule: 'dialy' })).toThrow(/servers\.prod\.backups\.schedule: must be a systemd calendar expression/);
    expect(load({ randomizedDelay: 'a while' })).toThrow(/servers\.prod\.backups\.randomizedDelay: must be a systemd time span/);
    expect(load({ keep: { daily: 0 } })).toThrow(/servers\.prod\.backups\.keep\.daily/);
  });
});
