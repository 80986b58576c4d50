/**
 * alerts = the incidents watcher inside the agent and the channels it tells.
 *
 * Facts become incidents keyed by rule + subject (rules-*.ts): each opened once,
 * updated, resolved. Looks: units every alerts.intervalSeconds (one `systemctl show`),
 * health every rules.health.intervalSeconds, the rest every slowSeconds.
 *
 * What the channels are told (incidents.ts `tell`), from what they were last told:
 * - opened: a new incident. updated: it turned critical, or it came back after a
 *   "resolved" was told (a warning again is not told by itself: the next reminder or the
 *   resolution says so, so a fact hovering at a threshold is told once).
 *   reminder: still open reminderMinutes after the last message.
 *   resolved: it is over. Nothing is told twice: each record keeps what was told.
 * - cooldown: an incident that comes back within cooldownMinutes of its resolution is
 *   the same incident (same id), never a new "opened": the first time as "updated"
 *   (back again); from then on it is flapping, and its next "resolved" is told only
 *   once it has stayed resolved for cooldownMinutes (a comeback meanwhile tells nothing).
 * - mute (by rule or app): the incident is still opened and listed, `muted: true`, and
 *   nothing about it is sent; when the mute ends the channels are told where it stands
 *   (opened if it opened meanwhile and is still open, resolved if it ended meanwhile).
 *
 * Delivery (outbox.ts): one file per delivery per channel, in order, retried with
 * backoff, kept across restarts. State: <stateDir>/alerts/ (0700, files 0600).
 */
export { AlertsEngine, type AlertsOptions, startAlerts } from './engine.js';
export type { FactSources, WatchedUnit } from './facts.js';
export type { RetryPolicy } from './outbox.js';
