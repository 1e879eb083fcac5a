import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createDb, createPgPool } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { startEmbeddedPostgres } from '../embedded.js';
import { beat } from '../jobs/heartbeat-queries.js';
import { createStorage } from '../storage/s3.js';
import { createTestContext, testConfig, type TestContext } from '../../test/context.js';
import { freePort } from '../../test/ports.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('health', () => {
  it('/healthz says the process is up; /readyz that database and bucket answer', async () => {
    const up = await supertest(ctx.app).get('/healthz');
    expect(up.status).toBe(200);
    expect(up.body).toEqual({ status: 'ok' });
    const ready = await supertest(ctx.app).get('/readyz');
    expect(ready.status).toBe(200);
    // No worker runs on this test's database.
    expect(ready.body).toEqual({ status: 'ok', database: 'ok', storage: 'ok', worker: 'missing' });
    expect(up.headers['set-cookie']).toBeUndefined();
  });

  it('/readyz answers 503 when the bucket is missing', async () => {
    const storage = createStorage({ ...ctx.config.s3, bucket: 'no-such-bucket' });
    const app = createApp({ ...ctx, storage });
    const res = await supertest(app).get('/readyz');
    expect(res.status).toBe(503);
    expect(res.body).toMatchObject({ status: 'unavailable', database: 'ok', storage: 'down' });
  });

  it('/readyz answers 503 when the database is stopped, and pages answer 503 without showing the cause', async () => {
    // A PostgreSQL of its own, so stopping it leaves the other test files alone.
    const dir = await mkdtemp(path.join(tmpdir(), 'soundhub-readyz-'));
    const { chmod } = await import('node:fs/promises');
    await chmod(dir, 0o755);
    const port = await freePort();
    const pg = await startEmbeddedPostgres(path.join(dir, 'pg'), port, 'readyz');
    const url = `postgres://soundhub:soundhub-local@127.0.0.1:${port}/readyz`;
    const db = createDb({ url, log: pino({ level: 'silent' }) });
    await migrateLatest(db);
    const pool = createPgPool({ url });
    const config = testConfig({ READYZ_CACHE_SECONDS: '0' }, url);
    const app = createApp({ config, db, pool, storage: ctx.storage, jobs: ctx.jobs, log: pino({ level: 'silent' }) });
    try {
      expect((await supertest(app).get('/readyz')).status).toBe(200);
      await pg.stop();
      const res = await supertest(app).get('/readyz');
      expect(res.status).toBe(503);
      expect(res.body).toMatchObject({ status: 'unavailable', database: 'down', storage: 'ok', worker: 'unknown' });

      const page = await supertest(app).get('/users/someone').set('Accept', 'text/html');
      expect(page.status).toBe(503);
      expect(page.headers['retry-after']).toMatch(/^\d+$/);
      expect(page.text).toContain('briefly unavailable');
      expect(page.text).not.toMatch(/ECONNREFUSED|at .*\.ts:\d+|knex|postgres/i);
    } finally {
      await db.destroy().catch(() => undefined);
      await pool.end().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('/readyz reuses its answer for READYZ_CACHE_SECONDS: a flood of hits makes one S3 call', async () => {
    // Count the requests the bucket really receives.
    const storage = createStorage(ctx.config.s3);
    let s3Calls = 0;
    storage.client.middlewareStack.add((next) => (args) => (s3Calls++, next(args)), { step: 'finalizeRequest' });
    const app = createApp({ ...ctx, storage, config: { ...ctx.config, readyzCacheSeconds: 60 } });
    const answers = await Promise.all(Array.from({ length: 20 }, () => supertest(app).get('/readyz')));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (let i = 0; i < 5; i++) expect((await supertest(app).get('/readyz')).status).toBe(200);
    expect(s3Calls).toBe(1);

    const uncached = createApp({ ...ctx, storage, config: { ...ctx.config, readyzCacheSeconds: 0 } });
    for (let i = 0; i < 3; i++) await supertest(uncached).get('/readyz').expect(200);
    expect(s3Calls).toBe(4);
    storage.client.destroy();
  });

  it("/readyz reports this instance's worker heartbeat, ok or stale, and stays 200 either way", async () => {
    const app = createApp({ ...ctx, config: { ...ctx.config, readyzCacheSeconds: 0 } });
    const worker = { id: randomUUID(), host: hostname(), pid: 4242 };
    try {
      await beat(ctx.db, worker);
      expect((await supertest(app).get('/readyz')).body).toMatchObject({ status: 'ok', worker: 'ok' });
      await ctx.db('worker_heartbeats').where({ id: worker.id }).update({ beat_at: ctx.db.raw(`now() - interval '${3 * ctx.config.workerHeartbeatSeconds + 1} seconds'`) });
      const res = await supertest(app).get('/readyz');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'ok', worker: 'stale' });
    } finally {
      await ctx.db('worker_heartbeats').where({ id: worker.id }).del();
    }
  });
});
