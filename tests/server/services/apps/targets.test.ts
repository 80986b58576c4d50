import { describe, expect, it } from 'vitest';
import { agentConfigSchema } from '../../../../server/config.js';
import { targets } from '../../../../server/services/apps/apps.js';
import { logSources } from '../../../../server/services/logs/sources.js';

const config = (apps: object) => agentConfigSchema.parse({ apps });
const cigar = (processes: object) => ({ unit: 'cigar.service', root: '/var/www/cigar', processes });

describe("the agent's targets with workers", () => {
  it(
    'Given cigar with a worker, When the targets are listed, ' +
      'Then the worker follows its app as cigar-worker (kind worker), before nginx and the agent, with its journal as a log',
    () => {
      const agent = config({ cigar: cigar({ worker: { unit: 'cigar-worker.service', quietSignal: 'TSTP' } }), tobacco: cigar({}) });
      const all = Object.values(targets(agent));
      expect(all.map((t) => [t.name, t.kind, t.unit])).toEqual([
        ['cigar', 'app', 'cigar.service'],
        ['cigar-worker', 'worker', 'cigar-worker.service'],
        ['tobacco', 'app', 'cigar.service'],
        ['nginx', 'nginx', 'nginx.service'],
        ['agent', 'agent', 'hms-agent.service'],
      ]);
      expect(all[1]!.parent).toEqual({ app: 'cigar', process: 'worker' });
      expect(logSources(agent)['journal:cigar-worker']).toEqual({
        name: 'journal:cigar-worker',
        kind: 'journal',
        unit: 'cigar-worker.service',
      });
    },
  );

  it("Given an app named like another app's worker, When the targets are listed, Then the agent refuses the config naming both", () => {
    const agent = config({ cigar: cigar({ worker: { unit: 'cigar-worker.service' } }), 'cigar-worker': cigar({}) });
    expect(() => targets(agent)).toThrow(/"cigar-worker" names both an app and a worker/);
  });
});
