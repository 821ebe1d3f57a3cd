import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Unit tests import the protocol from source so they run without a build; the end-to-end
// tests in test/ use the built packages (npm test builds first), as a user would.
const protocol = fileURLToPath(new URL('./packages/protocol/src/index.ts', import.meta.url));

export default defineConfig({
  resolve: { alias: { '@cairn/protocol': protocol } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'protocol',
          include: ['packages/protocol/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'browser',
          include: ['packages/browser/src/**/*.test.ts'],
          environment: 'happy-dom',
          setupFiles: ['fake-indexeddb/auto'],
        },
      },
      {
        extends: true,
        test: {
          // The console's pure parts (the builders' models); its pages are tested in Chromium (test/console-*.test.ts).
          name: 'console',
          include: ['packages/console/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'collector',
          include: ['packages/collector/src/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Real Chromium and collector processes: one file at a time on a 2-core machine.
          fileParallelism: false,
        },
      },
    ],
  },
});
