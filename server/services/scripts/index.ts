/**
 * scripts = the troubleshooting scripts in scriptsDir: listed, described, and run on
 * request with checked arguments, streamed and audited.
 */
export { checkScriptArguments } from './args.js';
export { describeScript } from './describe.js';
export { findScript, runScript } from './run.js';
export { listScripts, type ScriptFile } from './scripts.js';
export { type RunOutput, streamRun, streamScriptRun } from './stream.js';
