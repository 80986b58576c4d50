/**
 * Installs the agent bundle as a release: /opt/hosting-api/releases/<version>-<hash>,
 * written under a temporary name and renamed whole, then `current` is switched
 * atomically and the unit restarted. The same bundle gives the same release id, so
 * a second run changes nothing.
 */
import path from 'node:path';
import { HmsError } from '../core/errors.js';
import type { Host } from './host.js';
import { PATHS } from './input.js';
import type { AgentBundle } from '../client/agent-bundle.js';
import { AGENT_UNIT } from './steps/units.js';

export interface AgentInstallReport {
  release: string;
  previous: string | null;
  changed: boolean;
}

export async function currentRelease(host: Host): Promise<string | null> {
  const link = await host.run(['readlink', '--', `${PATHS.installDir}/current`]);
  return link.code === 0 ? path.posix.basename(link.stdout.trim()) : null;
}

export async function installAgent(host: Host, bundle: AgentBundle, waitHealthy: () => Promise<void>): Promise<AgentInstallReport> {
  const previous = await currentRelease(host);
  const active = (await host.run(['systemctl', 'is-active', AGENT_UNIT])).stdout.trim() === 'active';
  if (previous === bundle.release && active) return { release: bundle.release, previous, changed: false };

  const releases = `${PATHS.installDir}/releases`;
  const final = `${releases}/${bundle.release}`;
  if ((await host.run(['test', '-f', `${final}/hms-agent.mjs`])).code !== 0) {
    const staging = `${releases}/.${bundle.release}.partial`;
    await host.must(['rm', '-rf', '--', staging], 'clear a partial upload');
    await host.must(['install', '-d', '-m', '755', staging, `${staging}/remote-cli-tools`], 'create the release folder');
    for (const file of bundle.files) await host.upload(file.content, `${staging}/${file.name}`, file.mode);
    await host.must(['mv', '-T', '--', staging, final], 'move the release into place');
  }
  await host.must(['ln', '-sfn', `releases/${bundle.release}`, `${PATHS.installDir}/.current.new`], 'prepare the current link');
  await host.must(['mv', '-T', '--', `${PATHS.installDir}/.current.new`, `${PATHS.installDir}/current`], 'switch current');
  await host.must(['systemctl', 'enable', '--quiet', AGENT_UNIT], 'enable the agent');
  await host.must(['systemctl', 'restart', AGENT_UNIT], 'start the agent');
  try {
    await waitHealthy();
  } catch (error) {
    const journal = await host.run(['journalctl', '-u', AGENT_UNIT, '-n', '20', '--no-pager', '-o', 'cat']);
    throw new HmsError(`The agent did not become healthy after installing ${bundle.release}:\n${journal.stdout.trim()}`, {
      hint: `Check ${PATHS.agentConfig} and \`journalctl -u ${AGENT_UNIT}\` on the server.`,
      cause: error,
    });
  }
  return { release: bundle.release, previous, changed: true };
}
