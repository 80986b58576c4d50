/**
 * The configured channels made ready to send: the config's `alerts.channels` with the
 * secrets file's `alert_channels`. What cannot work (a webhook without its signing
 * secret, a URL nowhere, an SMTP user without a password) is refused when the agent
 * starts, with what to do, rather than failing each delivery later.
 */
import type { AlertPayload, ChannelType } from '../../../src/api/alerts.js';
import { HmsError } from '../../../src/core/errors.js';
import type { AlertChannelSecrets } from '../../auth/secrets.js';
import type { AlertsConfig } from '../../config.js';
import { sendMail } from './email.js';
import { originOf, postJson, signedHeaders } from './http-post.js';
import { slackText } from './wording.js';

export interface Channel {
  name: string;
  type: ChannelType;
  /** Where it goes, without secrets. */
  target: string;
  send(payload: AlertPayload, at: Date): Promise<void>;
}

export function channelsFrom(config: AlertsConfig, secrets: Record<string, AlertChannelSecrets> = {}): Channel[] {
  return Object.entries(config.channels).map(([name, channel]) => {
    const secret = Object.hasOwn(secrets, name) ? secrets[name]! : {};
    const refuse = (what: string) =>
      new HmsError(`alerts.channels.${name}: ${what}`, {
        hint:
          'Put it in .secrets.json on the laptop (alert_channels), then run `hms provision`; ' +
          'or remove the channel from hms.config.json.',
      });
    if (channel.type === 'email') {
      if (channel.user && !secret.password) throw refuse(`the SMTP user ${channel.user} needs alert_channels.${name}.password.`);
      const password = secret.password;
      const target = `smtp://${channel.host}:${channel.port} to ${channel.to.join(', ')}`;
      return { name, type: channel.type, target, send: (payload: AlertPayload) => sendMail(channel, password, payload) };
    }
    const url = secret.url ?? channel.url;
    if (!url) throw refuse(`a ${channel.type} channel needs a url (in the config, or alert_channels.${name}.url).`);
    if (!/^https?:\/\//.test(url)) throw refuse(`alert_channels.${name}.url must be an http(s) URL.`);
    if (channel.type === 'slack') {
      return {
        name,
        type: channel.type,
        target: originOf(url),
        send: (payload: AlertPayload) => postJson(url, JSON.stringify({ text: slackText(payload) }), {}),
      };
    }
    const key = secret.secret;
    if (!key) throw refuse(`a webhook is signed: it needs alert_channels.${name}.secret (\`hms secrets init\` makes one).`);
    return {
      name,
      type: channel.type,
      target: originOf(url),
      send: (payload: AlertPayload, at: Date) => {
        const body = JSON.stringify(payload);
        return postJson(url, body, signedHeaders(payload, body, key, at));
      },
    };
  });
}
