import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { exampleInput } from '../../src/provision/example.js';
import { deploymentLog } from '../../src/provision/log.js';
import { provisioningPlan } from '../../src/provision/plan.js';
import { runHms } from '../support/run-hms.js';

describe('DEPLOYMENT_LOG.md', () => {
  it('Given the provisioning plan, When the log is generated, Then it equals the committed DEPLOYMENT_LOG.md', async () => {
    const steps = await provisioningPlan(await exampleInput(await loadConfig(path.resolve('hms.config.example.json'))));
    const generated = deploymentLog(steps, 'the servers and apps of hms.config.example.json');
    const committed = await readFile(path.resolve('DEPLOYMENT_LOG.md'), 'utf8');
    expect(committed.trimEnd(), 'DEPLOYMENT_LOG.md is out of date: run `node dist/hms.mjs provision --print-log > DEPLOYMENT_LOG.md`').toBe(
      generated.trimEnd(),
    );
  });

  it(
    'Given `hms provision --print-log`, When run, ' + 'Then it prints the same procedure with every step and a verification for each',
    async () => {
      const run = await runHms(['provision', '--print-log'], { cwd: path.resolve('.') });
      expect(run.code).toBe(0);
      const headings = run.stdout.match(/^## \d+\. .+$/gm) ?? [];
      expect(headings.length).toBeGreaterThanOrEqual(12);
      expect(run.stdout.match(/^Verify:$/gm)?.length).toBe(headings.length);
      expect(run.stdout).not.toMatch(/SECRET_KEY_BASE=\w/);
    },
  );
});
