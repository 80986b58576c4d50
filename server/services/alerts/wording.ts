/**
 * How a delivery reads: the payload a webhook receives (and a Slack message and an
 * e-mail are worded from), its one line, the e-mail's subject and plain-text body.
 */
import type { AlertPayload, DeliveryEvent, Incident } from '../../../src/api/alerts.js';

const WORD: Record<DeliveryEvent, string> = {
  opened: 'OPENED',
  updated: 'UPDATED',
  reminder: 'REMINDER',
  resolved: 'RESOLVED',
  test: 'TEST',
};

export function payloadFor(options: {
  event: DeliveryEvent;
  server: string;
  delivery: string;
  at: Date;
  incident: Incident | null;
  /** Said after the title: "(back again)", "(now critical)". */
  note?: string | undefined;
}): AlertPayload {
  const { event, server, incident } = options;
  const title = (incident?.title ?? 'a test delivery from hms: this channel works') + (options.note ? ` (${options.note})` : '');
  return {
    event,
    server,
    delivery: options.delivery,
    sentAt: options.at.toISOString(),
    incident,
    text: `[hms ${server}] ${WORD[event]} ${title}`,
  };
}

/** The one line plus what was seen and what to do (Slack's `text`). */
export function slackText(payload: AlertPayload): string {
  const detail = payload.incident ? `\n${payload.incident.detail}` : '';
  return `${payload.text}${detail}`;
}

export function mailSubject(payload: AlertPayload): string {
  return payload.text.replace(/[\r\n]+/g, ' ');
}

export function mailBody(payload: AlertPayload): string {
  const incident = payload.incident;
  const lines = [payload.text, ''];
  if (incident) {
    lines.push(incident.detail, '');
    lines.push(`Severity:  ${incident.severity}`);
    lines.push(`Rule:      ${incident.rule} (${incident.subject})`);
    lines.push(`Opened:    ${incident.openedAt}`);
    lines.push(`Updated:   ${incident.updatedAt}`);
    if (incident.resolvedAt) lines.push(`Resolved:  ${incident.resolvedAt}`);
    lines.push(`Incident:  ${incident.id}`);
  } else {
    lines.push('This is a test sent by `hms alerts test`: this channel reaches you.');
  }
  lines.push(`Server:    ${payload.server}`, `Sent:      ${payload.sentAt}`, '');
  lines.push('What to do next:');
  lines.push('  hms alerts     open and recent incidents, and what each channel delivered');
  lines.push('  hms doctor     what is wrong on the server and how to fix it');
  if (incident) lines.push(`  hms alerts mute ${incident.app ?? incident.rule} --for 2h     to hold these back for a while`);
  return `${lines.join('\n')}\n`;
}
