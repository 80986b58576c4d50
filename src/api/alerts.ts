/**
 * The /api/alerts contract: the incidents the agent's watcher opened from what it saw
 * (a unit failed, health failing, 5xx share, disk, memory, certificates, backups,
 * deploys, the agent's own update, refused logins), the channels it tells (webhook,
 * Slack-compatible webhook, e-mail) with what each delivery did, and the mutes.
 *
 *   GET    /api/alerts                 AlertsResponse
 *   POST   /api/alerts/test            { channel? }          -> AlertTestResponse (a test to one or every channel)
 *   POST   /api/alerts/mutes           { target, minutes }   -> { mute }  (target: a rule or an app)
 *   DELETE /api/alerts/mutes/:target                         -> { removed }
 *
 * A webhook delivery's body is AlertPayload as JSON, signed: the header
 * `X-Hms-Signature: sha256=<hex>` is HMAC-SHA256 under the channel's secret of
 * `<X-Hms-Timestamp>.<body>`; `X-Hms-Delivery` names the delivery (the same on a retry).
 */
import { z } from 'zod';
import { lazy } from './lazy.js';

/** What the watcher looks at; a rule is also what `hms alerts mute` takes. */
export const ALERT_RULES = [
  'unit',
  'health',
  'errors',
  'disk',
  'memory',
  'certificate',
  'backup',
  'deploy',
  'agent-update',
  'logins',
] as const;
export const alertRuleSchema = lazy(() => z.enum(ALERT_RULES));
export type AlertRule = z.infer<typeof alertRuleSchema>;

export const SEVERITIES = ['warning', 'critical'] as const;
export const severitySchema = lazy(() => z.enum(SEVERITIES));
export type Severity = z.infer<typeof severitySchema>;

export const incidentSchema = lazy(() =>
  z.object({
    /** Unique per opening: `<rule>:<subject>:<opened at, ms>`. */
    id: z.string(),
    rule: alertRuleSchema,
    /** What it is about: a unit, an app, a disk's mount point, a site, `agent`, `login`. */
    subject: z.string(),
    /** The app it concerns, when it concerns one (what a mute by app matches). */
    app: z.string().nullable(),
    severity: severitySchema,
    /** One line: "cigar.service failed", "/var 96% full". */
    title: z.string(),
    /** What was seen last, and what to do next. */
    detail: z.string(),
    openedAt: z.string(),
    /** The last time its facts changed (severity, detail). */
    updatedAt: z.string(),
    resolvedAt: z.string().nullable(),
    /** Whether a mute holds it back from the channels now. */
    muted: z.boolean(),
  }),
);
export type Incident = z.infer<typeof incidentSchema>;

export const CHANNEL_TYPES = ['webhook', 'slack', 'email'] as const;
export const channelTypeSchema = lazy(() => z.enum(CHANNEL_TYPES));
export type ChannelType = z.infer<typeof channelTypeSchema>;

/** What a delivery tells: an incident opened, changed, still open (reminder), resolved; or a test. */
export const DELIVERY_EVENTS = ['opened', 'updated', 'reminder', 'resolved', 'test'] as const;
export const deliveryEventSchema = lazy(() => z.enum(DELIVERY_EVENTS));
export type DeliveryEvent = z.infer<typeof deliveryEventSchema>;

export const channelStatusSchema = lazy(() =>
  z.object({
    name: z.string(),
    type: channelTypeSchema,
    /** Where it goes, without secrets: a URL's origin, or the SMTP host and the recipients. */
    target: z.string(),
    /** Deliveries waiting (kept on disk, retried with backoff, in order). */
    queued: z.number().int().nonnegative(),
    lastDeliveredAt: z.string().nullable(),
    /** The last failed attempt, kept until a delivery succeeds. */
    lastError: z.object({ at: z.string(), message: z.string() }).nullable(),
    /** When the oldest queued delivery is tried next. */
    nextAttemptAt: z.string().nullable(),
  }),
);
export type ChannelStatus = z.infer<typeof channelStatusSchema>;

export const deliverySchema = lazy(() =>
  z.object({
    id: z.string(),
    channel: z.string(),
    event: deliveryEventSchema,
    /** The incident it tells of; null for a test. */
    incident: z.string().nullable(),
    title: z.string(),
    createdAt: z.string(),
    attempts: z.number().int().nonnegative(),
    state: z.enum(['queued', 'sent']),
    sentAt: z.string().nullable(),
    lastError: z.string().nullable(),
  }),
);
export type Delivery = z.infer<typeof deliverySchema>;

export const muteSchema = lazy(() =>
  z.object({
    /** A rule (ALERT_RULES) or an app's name. */
    target: z.string(),
    until: z.string(),
    by: z.string(),
  }),
);
export type Mute = z.infer<typeof muteSchema>;

export const alertsResponseSchema = lazy(() =>
  z.object({
    /** false when the agent's config turns the watcher off. */
    enabled: z.boolean(),
    /** The server's name as the channels say it. */
    server: z.string(),
    /** Open incidents first (most severe, then newest), then those resolved in the last days, newest first. */
    incidents: z.array(incidentSchema),
    channels: z.array(channelStatusSchema),
    /** The newest deliveries, newest first. */
    deliveries: z.array(deliverySchema),
    mutes: z.array(muteSchema),
    /** When the watcher last looked (null before its first look). */
    checkedAt: z.string().nullable(),
  }),
);
export type AlertsResponse = z.infer<typeof alertsResponseSchema>;

export const alertTestRequestSchema = lazy(() => z.object({ channel: z.string().optional() }));
/** Each channel's test delivery after its first attempt (state `queued` with lastError when it failed: retried). */
export const alertTestResponseSchema = lazy(() => z.object({ deliveries: z.array(deliverySchema) }));
export type AlertTestResponse = z.infer<typeof alertTestResponseSchema>;

export const MAX_MUTE_MINUTES = 7 * 24 * 60;
export const muteRequestSchema = lazy(() =>
  z.object({
    target: z.string().min(1).max(64),
    minutes: z.number().int().min(1).max(MAX_MUTE_MINUTES),
  }),
);
export const muteResponseSchema = lazy(() => z.object({ mute: muteSchema }));
export const unmuteResponseSchema = lazy(() => z.object({ removed: z.boolean() }));

/** The body of a webhook delivery (and what a Slack message and an e-mail are worded from). */
export const alertPayloadSchema = lazy(() =>
  z.object({
    event: deliveryEventSchema,
    server: z.string(),
    delivery: z.string(),
    sentAt: z.string(),
    /** null for a test. */
    incident: incidentSchema.nullable(),
    /** One line for people: "[hms web-1] RESOLVED cigar.service failed". */
    text: z.string(),
  }),
);
export type AlertPayload = z.infer<typeof alertPayloadSchema>;

export const SIGNATURE_HEADER = 'x-hms-signature';
export const TIMESTAMP_HEADER = 'x-hms-timestamp';
export const DELIVERY_HEADER = 'x-hms-delivery';
