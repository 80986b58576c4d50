/** metrics = one snapshot of the host for /api/metrics: /proc counters, disks, units' memory, nginx traffic. */
export { collectMetrics } from './metrics.js';
export { CpuSampler, parseMeminfo } from './proc.js';
// The incidents watcher reads the same facts: disks, and an app's 5xx share over a window.
export { diskUsage } from './disks.js';
export { requestsPerMinute } from './nginx.js';
