/**
 * E-mail deliveries to a real SMTP server (nodemailer's smtp-server) on loopback with
 * STARTTLS under a self-signed certificate made here with openssl, trusted through the
 * channel's caFile; AUTH with the password from the secrets. Failure paths: a refused
 * password (the error never shows it), a server that offers no STARTTLS.
 */
import { describe, expect, it } from 'vitest';
import type { Incident } from '../../../../src/api/alerts.js';
import { alertsConfigSchema } from '../../../../src/core/alert-settings.js';
import { channelsFrom } from '../../../../server/services/alerts/channels.js';
import { payloadFor } from '../../../../server/services/alerts/wording.js';
import { selfSigned, SMTP_PASSWORD as PASSWORD, smtpServer } from './smtp.js';

const tls = await selfSigned();
const smtp = (options: Parameters<typeof smtpServer>[1] = {}) => smtpServer(tls, options);

function mailChannel(port: number) {
  const config = alertsConfigSchema.parse({
    server: 'web-1',
    channels: {
      mail: {
        type: 'email',
        host: '127.0.0.1',
        port,
        caFile: tls.caFile,
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
