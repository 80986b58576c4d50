/**
 * deploys = an app's releases: a deploy or rollback under the deploy lock, gated on
 * health and streamed as it runs, and the lock taken by hand.
 */
export { deployEnvironment, unitEnvironments } from './env.js';
export { prepareDeploy, type PreparedDeploy } from './deploy.js';
export { acquireLock, type HeldLock, readLock } from './lock.js';
export { lockApp, lockStatus, unlockApp } from './manual-lock.js';
export { appLayout, listReleases, rollbackTarget } from './releases.js';
export { rollbackApp, rollbackWarnings, type RollbackOptions } from './rollback.js';
export { collectDeploy, HEARTBEAT_MS, outputBudget, runSafely, streamDeploy } from './stream.js';
