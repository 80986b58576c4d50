/**
 * The configured channels made ready to send: the config's `alerts.channels` with the
 * secrets file's `alert_channels`. A channel that cannot work (a webhook without its
 * signing secret, a URL nowhere, an SMTP user without a password) does not stop the
 * agent (alerts are not worth the control plane): it is kept with its `problem`, each
 * of its deliveries waits in the outbox with that as its error (`hms alerts`,
 * `hms doctor` show it), and they go out once `hms provision` brings what it lacked.
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
  /** Why it cannot send (its configuration lacks something), with what to do; absent when it can. */
  problem?: string;
}

/** Every configured channel; one that cannot work is kept with its problem (see above), and `log` is told once. */
export function channelsFrom(
  config: AlertsConfig,
  secrets: Record<string, AlertChannelSecrets> = {},
  log: (line: string) => void = () => undefined,
): Channel[] {
  return Object.keys(config.channels).map((name) => {
    try {
      return channelFrom(config, secrets, name);
    } catch (error) {
      const { message, hint } = error as HmsError;
      const problem = hint ? `${message} ${hint}` : message;
      log(`hms-agent: ${problem}`);
      const type = config.channels[name]!.type;
      return { name, type, target: `(not usable: ${message})`, problem, send: () => Promise.reject(new HmsError(problem)) };
    }
  });
}

/** One channel ready to send, or an HmsError saying what it lacks. */
export function channelFrom(config: AlertsConfig, secrets: Record<string, AlertChannelSecrets>, name: string): Channel {
  const channel = config.channels[name]!;
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
}
