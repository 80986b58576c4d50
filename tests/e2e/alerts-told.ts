/**
 * What the channels were told about one incident, read where they arrive: the webhook
 * receiver's accepted deliveries and the two postfix mailboxes. A fault's story is
 * "opened" once, then "resolved" once, on every channel; these helpers wait for each
 * step and count.
 */
import { expect } from 'vitest';
import type { AlertPayload, AlertRule, DeliveryEvent, Incident } from '../../src/api/alerts.js';
import { waitFor } from '../support/wait-for.js';
import type { AlertsLaptop } from './alerts-context.js';
import { MAILBOXES, type Mail, mailbox, mailLog } from './alerts-mail.js';
import { describeReceived, type Received } from './alerts-receiver.js';

export type Matcher = (incident: Incident) => boolean;

/** An incident of `rule` about the app `app` or with `subject` in its subject. */
export const about =
  (rule: AlertRule, subject: string): Matcher =>
  (incident) =>
    incident.rule === rule && (incident.subject === subject || incident.subject.includes(subject));

export type Accepted = Received & { payload: AlertPayload };

/** Webhook deliveries about incidents that match, in the order received. */
export function hooksAbout(laptop: AlertsLaptop, match: Matcher): Accepted[] {
  return laptop.receiver.accepted().filter((r) => r.payload.incident !== null && match(r.payload.incident));
}

/** Which event a mail tells: its subject says RESOLVED for a resolution (as the payload's text does). */
export const mailEvent = (mail: Mail): 'resolved' | 'other' => (/resolved/i.test(mail.subject) ? 'resolved' : 'other');

/**
 * Mails in `user`'s mailbox about `incident`: its title in the subject, its id in the body
 * (two openings of one fault have the same title, not the same id).
 */
export async function mailsAbout(laptop: AlertsLaptop, user: (typeof MAILBOXES)[number], incident: Incident): Promise<Mail[]> {
  return (await mailbox(laptop.server, user)).filter((mail) => mail.subject.includes(incident.title) && mail.text.includes(incident.id));
}

/** Waits until the webhook got `event` for an incident that matches; answers that incident as delivered. */
export async function waitHook(laptop: AlertsLaptop, match: Matcher, event: DeliveryEvent, timeoutMs = 60_000): Promise<Incident> {
  let found: Incident | undefined;
  await laptop.receiver.waitFor(
    `a webhook "${event}"`,
    (accepted) => {
      found =
        accepted.find((r) => r.payload.event === event && r.payload.incident && match(r.payload.incident))?.payload.incident ?? undefined;
      return found !== undefined;
    },
    timeoutMs,
  );
  return found!;
}

/** Waits until every mailbox has `count` mails about `incident`, the last of them telling `event`. */
export async function waitMail(laptop: AlertsLaptop, incident: Incident, event: 'opened' | 'resolved', timeoutMs = 60_000): Promise<Mail> {
  let last: Mail[] = [];
  await waitFor(
    async () => {
      for (const user of MAILBOXES) {
        last = await mailsAbout(laptop, user, incident);
        const mail = last.at(-1);
        if (!mail || (event === 'resolved') !== (mailEvent(mail) === 'resolved')) return false;
      }
      return true;
    },
    () => `a mail "${event}" about "${incident.title}" in ${MAILBOXES.join(', ')}; last seen: ${last.map((m) => m.subject).join(' | ')}`,
    timeoutMs,
    250,
  ).catch(async (error: Error) => {
    const all = await mailbox(laptop.server, 'ops');
    throw new Error(`${error.message}\nops has: ${all.map((m) => m.subject).join(' | ')}\npostfix:\n${await mailLog(laptop.server)}`);
  });
  return last.at(-1)!;
}

/**
 * The whole story of one incident on every channel: one "opened" and one "resolved"
 * webhook (signed, distinct delivery ids, in that order) and the same two mails in each
 * mailbox, nothing else about it.
 */
export async function expectToldOnce(laptop: AlertsLaptop, incident: Incident): Promise<void> {
  const same: Matcher = (i) => i.id === incident.id;
  const hooks = hooksAbout(laptop, same);
  expect(
    hooks.map((r) => r.payload.event),
    hooks.map(describeReceived).join('\n'),
  ).toEqual(['opened', 'resolved']);
  expect(new Set(hooks.map((r) => r.delivery)).size).toBe(2);
  for (const user of MAILBOXES) {
    const mails = await mailsAbout(laptop, user, incident);
    expect(mails.map(mailEvent), `${user}: ${mails.map((m) => m.subject).join(' | ')}`).toEqual(['other', 'resolved']);
  }
}

/** Waits for an incident that matches to be open in `hms alerts --json` (or resolved: `open` false); answers it. */
export async function listed(laptop: AlertsLaptop, match: Matcher, open: boolean, timeoutMs = 60_000): Promise<Incident> {
  let seen: Incident[] = [];
  const wanted = (i: Incident) => match(i) && (i.resolvedAt === null) === open;
  await waitFor(
    async () => {
      seen = (await laptop.alerts()).incidents;
      return seen.some(wanted);
    },
    () => `hms alerts --json with the incident ${open ? 'open' : 'resolved'}:\n${JSON.stringify(seen, null, 2)}`,
    timeoutMs,
    1000,
  );
  return seen.find(wanted)!;
}

/**
 * A fault's whole story: `make` it, told "opened" by webhook and mail (the mail saying the
 * title and detail), listed open; `whileOpen`; `fix` it, told "resolved" on both, listed
 * resolved; and nothing told twice. Answers the incident as first told.
 */
export async function story(
  laptop: AlertsLaptop,
  match: Matcher,
  steps: { make: () => Promise<unknown>; fix: () => Promise<unknown>; whileOpen?: () => Promise<unknown> },
): Promise<Incident> {
  await steps.make();
  const opened = await waitHook(laptop, match, 'opened');
  const mail = await waitMail(laptop, opened, 'opened');
  expect(mail.text).toContain(opened.title);
  expect(mail.text).toContain(opened.detail.slice(0, 40));
  const open = await listed(laptop, (i) => i.id === opened.id, true);
  expect(open).toMatchObject({ rule: opened.rule, muted: false, resolvedAt: null });
  await steps.whileOpen?.();
  await steps.fix();
  const resolved = await waitHook(laptop, (i) => i.id === opened.id, 'resolved');
  expect(resolved.resolvedAt).not.toBeNull();
  await waitMail(laptop, opened, 'resolved');
  await listed(laptop, (i) => i.id === opened.id, false);
  await expectToldOnce(laptop, opened);
  return opened;
}

export interface AuditEntry {
  action: string;
  target: string;
  result: string;
  detail?: string;
}

/** The entries of `hms audit --json` (wherever the output nests them) with `action`. */
export async function audited(laptop: AlertsLaptop, action: string): Promise<AuditEntry[]> {
  const run = await laptop.hms(['audit', '--json']);
  expect(run.code, run.stderr).toBe(0);
  const found: AuditEntry[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (value && typeof value === 'object') {
      const entry = value as Partial<AuditEntry>;
      if (entry.action === action) found.push(entry as AuditEntry);
      else Object.values(value).forEach(visit);
    }
  };
  visit(JSON.parse(run.stdout));
  return found;
}
