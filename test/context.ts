import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { pino } from 'pino';
import { inject } from 'vitest';
import { createApp } from '../src/app.js';
import { loadConfig, type Config } from '../src/config.js';
import { createDb, createPgPool } from '../src/db/knex.js';
import type { Deps } from '../src/deps.js';
import { createStorage } from '../src/storage/s3.js';

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
        if (attempt > 20) throw err;
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  } finally {
    await admin.end();
  }
  return `${inject('pgAdminUrl')}/${name}`;
}

/** The config a test process would get from its environment, pointing at the test services. */
export function testConfig(overrides: Record<string, string> = {}, databaseUrl = ''): Readonly<Config> {
  return loadConfig({
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
    ...overrides,
  });
}

export interface TestContext extends Deps {
  app: ReturnType<typeof createApp>;
  close(): Promise<void>;
}

/** The real app on a database of its own, the shared s3rver bucket and real ffmpeg. */
export async function createTestContext(overrides: Record<string, string> = {}): Promise<TestContext> {
  const url = await cloneDatabase();
  const config = testConfig(overrides, url);
  const db = createDb({ url });
  const pool = createPgPool({ url });
  const storage = createStorage(config.s3);
  const log = pino({ level: config.logLevel });
  const deps: Deps = { config, db, pool, storage, log };
  return {
    ...deps,
    app: createApp(deps),
    async close() {
      await db.destroy();
      await pool.end();
      storage.client.destroy();
    },
  };
}
