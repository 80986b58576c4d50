/**
 * Worker units (apps.<name>.processes): rendered as provisioning writes them, and the
 * argv quoted the way systemd reads ExecStart= (the e2e suite workers.e2e.test.ts runs
 * such words under real systemd and finds them verbatim).
 */
import { describe, expect, it } from 'vitest';
import { appSchema } from '../../../src/config/schema.js';
import { systemdArgv } from '../../../src/core/systemd-quote.js';
import { PROCESS_START, unitFiles, workerUnitFiles } from '../../../src/provision/steps/units.js';
import { loadTemplates } from '../../../src/provision/template-set.js';

const app = (processes: object) =>
  appSchema.parse({ server: 'prod', repo: 'git@example.test:team/cigar.git', domain: 'cigar.example.test', processes });

describe("an app's worker units", () => {
  it(
    'Given a Sidekiq worker and a plain one, When rendered, ' +
      'Then each is <app>-<process>.service running the launcher in the current release, Sidekiq as Type=notify',
    async () => {
      const files = workerUnitFiles(
        'cigar',
        app({ worker: ['bundle', 'exec', 'sidekiq'], clock: { command: ['bin/clock'], stopTimeoutSeconds: 90 } }),
        await loadTemplates(),
      );
      expect(files.map((f) => f.path)).toEqual(['/etc/systemd/system/cigar-clock.service', '/etc/systemd/system/cigar-worker.service']);
      const [clock, worker] = files.map((f) => f.content);
      expect(worker).toMatch(/^ExecStart=\/usr\/local\/lib\/hms\/process-start "bundle" "exec" "sidekiq"$/m);
      expect(worker).toMatch(/^Type=notify$/m);
      expect(worker).toMatch(/^WorkingDirectory=\/var\/www\/cigar\/current$/m);
      expect(worker).toMatch(/^EnvironmentFile=-\/etc\/hosting-api\/env\/cigar\.env$/m);
      expect(worker).toMatch(/^User=deploy$/m);
      expect(worker).toMatch(/^TimeoutStopSec=30$/m);
      expect(clock).toMatch(/^Type=simple$/m);
      expect(clock).toMatch(/^TimeoutStopSec=90$/m);
      expect(clock).not.toMatch(/\{\{|\}\}/);
    },
  );

  it('Given an app without workers, When its worker units are rendered, Then there are none', async () => {
    expect(workerUnitFiles('cigar', app({}), await loadTemplates())).toEqual([]);
  });

  it.each([
    [['sidekiq'], '"sidekiq"'],
    [['echo', '$HOME'], '"echo" "$$HOME"'],
    [['printf', '100%d'], '"printf" "100%%d"'],
    [['ruby', '-e', 'puts "a\\b"'], '"ruby" "-e" "puts \\"a\\\\b\\""'],
    [['a b', ''], '"a b" ""'],
  ])('Given the argv %j, When quoted for ExecStart, Then systemd reads %s back word for word', (argv, line) => {
    expect(systemdArgv(argv)).toBe(line);
  });

  it('Given a word with a line break, When quoted, Then it is refused (the config refuses it first)', () => {
    expect(() => systemdArgv(['a\nb'])).toThrow(/control characters/);
  });

  it('Given the process launcher, When rendered, Then it is root-owned and executable', async () => {
    const t = await loadTemplates();
    expect(unitFiles({ apps: [] } as never, t).find((f) => f.path === PROCESS_START)).toMatchObject({ mode: 0o755, owner: 'root' });
  });
});
