/** After each test file: no connection holder started by its `hms` runs stays (see tests/support/holders.ts). */
import { afterAll } from 'vitest';
import { stopTestHolders } from './holders.js';

afterAll(async () => {
  await stopTestHolders();
});
