/**
 * maintenance = an app answering 503 with a page while nginx keeps serving everything
 * else: the flag and page the agent writes (a restore's swap, or someone's request), its
 * state, and what an agent stopped mid-restore left.
 */
export { appsInMaintenance, clearLeftMaintenance, inMaintenance, maintenanceOff, maintenanceOn, readMaintenance } from './flag.js';
export { maintenanceState, setMaintenance } from './mode.js';
