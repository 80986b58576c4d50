/**
 * The incidents watcher's settings: hms.config.json's `alerts`, which `hms provision`
 * writes into each server's agent.json `alerts` (with the server's name): every threshold, the cooldown and reminder, the channels.
 * Channel secrets (a webhook's signing key, a Slack URL, an SMTP password) are in the
 * agent's secrets file (`alert_channels`), never here.
 */
import { z } from 'zod';
import { nameSchema } from './names.js';

const absolutePath = z.string().startsWith('/', 'must be an absolute path');

const positive = z.number().positive();
const percent = z.number().min(1).max(100);
const address = z.email().regex(/^[^\s,;'"`\\<>]+$/, 'must be a plain e-mail address');

export const alertChannelSchema = z.discriminatedUnion('type', [
  /** A JSON body signed with HMAC-SHA256 (alert_channels.<name>.secret); the URL may come from the secrets instead. */
  z.strictObject({ type: z.literal('webhook'), url: z.url({ protocol: /^https?$/ }).optional() }),
  /** Slack's incoming-webhook body (`{"text": ...}`); its URL is a secret (alert_channels.<name>.url). */
  z.strictObject({ type: z.literal('slack'), url: z.url({ protocol: /^https?$/ }).optional() }),
  /** E-mail over SMTP; STARTTLS required unless `starttls: false` (a relay on loopback); password in alert_channels.<name>.password. */
  z.strictObject({
    type: z.literal('email'),
    host: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or address'),
    port: z.number().int().min(1).max(65535).default(587),
    starttls: z.boolean().default(true),
    /** A CA certificate (PEM file on the server) to trust for the SMTP server instead of the system's. */
    caFile: absolutePath.optional(),
    user: z.string().min(1).max(200).optional(),
    from: address,
    to: z.array(address).min(1).max(20),
  }),
]);
export type AlertChannelConfig = z.infer<typeof alertChannelSchema>;

export const alertsConfigSchema = z
  .strictObject({
    enabled: z.boolean().default(true),
    /** The server's name in every message (hms.config.json's key for it). */
    server: z.string().min(1).max(100).default('server'),
    /** How often units and health are looked at; the slower facts (disks, certificates, backups, 5xx) every slowSeconds. */
    intervalSeconds: z.number().int().min(1).max(300).default(5),
    slowSeconds: z.number().int().min(10).max(3600).default(60),
    /**
     * An incident that comes back within this time of its resolution is the same incident: told once as `updated`,
     * then its next resolution is told only after it stayed resolved this long (flapping is not told again and again).
     */
    cooldownMinutes: z.number().min(0).max(1440).default(10),
    /** An incident still open is told again after this long. */
    reminderMinutes: z.number().min(1).max(10080).default(240),
    /** Resolved incidents and sent deliveries are kept this long for `hms alerts`. */
    keepDays: z.number().int().min(1).max(365).default(7),
    rules: z
      .strictObject({
        /** A unit that restarted this many times within windowMinutes is "restarting in a loop". */
        /** ...and is resolved once it has been active with no new restart for stableSeconds. */
        unit: z
          .strictObject({
            restarts: z.number().int().min(1).default(3),
            windowMinutes: positive.default(10),
            stableSeconds: z.number().int().min(0).max(3600).default(60),
          })
          .prefault({}),
        /**
         * The health probe failing this many looks in a row, one look every intervalSeconds (each probe is a
         * request the app logs, so not every fast look).
         */
        health: z
          .strictObject({ failures: z.number().int().min(1).default(3), intervalSeconds: z.number().int().min(1).max(3600).default(15) })
          .prefault({}),
        /** The share of an app's requests answered 5xx over windowMinutes, counted once it had minRequests. */
        errors: z
          .strictObject({
            percent: percent.default(5),
            windowMinutes: positive.default(5),
            minRequests: z.number().int().min(1).default(20),
          })
          .prefault({}),
        /** Every mounted filesystem of these paths (nothing else). */
        disk: z
          .strictObject({
            paths: z.array(absolutePath).max(20).default(['/', '/var']),
            warningPercent: percent.default(85),
            criticalPercent: percent.default(95),
          })
          .prefault({}),
        /** Memory pressure: available memory under this share, or the kernel's PSI `some avg60` over pressurePercent. */
        memory: z.strictObject({ availablePercent: percent.default(10), pressurePercent: percent.default(20) }).prefault({}),
        /** A certificate with fewer days left (critical under criticalDays), or its last renewal failed. */
        certificate: z
          .strictObject({ days: z.number().int().min(1).default(14), criticalDays: z.number().int().min(0).default(3) })
          .prefault({}),
        /** Refused logins: this many within windowMinutes. */
        logins: z.strictObject({ failures: z.number().int().min(1).default(10), windowMinutes: positive.default(5) }).prefault({}),
      })
      .prefault({}),
    channels: z.record(nameSchema, alertChannelSchema).default({}),
  })
  .prefault({});
export type AlertsConfig = z.infer<typeof alertsConfigSchema>;
