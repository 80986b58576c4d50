import { HmsError, UsageError } from '../core/errors.js';
import type { Config } from '../config/schema.js';
import { targetFor, type SshTarget } from '../ssh/target.js';

/** The server a command is about: the named one, or the only one configured. */
export function pickServer(config: Config | undefined, name: string | undefined): { name: string; target: SshTarget } {
  if (!config) {
    throw new HmsError('No hms.config.json found, so no server is configured.', {
      hint: 'Run `hms init`, or copy hms.config.example.json to hms.config.json and edit it.',
    });
  }
  const names = Object.keys(config.servers);
  const chosen = name ?? (names.length === 1 ? names[0] : undefined);
  if (!chosen) throw new UsageError('Several servers are configured: say which one.', `Known servers: ${names.join(', ')}.`);
  const server = config.servers[chosen];
  if (!server) throw new UsageError(`Unknown server "${chosen}".`, `Known servers: ${names.join(', ') || 'none'}.`);
  return { name: chosen, target: targetFor(chosen, server) };
}
