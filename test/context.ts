import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createApp } from '../src/app.js';
import { asRuntimeConfig, loadConfig, type RuntimeConfig } from '../src/config.js';
import { createDb, createPgPool } from '../src/db/knex.js';
import type { Deps } from '../src/deps.js';
import { startQueue } from '../src/jobs/queue.js';
import { createStorage } from '../src/storage/s3.js';
import { startWorker } from '../src/worker-runtime.js';

export const TEMPLATE_DB = 'soundhub_template';

/** A fresh database cloned from the migrated template, for one test file. */
export async function cloneDatabase(): Promise<string> {
  const name = `test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: `${inject('pgAdminUrl')}/postgres` });
  await admin.connect();
  try {
    // The template must have no open connections while cloning; retry briefly if it does.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(`create database "${name}" template "${TEMPLATE_DB}"`);
        break;
      } catch (err) {
        if (attempt > 50) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return `${inject('pgAdminUrl')}/${name}`;
}

/** The config a process would get from its environment, pointing at the test services. */
export function testConfig(overrides: Record<string, string> = {}, databaseUrl = ''): Readonly<RuntimeConfig> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: databaseUrl,
    S3_BUCKET: inject('s3Bucket'),
    S3_ENDPOINT: inject('s3Endpoint'),
    S3_ACCESS_KEY_ID: 'S3RVER',
    S3_SECRET_ACCESS_KEY: 'S3RVER',
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    FFMPEG_PATH: process.env.FFMPEG_PATH ?? '',
    FFPROBE_PATH: process.env.FFPROBE_PATH ?? '',
    JOB_RETRY_DELAY_SECONDS: '1',
    JOB_MAINTENANCE_SECONDS: '2',
    ...overrides,
  });
  const resolved = asRuntimeConfig(config);
  if (!resolved) throw new Error('test config needs a database URL (cloneDatabase()) and the test bucket');
  return resolved;
}

export interface TestContext extends Deps {
  app: ReturnType<typeof createApp>;
  /** Starts a worker on this context's database (stopped by close()). */
  startWorker(): Promise<{ stop(): Promise<void> }>;
  close(): Promise<void>;
}

/** The real app on a database of its own, the shared s3rver bucket and real ffmpeg. */
export async function createTestContext(overrides: Record<string, string> = {}, { worker = false } = {}): Promise<TestContext> {
  const url = await cloneDatabase();
  const config = testConfig(overrides, url);
  const db = createDb({ url });
  const pool = createPgPool({ url });
  const storage = createStorage(config.s3);
  const log = pino({ level: config.logLevel });
  const queue = await startQueue(config, { supervise: false, log });
  const deps: Deps = { config, db, pool, storage, log, jobs: queue.jobs };
  const workers: Array<{ stop(): Promise<void> }> = [];
  const ctx: TestContext = {
    ...deps,
    app: createApp(deps),
    async startWorker() {
      const w = await startWorker(deps);
      workers.push(w);
      return w;
    },
    async close() {
      await Promise.allSettled(workers.map((w) => w.stop()));
      await queue.stop();
      await db.destroy();
      await pool.end();
      storage.client.destroy();
    },
  };
  if (worker) await ctx.startWorker();
  return ctx;
}

/** Polls `check` until it returns a value (not undefined/false) or the time runs out. */
export async function eventually<T>(check: () => Promise<T | undefined | false | null>, { timeoutMs = 60_000, everyMs = 250, what = 'condition' } = {}): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
