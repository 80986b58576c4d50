/**
 * agent = the agent's own releases: a new build staged whole, activated by a
 * transient unit, and the activation run that switches back when it does not answer.
 */
export { activate } from './activate.js';
export {
  ACTIVATION_STALE_MS,
  activateAgentRelease,
  listAgentReleases,
  MAX_BUNDLE_BYTES,
  stageAgentBundle,
  stageAgentRelease,
} from './releases.js';
