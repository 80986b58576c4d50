/**
 * The nginx sites behind the /api/configs tests: a real nginx tree for the REAL
 * `nginx -t`. systemctl cannot manage services on this host (no systemd as PID 1),
 * so reload and is-active are answered by the recording `hostExec` (see
 * nginx-fixture.ts), in systemctl's formats.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { AUTH, testAgent, type TestAgent } from './agent.js';
import { hostExec, nginxTree, serverBlock, type HostExec, type NginxTree } from './nginx-fixture.js';

export const CIGAR = serverBlock(8081);
export const TOBACCO = serverBlock(8082);

export interface ConfigSites {
  tree: NginxTree;
  host: HostExec;
  agent: TestAgent;
}

/** cigar and tobacco enabled, hosting written but not enabled, ghost allow-listed with no file. */
export async function configSites(): Promise<ConfigSites> {
  const tree = await nginxTree(['cigar', 'tobacco', 'hosting', 'ghost']);
  await tree.addSite('cigar', CIGAR);
  await tree.addSite('tobacco', TOBACCO);
  await tree.addSite('hosting', serverBlock(8083), { enabled: false });
  const host = hostExec();
  const agent = await testAgent({ config: { nginx: tree.nginx }, exec: host.exec });
  return { tree, host, agent };
}

/** Requests and checks on the sites `current()` gives (read when called: a test's beforeEach makes them). */
export function configRequests(current: () => ConfigSites) {
  const cigarFile = () => path.join(current().tree.sitesDir, 'cigar');

  async function get(url: string, headers: Record<string, string> = {}) {
    return current().agent.app.request(url, { headers: { ...AUTH, ...headers } });
  }

  async function send(method: 'PUT' | 'POST', url: string, body: unknown, headers: Record<string, string> = {}) {
    return current().agent.app.request(url, {
      method,
      headers: { ...AUTH, 'content-type': 'application/json', ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  async function etagOfSite(site = 'cigar'): Promise<string> {
    return (await get(`/api/configs/${site}`)).headers.get('etag')!;
  }

  async function leftovers(): Promise<string[]> {
    const { tree } = current();
    const names = [...(await readdir(tree.sitesDir)), ...(await readdir(tree.root))];
    return names.filter((name) => name.endsWith('.hms-staged') || name.startsWith('.hms-test-'));
  }

  const systemctlCalls = () =>
    current()
      .host.calls.filter((argv) => argv[0] === 'systemctl')
      .map((argv) => argv.slice(1).join(' '));

  return { cigarFile, get, send, etagOfSite, leftovers, systemctlCalls };
}
