import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import pg from 'pg';
import { pino } from 'pino';
import { inject, TestRunner } from 'vitest';
import { createApp } from '../src/app.js';
import { asRuntimeConfig, loadConfig, type RuntimeConfig } from '../src/config.js';
import { createDb, createPgPool } from '../src/db/knex.js';
import type { Deps } from '../src/deps.js';
import { startQueue } from '../src/jobs/queue.js';
import { createStorage, type Storage } from '../src/storage/s3.js';
import { startWorker } from '../src/worker-runtime.js';
import { rememberDatabase } from './factories.js';

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
    // The outbox (the default transport) writes outside the checkout; mail tests start their own SMTP server.
    MAIL_OUTBOX_DIR: path.join(tmpdir(), 'soundhub-test-outbox'),
    JOB_RETRY_DELAY_SECONDS: '1',
    JOB_MAINTENANCE_SECONDS: '2',
    // Every test musician signs up from loopback; the limit's own test sets a small one.
    SIGNUPS_PER_ADDRESS: '100000',
    // Tests look at one viewer's change from another's view at once; the shared reads have their own test.
    SHARED_READ_SECONDS: '0',
    ...overrides,
  });
  const resolved = asRuntimeConfig(config);
  if (!resolved) throw new Error('test config needs a database URL (cloneDatabase()) and the test bucket');
  return resolved;
}

export interface TestContext extends Deps {
  app: ReturnType<typeof createApp>;
  /**
   * Every object key this context's S3 client has written (PutObject, multipart starts), in
   * order: what the app and its in-process workers wrote, never another test file's objects.
   * Read it through `watchWrites` (test/objects.ts).
   */
  writtenKeys: readonly string[];
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
  const writtenKeys = recordWrites(storage);
  const log = pino({ level: config.logLevel });
  const queue = await startQueue(config, { supervise: false, log });
  const deps: Deps = { config, db, pool, storage, log, jobs: queue.jobs };
  const workers: Array<{ stop(): Promise<void> }> = [];
  const ctx: TestContext = {
    ...deps,
    app: rememberDatabase(createApp(deps), db),
    writtenKeys,
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

/**
 * Records the key of every write sent through this client. The client is the real one the
 * app uses; the recorder only looks at the command on its way out.
 */
function recordWrites(storage: Storage): string[] {
  const keys: string[] = [];
  storage.client.middlewareStack.add(
    (next, context) => async (args) => {
      const key = (args.input as { Key?: unknown }).Key;
      if (typeof key === 'string' && WRITE_COMMANDS.has(context.commandName ?? '')) keys.push(key);
      return next(args);
    },
    { step: 'initialize', name: 'testRecordWrites' },
  );
  return keys;
}
const WRITE_COMMANDS = new Set(['PutObjectCommand', 'CreateMultipartUploadCommand', 'CopyObjectCommand']);

/** Outside a test (in a hook, whose deadline it cannot see) `eventually` waits this long unless told otherwise. */
const HOOK_WAIT_MS = 90_000;
/** Time left for the test to fail with eventually's message rather than vitest's timeout. */
const MARGIN_MS = 3_000;

/**
 * Polls `check` until `until(value)` holds (by default: the value is truthy) and returns
 * that value. Gives up before the running test's own timeout, with an error naming `what`
 * it waited for and the last value it saw, so a slow or stuck wait never ends as a bare
 * "Test timed out". `timeoutMs` can only shorten that budget.
 */
export async function eventually<V>(
  check: () => Promise<V>,
  { timeoutMs, everyMs = 250, what = 'condition', until = (value: V) => Boolean(value) }: {
    timeoutMs?: number;
    everyMs?: number;
    what?: string;
    until?: (value: V) => boolean;
  } = {},
): Promise<Exclude<V, undefined | null | false>> {
  const started = Date.now();
  const budget = Math.max(0, Math.min(timeoutMs ?? Infinity, timeLeftInTest() - MARGIN_MS));
  const deadline = started + budget;
  for (;;) {
    const value = await check();
    if (until(value)) return value as Exclude<V, undefined | null | false>;
    if (Date.now() >= deadline) {
      throw new Error(`gave up after ${((Date.now() - started) / 1000).toFixed(1)} s waiting for ${what}; last value: ${inspect(value, { depth: 3, breakLength: Infinity })}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(everyMs, Math.max(0, deadline - Date.now()))));
  }
}

/** Milliseconds until the running test times out; HOOK_WAIT_MS in a hook. */
function timeLeftInTest(): number {
  const test = TestRunner.getCurrentTest();
  const startedAt = test?.result?.startTime;
  if (!test || !startedAt || !test.timeout) return HOOK_WAIT_MS + MARGIN_MS;
  return startedAt + test.timeout - Date.now();
}
