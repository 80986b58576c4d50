/**
 * apps = the managed units (every app, nginx, the agent): their systemd state from one
 * question to systemd (its D-Bus socket, else one batched `systemctl show`), health
 * probes through puma's socket, and audited actions.
 */
export { getApp, listApps, runAppAction, targets } from './apps.js';
export { appProbe, probeHttp } from './health.js';
export { showUnits, showUnitsOrUnknown } from './systemd.js';
export { parseTimestamp, showArgv, showBlocks } from './systemd-show.js';
export { type Answer as BusAnswer, number as busNumber } from './systemd-bus.js';
export { unitPropertiesOrNull } from './unit-watch.js';
