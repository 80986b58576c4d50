/**
 * Scheduled tasks' files as provisioning writes them, and their launcher
 * (templates/systemd/schedule-run) run for real with /bin/sh on this host: the words
 * of a task reach the program exactly as hms.config.json gives them.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { agentConfigFiles } from '../../../src/provision/steps/agent-config.js';
import { SCHEDULE_RUN, scheduleFiles } from '../../../src/provision/steps/schedule-files.js';
import { loadTemplates } from '../../../src/provision/template-set.js';
import { CIGAR, inputFor } from '../../support/provision-input.js';

const run = promisify(execFile);
const HOSTILE = ['$HOME', '${PATH}', '%h', '%%', "it's", '"quoted"', 'a b', '  spaced  ', '\\n', '$(id)', '`id`', '*', ';', '--flag'];

async function filesFor(schedules: Record<string, object>) {
  const input = await inputFor({ cigar: { ...CIGAR, schedules } });
  return { files: scheduleFiles(input, await loadTemplates()), input };
}
const named = (files: Awaited<ReturnType<typeof filesFor>>['files'], end: string) => files.find((f) => f.path.endsWith(end))!;

describe("an app's schedule units", () => {
  it(
    'Given a schedule, When rendered, Then a oneshot service runs the launcher on its argv file as deploy in the release, ' +
      'bounded by the timeout and MemoryMax, and its timer fires on the calendar',
    async () => {
      const { files } = await filesFor({ report: { command: ['bin/rails', 'reports:daily'], when: '*-*-* 03:00', timeoutSeconds: 120 } });
      expect(files.map((f) => f.path)).toEqual([
        SCHEDULE_RUN,
        '/usr/local/lib/hms/schedules/cigar-report.argv',
        '/etc/systemd/system/cigar-report.service',
        '/etc/systemd/system/cigar-report.timer',
      ]);
      const service = named(files, 'cigar-report.service').content;
      expect(service).toMatch(/^Type=oneshot$/m);
      expect(service).toMatch(/^User=deploy$/m);
      expect(service).toMatch(/^WorkingDirectory=\/var\/www\/cigar\/current$/m);
      expect(service).toMatch(/^EnvironmentFile=-\/etc\/hosting-api\/env\/cigar\.env$/m);
      expect(service).toMatch(/^Environment=RAILS_ENV=production$/m);
      expect(service).toMatch(/^ExecStart=\/usr\/local\/lib\/hms\/schedule-run \/usr\/local\/lib\/hms\/schedules\/cigar-report\.argv$/m);
      expect(service).toMatch(/^TimeoutStartSec=120$/m);
      expect(service).toMatch(/^MemoryMax=2G$/m);
      const timer = named(files, 'cigar-report.timer').content;
      expect(timer).toMatch(/^OnCalendar=\*-\*-\* 03:00$/m);
      expect(timer).toMatch(/^Persistent=true$/m);
      expect(timer).toMatch(/^Unit=cigar-report\.service$/m);
      expect(timer).toMatch(/^WantedBy=timers\.target$/m);
      expect(named(files, '.argv').content).toBe('bin/rails\nreports:daily\n');
    },
  );

  it('Given hostile-but-allowed words in the command, When rendered, Then no unit file has them: only the argv file', async () => {
    const { files } = await filesFor({ report: { command: ['/usr/bin/printf', ...HOSTILE], when: 'hourly' } });
    for (const unit of files.filter((f) => f.path.startsWith('/etc/systemd/'))) {
      expect(unit.content).not.toContain('$HOME');
      expect(unit.content).not.toContain('%h');
    }
    expect(named(files, '.argv').content.split('\n').slice(1, -1)).toEqual(HOSTILE);
  });

  it(
    'Given overlap: true, When rendered, Then the unit (root) starts each run with systemd-run in a unit of its own, ' +
      'as deploy with the same bounds',
    async () => {
      const { files } = await filesFor({ sync: { command: ['bin/sync'], when: 'minutely', overlap: true, timeoutSeconds: 30 } });
      const service = named(files, 'cigar-sync.service').content;
      expect(service).toMatch(/^User=root$/m);
      const execStart = /^ExecStart=(.*)$/m.exec(service)![1]!;
      expect(execStart).toMatch(/^\/usr\/bin\/systemd-run --quiet --collect /);
      expect(execStart).toContain('--uid=deploy --gid=deploy --working-directory=/var/www/cigar/current');
      expect(execStart).toContain('--property=RuntimeMaxSec=30');
      expect(execStart).toContain('--property=MemoryMax=2G');
      expect(execStart).toMatch(/-- \/usr\/local\/lib\/hms\/schedule-run \/usr\/local\/lib\/hms\/schedules\/cigar-sync\.argv$/);
    },
  );

  it('Given no schedules, When rendered, Then no files (not even the launcher) and the agent config has no schedules key', async () => {
    const { files, input } = await filesFor({});
    expect(files).toEqual([]);
    expect(JSON.parse(agentConfigFiles(input)[0]!.content).apps.cigar.schedules).toBeUndefined();
  });

  it('Given schedules, When the agent config is written, Then it names each unit, timer, calendar, timeout and overlap', async () => {
    const { input } = await filesFor({ report: { command: ['bin/rails', 'x'], when: 'hourly' } });
    expect(JSON.parse(agentConfigFiles(input)[0]!.content).apps.cigar.schedules).toEqual({
      report: { unit: 'cigar-report.service', timer: 'cigar-report.timer', when: 'hourly', timeoutSeconds: 3600, overlap: false },
    });
  });
});

describe('the schedule-run launcher', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'hms-schedule-run-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('Given an argv file of hostile-but-allowed words, When run, Then the program gets exactly those words', async () => {
    const program = 'require("fs").writeFileSync("argv.json", JSON.stringify(process.argv.slice(1)))';
    const { files } = await filesFor({ report: { command: [process.execPath, '-e', program, ...HOSTILE], when: 'hourly' } });
    await writeFile(path.join(dir, 'schedule-run'), named(files, 'schedule-run').content, { mode: 0o755 });
    await writeFile(path.join(dir, 'task.argv'), named(files, '.argv').content);
    await run('/bin/sh', [path.join(dir, 'schedule-run'), path.join(dir, 'task.argv')], { cwd: dir, env: { HOME: '/nowhere' } });
    expect(JSON.parse(await readFile(path.join(dir, 'argv.json'), 'utf8'))).toEqual(HOSTILE);
  });

  it('Given a command that exits 3, When run, Then the launcher exits 3 (the unit fails with its code)', async () => {
    const { files } = await filesFor({ report: { command: ['/bin/sh', '-c', 'exit 3'], when: 'hourly' } });
    await writeFile(path.join(dir, 'schedule-run'), named(files, 'schedule-run').content, { mode: 0o755 });
    await writeFile(path.join(dir, 'task.argv'), named(files, '.argv').content);
    const failure = await run('/bin/sh', [path.join(dir, 'schedule-run'), path.join(dir, 'task.argv')]).catch((e: { code: number }) => e);
    expect(failure).toMatchObject({ code: 3 });
  });
});
