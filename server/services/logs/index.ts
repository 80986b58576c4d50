/**
 * logs = the logs the agent may show (units' journals and allow-listed files): read,
 * searched and followed, each at a cost bounded by construction.
 */
export { planFollow } from './follow.js';
export { streamFollow } from './follow-sse.js';
export { readLog } from './logs.js';
export { credentialOf, searchSlots } from './search-limits.js';
export { appNginxLogs, listLogSources } from './sources.js';
