/**
 * `hms doctor` and alerts: each open incident listed with its severity, title and since (a
 * critical one a problem), a failing channel a warning; an agent without /api/alerts (from
 * before alerts) said so, not a crash. The incidents come from the /api/alerts contract
 * served on loopback (tests/support/alerts-agent.ts).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doctorCommand } from '../../src/commands/doctor.js';
import { type AlertsAgent, alertsAgent, alertsConfig, alertsContext, sampleAlerts } from '../support/alerts-agent.js';
import { servedAgent } from '../support/served-agent.js';

const RED = '\u001b[31m';

let agent: AlertsAgent;
beforeAll(async () => {
  agent = await alertsAgent(sampleAlerts());
});
afterAll(() => agent.stop());

const doctor = (env: NodeJS.ProcessEnv = {}) => doctorCommand.run(alertsContext(alertsConfig({ web1: agent.url }), { env }));

describe('hms doctor and alerts', () => {
  it(
    'Given an open critical incident, an open muted warning and a resolved one, When diagnosed, ' +
      'Then each open one is a line with severity, title and since (the critical red), the resolved one is not, exit 1',
    async () => {
      const output = await doctor({ FORCE_COLOR: '1' });
      expect(output.exitCode).toBe(1);
      expect(output.human).toMatch(
        /^\u001b\[31m {2}✗ incident unit cigar\.service\s+critical: cigar\.service failed, since 4m ago\u001b\[39m$/m,
      );
      expect(output.human).toContain('    → see `hms logs cigar` (`hms alerts`)');
      expect(output.human).toMatch(/^ {2}! incident disk \/var\s+warning: \/var 87% full, since 2h0m ago \(muted\)$/m);
      expect(output.human).not.toContain('tobacco health');
      expect(output.human).toMatch(/^ {2}! alert channel chat\s+2 queued; connect ECONNREFUSED \(2m ago; retried in \d+s\)$/m);
      expect(output.human).toContain('    → check https://hooks.slack.test, then `hms alerts test chat`');
      expect(output.human).not.toContain('alert channel ops');
      expect(output.human).not.toMatch(`${RED}  ! `);
    },
  );

  it('Given no open incident and every channel well, When diagnosed, Then one ok line says so', async () => {
    const { incidents, channels } = agent.overview;
    agent.overview = { ...agent.overview, incidents: incidents.filter((i) => i.resolvedAt), channels: channels.slice(0, 1) };
    try {
      const output = await doctor();
      expect(output.human).toMatch(/^ {2}✓ alerts\s+no open incident$/m);
      expect(output.human).not.toContain('incident unit');
    } finally {
      agent.overview = { ...agent.overview, incidents, channels };
    }
  });

  it('Given the watcher is off, When diagnosed, Then it is said, not counted as a problem', async () => {
    const before = agent.overview;
    agent.overview = { ...before, enabled: false, incidents: [] };
    try {
      expect((await doctor()).human).toMatch(/^ {2}- alerts\s+the incidents watcher is off \(alerts\.enabled\)$/m);
    } finally {
      agent.overview = before;
    }
  });

  it('Given an agent without /api/alerts (older: 404), When diagnosed, Then the alerts line says to update it; no crash', async () => {
    agent.older = true;
    try {
      const output = await doctor();
      expect(output.human).toMatch(/^ {2}- alerts\s+alerts unavailable: update the agent \(hms update-hosting-api\)$/m);
      expect(output.human).not.toContain('incident');
    } finally {
      agent.older = false;
    }
  });

  it("Given a real agent that serves without a watcher (503), When diagnosed, Then alerts say so, with the agent's hint", async () => {
    const bare = await servedAgent();
    try {
      const output = await doctorCommand.run(bare.context());
      expect(output.human).toMatch(
        /^ {2}- alerts\s+no alerts: test: The incidents watcher is not running in this agent: it runs in hms-agent\.service on a/m,
      );
      expect(output.human).toMatch(
        /^ {4}→ Local mode \(no server in hms\.config\.json\) has no watcher: add a server and run `hms full-deploy` on it\. A server/m,
      );
    } finally {
      await bare.dispose();
    }
  });
});
