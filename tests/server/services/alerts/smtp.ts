/**
 * A real SMTP server on loopback for the alerts suites (nodemailer's smtp-server) with
 * STARTTLS under a self-signed certificate made with openssl (the caFile a channel
 * trusts), AUTH checked against one password, and the mails it accepted. Servers and
 * the certificate's folder go when the test file is done.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import { afterAll } from 'vitest';
import { exec } from '../../../../src/platform/exec.js';

export const SMTP_USER = 'alerts';
export const SMTP_PASSWORD = 'smtp-pass-0123456789';

export interface Mail {
  from: string;
  to: string[];
  data: string;
  secure: boolean;
  user: string | undefined;
}

const servers: SMTPServer[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

/** A self-signed certificate for localhost and 127.0.0.1 (what the client checks the host against): its files and PEMs. */
export async function selfSigned(): Promise<{ caFile: string; key: string; cert: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'hms-smtp-'));
  dirs.push(dir);
  const argv = ['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2'];
  const san = ['-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'];
  const [keyFile, caFile] = [path.join(dir, 'key.pem'), path.join(dir, 'cert.pem')];
  const made = await exec([...argv, '-keyout', keyFile, '-out', caFile, ...san], { timeoutMs: 20_000 });
  if (made.code !== 0) throw new Error(made.stderr);
  return { caFile, key: await readFile(keyFile, 'utf8'), cert: await readFile(caFile, 'utf8') };
}

export async function smtpServer(
  tls: { key: string; cert: string },
  options: Partial<SMTPServerOptions> = {},
): Promise<{ port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    ...tls,
    authMethods: ['PLAIN', 'LOGIN'],
    onAuth(auth, _session, callback) {
      if (auth.username === SMTP_USER && auth.password === SMTP_PASSWORD) return callback(null, { user: auth.username });
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
