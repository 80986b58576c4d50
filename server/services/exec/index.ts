/** exec = one command run in an app's current release with its environment, as the deploy user, streamed and audited. */
export { execInApp, prepareExec } from './run.js';
