/**
 * What each alert channel of hms.config.json (`alerts.channels`) keeps in `.secrets.json`
 * (`alert_channels.<channel>`): a webhook's signing `secret` (made by `hms secrets init`),
 * a URL that is not in the configuration (a Slack URL carries its token), an SMTP
 * `password` where the channel logs in. The agent's secrets file gets exactly these.
 */
import type { AlertsConfig } from '../core/alert-settings.js';

export type AlertSecretField = 'secret' | 'url' | 'password';

export interface AlertChannelSecret {
  channel: string;
  field: AlertSecretField;
  /** The dotted key in .secrets.json: `alert_channels.<channel>.<field>`. */
  key: string;
  /** true: `hms secrets init` makes it (a random signing secret); false: a person adds it. */
  generated: boolean;
  /** What the value is, for the message that asks for it. */
  what: string;
}

export const alertSecretKey = (channel: string, field: AlertSecretField): string => `alert_channels.${channel}.${field}`;

/** Every secret the configured channels need, channel by channel, in the configuration's order. */
export function alertChannelSecrets(alerts: AlertsConfig | undefined): AlertChannelSecret[] {
  const needs: AlertChannelSecret[] = [];
  const need = (channel: string, field: AlertSecretField, generated: boolean, what: string) =>
    needs.push({ channel, field, key: alertSecretKey(channel, field), generated, what });
  for (const [name, channel] of Object.entries(alerts?.channels ?? {})) {
    if (channel.type === 'webhook') {
      need(name, 'secret', true, 'the key its deliveries are signed with');
      if (!channel.url) need(name, 'url', false, `the URL it posts to (or alerts.channels.${name}.url in hms.config.json)`);
    } else if (channel.type === 'slack') {
      if (!channel.url) need(name, 'url', false, "Slack's incoming-webhook URL (https://hooks.slack.com/services/...)");
    } else if (channel.user) need(name, 'password', false, `the SMTP password of ${channel.user} on ${channel.host}`);
  }
  return needs;
}
