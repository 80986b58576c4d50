/**
 * A real mail server for the alerts suites: Debian's postfix inside the test server,
 * installed through the apt cache like any package, STARTTLS required (a plain-text
 * MAIL FROM is refused) with a certificate made here by a CA made here, and local
 * delivery to mbox mailboxes of two users of the domain alerts.test. The agent's email
 * channel points at 127.0.0.1:25 with the CA as its caFile; the test reads the
 * mailboxes from inside the server.
 */
import type { TestServer } from '../support/test-server.js';
import { waitFor } from '../support/wait-for.js';

export const MAIL_DOMAIN = 'alerts.test';
/** Trusted by the agent's email channel (caFile): it signed postfix's certificate. */
export const MAIL_CA_FILE = '/etc/hms-test-mail/ca.crt';
export const MAILBOXES = ['ops', 'oncall'] as const;

export interface Mail {
  subject: string;
  from: string;
  to: string;
  /** The text/plain body, decoded. */
  text: string;
  /** All header lines, unfolded (Received says whether TLS was used). */
  headers: string;
}

const sh = async (server: TestServer, script: string, timeoutMs = 120_000): Promise<string> => {
  const run = await server.exec(['sh', '-ec', script], { timeoutMs });
  if (run.code !== 0) throw new Error(`test server: ${script.slice(0, 200)}\nexit ${run.code}: ${run.stderr}${run.stdout}`);
  return run.stdout;
};

const CERTS = `
d=/etc/hms-test-mail
install -d -m 755 $d
cd $d
openssl req -x509 -newkey rsa:2048 -nodes -days 30 -subj '/CN=hms test mail CA' -keyout ca.key -out ca.crt 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj '/CN=localhost' -keyout server.key -out server.csr 2>/dev/null
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext
openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -days 30 -extfile san.ext -out server.crt 2>/dev/null
chmod 600 server.key ca.key
`;

const CONFIGURE = `
postconf -e 'myhostname = mail.${MAIL_DOMAIN}' 'mydestination = ${MAIL_DOMAIN}, localhost' \\
  'inet_interfaces = loopback-only' 'inet_protocols = ipv4' 'home_mailbox =' 'mailbox_size_limit = 0' \\
  'smtpd_tls_cert_file = /etc/hms-test-mail/server.crt' 'smtpd_tls_key_file = /etc/hms-test-mail/server.key' \\
  'smtpd_tls_security_level = encrypt' 'smtpd_tls_auth_only = yes' 'smtpd_tls_received_header = yes'
for u in ${MAILBOXES.join(' ')}; do id -u $u >/dev/null 2>&1 || useradd --create-home $u; done
systemctl restart postfix
`;

/** Installs and starts postfix; about 10-20 s through a warm apt cache. */
export async function startMailServer(server: TestServer): Promise<void> {
  await sh(
    server,
    `echo 'postfix postfix/main_mailer_type select Local only' | debconf-set-selections
echo 'postfix postfix/mailname string ${MAIL_DOMAIN}' | debconf-set-selections
apt-get update -qq && apt-get install -y -qq --no-install-recommends postfix openssl ca-certificates >/dev/null`,
    300_000,
  );
  await sh(server, CERTS);
  await sh(server, CONFIGURE);
  let seen = '';
  await waitFor(
    async () => {
      seen = (await server.exec(['sh', '-c', 'ss -ltn 2>/dev/null || cat /proc/net/tcp'])).stdout;
      return /127\.0\.0\.1:25\b|0100007F:0019/.test(seen);
    },
    () => `postfix listening on 127.0.0.1:25; sockets:\n${seen}`,
    30_000,
    200,
  );
}

/** The messages in `user`'s mbox, oldest first. */
export async function mailbox(server: TestServer, user: (typeof MAILBOXES)[number]): Promise<Mail[]> {
  const run = await server.exec(['cat', `/var/mail/${user}`]);
  if (run.code !== 0) return [];
  return run.stdout
    .split(/^From \S+ .*\n/m)
    .filter((m) => m.trim() !== '')
    .map(parseMessage);
}

/** Postfix's own log of what it did (for failure messages). */
export async function mailLog(server: TestServer): Promise<string> {
  return (await server.exec(['journalctl', '-u', 'postfix@-', '-n', '40', '--no-pager'])).stdout;
}

function splitHead(raw: string): [head: string, body: string] {
  const at = raw.search(/\r?\n\r?\n/);
  return at < 0 ? [raw, ''] : [raw.slice(0, at), raw.slice(at).replace(/^\r?\n\r?\n/, '')];
}

const unfold = (head: string): string => head.replace(/\r?\n[ \t]+/g, ' ');

function headerOf(head: string, name: string): string {
  const line = unfold(head)
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line ? line.slice(name.length + 1).trim() : '';
}

/** RFC 2047 encoded words (=?UTF-8?Q?...?= and =?UTF-8?B?...?=), as nodemailer writes a subject that is not ASCII. */
function decodeWords(value: string): string {
  return value
    .replace(/\?=\s+=\?/g, '?==?')
    .replace(/=\?([^?]+)\?([QqBb])\?([^?]*)\?=/g, (_, _charset: string, kind: string, text: string) =>
      kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
    );
}

function decodeQuotedPrintable(text: string): string {
  const soft = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < soft.length; i += 1) {
    const hex = soft.slice(i + 1, i + 3);
    if (soft[i] === '=' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

function decodePart(head: string, body: string): string {
  const encoding = headerOf(head, 'Content-Transfer-Encoding').toLowerCase();
  if (encoding === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** The text/plain of a message: the message itself, or its first text/plain part. */
function textOf(head: string, body: string): string {
  const type = headerOf(head, 'Content-Type');
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (!/^multipart\//i.test(type) || !boundary) return decodePart(head, body);
  for (const part of body.split(`--${boundary}`).slice(1)) {
    const [partHead, partBody] = splitHead(part.replace(/^\r?\n/, ''));
    if (/^text\/plain/i.test(headerOf(partHead, 'Content-Type')) || /^multipart\//i.test(headerOf(partHead, 'Content-Type'))) {
      const text = textOf(partHead, partBody);
      if (text.trim() !== '') return text;
    }
  }
  return '';
}

export function parseMessage(raw: string): Mail {
  const [head, body] = splitHead(raw);
  return {
    subject: decodeWords(headerOf(head, 'Subject')),
    from: headerOf(head, 'From'),
    to: headerOf(head, 'To'),
    text: textOf(head, body).replace(/^>From /gm, 'From '),
    headers: unfold(head),
  };
}
