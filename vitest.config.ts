import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { HMS_VERSION: JSON.stringify(process.env.npm_package_version ?? '0.0.0-test') },
  test: {
    include: ['tests/**/*.test.{ts,tsx}'],
    exclude: ['tests/bench/**', 'node_modules/**'],
    globalSetup: ['tests/support/build-setup.ts', 'tests/support/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 240_000,
    coverage: {
      provider: 'v8',
      include: ['src/**', 'server/**', 'tui/**'],
      reporter: ['text-summary', 'text'],
    },
  },
});
