/** metrics = one snapshot of the host for /api/metrics: /proc counters, disks, units' memory, nginx traffic. */
export { collectMetrics } from './metrics.js';
export { CpuSampler } from './proc.js';
