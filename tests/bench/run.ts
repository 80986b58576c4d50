/**
 * `npm run bench`: every benchmark against a named baseline in the same run,
 * printed as ratios. Needs what the e2e suites need (root, systemd-nspawn).
 */
import { startTestServer, testServerSupport } from '../support/test-server.js';
import { benchSsh } from './ssh.bench.js';

async function main(): Promise<void> {
  const support = testServerSupport();
  if (!support.ok) {
    console.error(`bench: cannot start a test server: ${support.reason}`);
    process.exitCode = 1;
    return;
  }
  const server = await startTestServer();
  try {
    console.log(`\n== SSH (test server ${server.name}, boot to ssh ${server.timings.bootToSshMs} ms)`);
    for (const line of await benchSsh(server)) console.log(line);
  } finally {
    await server.stop();
  }
}

await main();
