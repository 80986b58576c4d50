/**
 * E-mail deliveries to a real SMTP server (nodemailer's smtp-server) on loopback with
 * STARTTLS under a self-signed certificate made here with openssl, trusted through the
 * channel's caFile; AUTH with the password from the secrets. Failure paths: a refused
 * password (the error never shows it), a server that offers no STARTTLS.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Incident } from '../../../../src/api/alerts.js';
import { alertsConfigSchema } from '../../../../src/core/alert-settings.js';
import { exec } from '../../../../src/platform/exec.js';
import { channelsFrom } from '../../../../server/services/alerts/channels.js';
import { payloadFor } from '../../../../server/services/alerts/wording.js';

const PASSWORD = 'smtp-pass-0123456789';
let dir: string;
let key: string;
let cert: string;
const servers: SMTPServer[] = [];

interface Mail {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
  user: string | undefined;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'hms-smtp-'));
  const argv = ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  // The client checks the host (127.0.0.1) against the certificate's subjectAltName.
  const san = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
  const made = await exec([...argv, '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), ...san], {
    timeoutMs: 20_000,
  });
  if (made.code !== 0) throw new Error(made.stderr);
  key = await readFile(path.join(dir, 'key.pem'), 'utf8');
  cert = await readFile(path.join(dir, 'cert.pem'), 'utf8');
});
afterAll(async () => {
  await Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  await rm(dir, { recursive: true, force: true });
});

async function smtp(options: Partial<SMTPServerOptions> = {}): Promise<{ port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    key,
    cert,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === 'alerts' && auth.password === PASSWORD) return callback(null, { user: auth.username });
      // A server that says too much: it repeats what it was sent.
      return callback(new Error(`Invalid login ${auth.username}/${auth.password}`));
    },
    onData(stream, session, callback) {
      let data = '';
      stream.on('data', (chunk: Buffer) => {
        data += chunk.toString('utf8');
      });
      stream.on('end', () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          data,
          secure: session.secure,
          user: session.user as string | undefined,
        });
        callback();
      });
    },
    ...options,
  });
  servers.push(server);
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return { port: (server.server.address() as AddressInfo).port, mails };
}

function mailChannel(port: number) {
  const config = alertsConfigSchema.parse({
    server: 'web-1',
    channels: {
      mail: {
        type: 'email',
        host: '127.0.0.1',
        port,
        caFile: path.join(dir, 'cert.pem'),
        user: 'alerts',
        from: 'hms@example.org',
        to: ['ops@example.org', 'oncall@example.org'],
      },
    },
  });
  return (password: string) => channelsFrom(config, { mail: { password } })[0]!;
}

const incident: Incident = {
  id: 'unit:cigar.service:1',
  rule: 'unit',
  subject: 'cigar.service',
  app: 'cigar',
  severity: 'critical',
  title: 'cigar.service stopped unexpectedly',
  detail: 'cigar.service is inactive (dead). Next: `hms logs cigar`.',
  openedAt: '2026-12-07T10:00:00.000Z',
  updatedAt: '2026-12-07T10:00:00.000Z',
  resolvedAt: null,
  muted: false,
};
/** The error a send ends with (null when it was sent). */
const failure = (port: number, password: string): Promise<Error | null> =>
  mailChannel(port)(password)
    .send(payload, new Date())
    .then(
      () => null,
      (error: Error) => error,
    );

const payload = payloadFor({ event: 'opened', server: 'web-1', delivery: 'd-1', at: new Date(), incident });

describe('e-mail over SMTP with STARTTLS', () => {
  it('Given STARTTLS and AUTH, When an incident is mailed, Then it arrives over TLS with subject, body, recipients', async () => {
    const { port, mails } = await smtp();
    expect(mailChannel(port)(PASSWORD).target).toBe(`smtp://127.0.0.1:${port} to ops@example.org, oncall@example.org`);
    await mailChannel(port)(PASSWORD).send(payload, new Date());
    expect(mails).toHaveLength(1);
    const mail = mails[0]!;
    expect(mail).toMatchObject({ from: 'hms@example.org', to: ['ops@example.org', 'oncall@example.org'], secure: true, user: 'alerts' });
    const unfolded = mail.data.replace(/\r\n[ \t]/g, ' ');
    expect(unfolded).toMatch(/^Subject: \[hms web-1\] OPENED cigar\.service stopped unexpectedly$/m);
    expect(mail.data).toMatch(/cigar\.service is inactive \(dead\)/);
    expect(mail.data).toMatch(/Opened: {4}2026-12-07T10:00:00\.000Z/);
    expect(mail.data).toMatch(/hms alerts {5}open and recent incidents/);
    expect(mail.data).toMatch(/hms doctor/);
    expect(mail.data).not.toContain(PASSWORD);
  });

  it('Given a wrong password, When mailed, Then it fails with the server answer, the password cut out', async () => {
    const { port, mails } = await smtp();
    const wrong = 'not-the-password-42';
    const error = await failure(port, wrong);
    expect(mails).toHaveLength(0);
    expect(error?.message).toMatch(new RegExp(`^127\\.0\\.0\\.1:${port}: Invalid login`));
    expect(error?.message).toContain('[hidden]');
    expect(error?.message).not.toContain(wrong);
    expect(error?.message).not.toContain(Buffer.from(wrong).toString('base64'));
  });

  it('Given a server that offers no STARTTLS, When mailed, Then nothing is sent in the clear', async () => {
    const { port, mails } = await smtp({ disabledCommands: ['STARTTLS'], allowInsecureAuth: true });
    const error = await failure(port, PASSWORD);
    expect(mails).toHaveLength(0);
    expect(error?.message).toMatch(/STARTTLS/i);
  });
});
