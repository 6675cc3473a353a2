import { defineConfig } from 'vitest/config';

// Four projects: plain-Node unit/integration tests, the few that must force a garbage collection
// (`*.gc.test.ts`, run with --expose-gc), React component tests in jsdom, and end-to-end tests that
// drive the production build in headless Chromium.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          exclude: ['test/e2e/**', 'test/**/*.gc.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'gc',
          environment: 'node',
          include: ['test/**/*.gc.test.ts'],
          pool: 'forks',
          execArgv: ['--expose-gc'],
          testTimeout: 30_000,
        },
      },
      {
        esbuild: { jsx: 'automatic' },
        test: {
          name: 'components',
          environment: 'jsdom',
          include: ['test/**/*.test.tsx'],
          setupFiles: ['test/support/dom-setup.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'e2e',
          environment: 'node',
          include: ['test/e2e/**/*.e2e.test.ts'],
          // One production build per run, shared by every e2e file.
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 180_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
