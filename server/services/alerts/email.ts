/**
 * An e-mail delivery over SMTP with nodemailer, loaded on the first mail (the agent
 * idles without it). STARTTLS is required unless the channel says `starttls: false`;
 * `caFile` is the CA trusted for the server's certificate. Every attempt is bounded,
 * and an error never carries the password (nor its base64, as AUTH sends it).
 */
import { readFile } from 'node:fs/promises';
import type { AlertPayload } from '../../../src/api/alerts.js';
import type { AlertChannelConfig } from '../../config.js';
import { ATTEMPT_TIMEOUT_MS } from './http-post.js';
import { mailBody, mailSubject } from './wording.js';

export type EmailChannel = Extract<AlertChannelConfig, { type: 'email' }>;

export async function sendMail(channel: EmailChannel, password: string | undefined, payload: AlertPayload): Promise<void> {
  const nodemailer = await import('nodemailer');
  const ca = channel.caFile ? await readFile(channel.caFile, 'utf8').catch(caError(channel.caFile)) : undefined;
  const transport = nodemailer.createTransport({
    host: channel.host,
    port: channel.port,
    secure: channel.port === 465,
    requireTLS: channel.starttls && channel.port !== 465,
    ignoreTLS: !channel.starttls,
    ...(ca ? { tls: { ca } } : {}),
    ...(channel.user ? { auth: { user: channel.user, pass: password ?? '' } } : {}),
    connectionTimeout: ATTEMPT_TIMEOUT_MS,
    greetingTimeout: ATTEMPT_TIMEOUT_MS,
    socketTimeout: ATTEMPT_TIMEOUT_MS,
  });
  let timer: NodeJS.Timeout | undefined;
  const overall = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not sent within ${ATTEMPT_TIMEOUT_MS / 1000} s`)), ATTEMPT_TIMEOUT_MS);
  });
  try {
    await Promise.race([
      transport.sendMail({ from: channel.from, to: channel.to, subject: mailSubject(payload), text: mailBody(payload) }),
      overall,
    ]);
  } catch (error) {
    throw new Error(`${channel.host}:${channel.port}: ${scrub(describe(error), channel.user, password)}`);
  } finally {
    clearTimeout(timer);
    transport.close();
  }
}

function caError(file: string) {
  return (error: NodeJS.ErrnoException): never => {
    throw new Error(`cannot read caFile ${file} (${error.code ?? error.message})`);
  };
}

function describe(error: unknown): string {
  const e = error as { message?: string; code?: string; response?: string };
  const message = e.message ?? String(error);
  if (e.code === 'ESOCKET' && /ECONNREFUSED/.test(message)) return 'connection refused (is the SMTP server running?)';
  return message.replace(/\s+/g, ' ').slice(0, 400);
}

/** The password, and what AUTH PLAIN and AUTH LOGIN send of it, cut out of a message. */
export function scrub(message: string, user: string | undefined, password: string | undefined): string {
  if (!password) return message;
  const forms = [
    password,
    Buffer.from(password).toString('base64'),
    ...(user ? [Buffer.from(`\u0000${user}\u0000${password}`).toString('base64')] : []),
  ];
  return forms.reduce((text, form) => text.split(form).join('[hidden]'), message);
}
