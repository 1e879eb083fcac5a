import { mkdtemp, rm } from 'node:fs/promises';
import { chmod } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createDb, createPgPool, type Db } from '../../src/db/knex.js';
import type { Deps } from '../../src/deps.js';
import { migrateLatest } from '../../src/db/migrate.js';
import { startEmbeddedPostgres, startLocalS3 } from '../../src/embedded.js';
import { startQueue, type Queue } from '../../src/jobs/queue.js';
import { createStorage } from '../../src/storage/s3.js';
import { testConfig } from '../context.js';
import { buildPost, buildUser, rememberDatabase, makeTone, type SignedIn } from '../factories.js';
import { freePort } from '../ports.js';

/**
 * Outages, injected for real: this file runs its own PostgreSQL and s3rver (the shared ones
 * serve every other file in parallel) and stops and restarts them under a running app.
 */
const BUCKET = 'outage-test';
let dir: string;
let pg: Awaited<ReturnType<typeof startEmbeddedPostgres>>;
let s3: Awaited<ReturnType<typeof startLocalS3>>;
let s3Port: number;
let db: Db;
let queue: Queue;
let deps: Deps;
let app: ReturnType<typeof createApp>;
let user: SignedIn;
let postId: number;
let trackId: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'soundhub-outage-'));
  await chmod(dir, 0o755); // the postgres user (when running as root) must reach it
  const pgPort = await freePort();
  s3Port = await freePort();
  pg = await startEmbeddedPostgres(path.join(dir, 'pg'), pgPort, 'soundhub');
  s3 = await startLocalS3(path.join(dir, 's3'), s3Port, BUCKET);
  const url = `postgres://soundhub:soundhub-local@127.0.0.1:${pgPort}/soundhub`;
  const config = testConfig({ S3_BUCKET: BUCKET, S3_ENDPOINT: `http://127.0.0.1:${s3Port}` }, url);
  db = createDb({ url, log: pino({ level: 'silent' }) });
  await migrateLatest(db);
  queue = await startQueue(config, { supervise: false, log: pino({ level: 'silent' }) });
  deps = { config, db, pool: createPgPool({ url }), storage: createStorage(config.s3), log: pino({ level: config.logLevel }), jobs: queue.jobs };
  app = rememberDatabase(createApp(deps), db);
  user = await buildUser(app);
  postId = (await buildPost(user, { title: 'Survives outages' })).id;
  trackId = (await db('posts').where({ id: postId }).first()).author_track_id;
}, 180_000);

afterAll(async () => {
  await queue?.stop().catch(() => undefined);
  await db?.destroy();
  await deps?.pool.end();
  deps?.storage.client.destroy();
  await s3?.close().catch(() => undefined);
  await pg?.stop().catch(() => undefined);
  await rm(dir, { recursive: true, force: true });
});

async function storedKeys(): Promise<string[]> {
  const page = await deps.storage.client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}
const trackCount = async () => Number((await db('tracks').count({ n: '*' }))[0]!.n);

const upload = async (title: string) =>
  user.agent.post('/posts').set('X-CSRF-Token', user.csrf).field('title', title).field('genre', 'rock').field('instrument', 'guitar').attach('audio', await makeTone({ seconds: 2 }), 'take.mp3');

function expectBrieflyUnavailable(res: supertest.Response) {
  expect(res.status).toBe(503);
  expect(res.headers['retry-after']).toMatch(/^\d+$/);
  if (res.type === 'application/json') expect(res.body.error.code).toBe('unavailable');
  else expect(res.text).toMatch(/briefly unavailable/);
}

describe('PostgreSQL stopped', () => {
  it('pages, JSON, the session store and uploads answer 503 with Retry-After; nothing is kept; all recovers when it returns', async () => {
    const keysBefore = await storedKeys();
    const tracksBefore = await trackCount();
    await pg.stop();
    try {
      expectBrieflyUnavailable(await supertest(app).get('/')); // a visitor: no session, the feed query fails
      expectBrieflyUnavailable(await user.agent.get('/')); // signed in: the session store (connect-pg-simple) fails first
      expectBrieflyUnavailable(await supertest(app).get(`/posts/${postId}`).set('Accept', 'application/json'));
      expectBrieflyUnavailable(await supertest(app).get(`/tracks/${trackId}/stream`));
      expectBrieflyUnavailable(await upload('During a database outage'));
      expect((await supertest(app).get('/readyz')).status).toBe(503);
    } finally {
      await pg.start();
    }
    // The same app, not restarted: the pools reconnect on their next use.
    expect((await supertest(app).get('/')).status).toBe(200);
    const page = await user.agent.get(`/posts/${postId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(user.nickname); // still signed in: the session row survived
    expect(await storedKeys()).toEqual(keysBefore);
    expect(await trackCount()).toBe(tracksBefore);
    const after = await upload('After the database came back');
    expect(after.status).toBe(303);
  });
});

describe('S3 endpoint down', () => {
  it('uploads and streams answer 503, leave no row or object, and work again once it returns', async () => {
    const keysBefore = await storedKeys();
    const tracksBefore = await trackCount();
    await s3.close();
    try {
      expectBrieflyUnavailable(await upload('During a storage outage'));
      expectBrieflyUnavailable(await supertest(app).get(`/tracks/${trackId}/stream`));
      expectBrieflyUnavailable(await supertest(app).get(`/tracks/${trackId}/download`).set('Accept', 'application/json'));
      expect(await trackCount()).toBe(tracksBefore);
    } finally {
      s3 = await startLocalS3(path.join(dir, 's3'), s3Port, BUCKET);
    }
    expect(await storedKeys()).toEqual(keysBefore);
    const stream = await supertest(app).get(`/tracks/${trackId}/stream`);
    expect(stream.status).toBe(200);
    const after = await upload('After storage came back');
    expect(after.status).toBe(303);
    expect(await trackCount()).toBe(tracksBefore + 1);
  });
});
