import { defineConfig } from 'vitest/config';

// Three suites: `app` is `npm test` (needs only Node and npm); `browser` needs Debian's
// Chromium; `stack` needs Debian's nginx and drives the container's process tree.
export default defineConfig({
  test: {
    // Test files of `app` run two at a time: each has its own database and checks only its own
    // rows and objects, and most of a test's time is spent waiting on ffmpeg, PostgreSQL or S3.
    // Set here rather than in the project, where it would win over `--maxWorkers` on the
    // command line. The other suites run their files one by one (fileParallelism: false).
    maxWorkers: 2,
    projects: [
      {
        test: {
          name: 'app',
          include: ['src/**/*.test.ts', 'test/app/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          fileParallelism: true,
          // Generous: ffmpeg work runs several times slower on a busy shared machine (measured:
          // a 3 s mixdown 54 s, a 3 s track's processing over 100 s at load 23 on 2 cores).
          // eventually() (test/context.ts) gives up 3 s before this, with its own message.
          testTimeout: 120_000,
          hookTimeout: 240_000,
        },
      },
      {
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        test: {
          name: 'stack',
          include: ['test/stack/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
