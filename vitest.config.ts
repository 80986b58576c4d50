import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { HMS_VERSION: JSON.stringify(process.env.npm_package_version ?? '0.0.0-test') },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    globalSetup: ['tests/support/build-setup.ts', 'tests/support/global-setup.ts'],
    // Stops the connection holders the built hms started in each file (tests/support/holders.ts).
    setupFiles: ['tests/support/holder-cleanup.ts'],
    // End-to-end steps (a deploy, a provisioning step) take longer than unit tests;
    // files with slower steps set their own limit.
    testTimeout: 120_000,
    // Two files at a time on a 2-core machine (vitest's default there is one): the end-to-end files spend
    // most of their time waiting on their own test servers (boots, deploys, timers), and each file has
    // servers, ports and folders of its own (tests/support/test-server-registry.ts reserves them). Three
    // at a time loaded the machine enough to stretch a rollback past its 10 s bound.
    maxWorkers: 2,
    hookTimeout: 240_000,
    coverage: {
      provider: 'v8',
      include: ['src/**', 'server/**', 'tui/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});
