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
    hookTimeout: 240_000,
    coverage: {
      provider: 'v8',
      include: ['src/**', 'server/**', 'tui/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});
