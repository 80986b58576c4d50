import { parseConfig } from '../../src/config/load.js';
import { exampleInput } from '../../src/provision/example.js';
import type { ProvisionInput } from '../../src/provision/input.js';

/** The provisioning input for one server `test` and the given apps (hms.config.json's `apps`). */
export function inputFor(apps: Record<string, object>): Promise<ProvisionInput> {
  const config = parseConfig(JSON.stringify({ servers: { test: { host: 'example.test' } }, apps }), '/home/me/team/hms.config.json');
  return exampleInput(config);
}

export const CIGAR = { server: 'test', repo: 'git@example.test:team/cigar.git', branch: 'release', domain: 'cigar.example.test' };
