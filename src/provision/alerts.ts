/**
 * The incidents watcher's share of the agent's files: agent.json's `alerts` (hms.config.json's,
 * with this server's name) and the agent secrets file's `alert_channels`, with only the keys
 * each channel needs (src/secrets/alert-channels.ts). readCompleteSecrets has refused a
 * provisioning that lacks one, so every key listed here has its value.
 */
import type { AlertsConfig } from '../core/alert-settings.js';
import { alertChannelSecrets } from '../secrets/alert-channels.js';
import { getKey } from '../secrets/plan.js';
import type { ProvisionInput } from './input.js';

/** agent.json's `alerts`: every setting as hms.config.json gives it (defaults filled in), named after this server. */
export function agentAlerts(input: ProvisionInput): (AlertsConfig & { server: string }) | undefined {
  return input.alerts ? { ...input.alerts, server: input.serverName } : undefined;
}

type ChannelSecrets = Partial<Record<'secret' | 'url' | 'password', string>>;

/** The secrets file's `alert_channels`: by channel, the keys it needs; none for a channel that needs none. */
export function agentAlertSecrets(input: ProvisionInput): Record<string, ChannelSecrets> {
  const channels: Record<string, ChannelSecrets> = {};
  for (const need of alertChannelSecrets(input.alerts)) {
    const value = getKey(input.secrets, need.key);
    if (typeof value === 'string') channels[need.channel] = { ...channels[need.channel], [need.field]: value };
  }
  return channels;
}
