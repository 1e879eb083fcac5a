import { request as httpGet } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { createTestContext, type TestContext } from '../context.js';
import { buildPost, buildUser, makeTone, rememberDatabase } from '../factories.js';
import { freePort } from '../ports.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('X-Request-Id', () => {
  let trusting: TestContext;
  let distrusting: TestContext;
  beforeAll(async () => {
    trusting = await createTestContext(); // TRUST_PROXY default: loopback, where supertest connects from
    distrusting = await createTestContext({ TRUST_PROXY: '10.9.8.7' });
  });
  afterAll(async () => {
    await trusting.close();
    await distrusting.close();
  });

  it('is taken from a trusted proxy when it looks like an id, and is a fresh UUID otherwise', async () => {
    const id = (app: TestContext['app'], given: string) => supertest(app).get('/healthz').set('X-Request-Id', given).then((r) => r.headers['x-request-id']);
    expect(await id(trusting.app, 'Root-1a2b3c4d.e5')).toBe('Root-1a2b3c4d.e5');
    expect(await id(trusting.app, 'short')).toMatch(UUID);
    expect(await id(trusting.app, 'has spaces and <html>')).toMatch(UUID);
    expect(await id(trusting.app, 'x'.repeat(65))).toMatch(UUID);
    // Not from a proxy we trust: ignored however good it looks.
    expect(await id(distrusting.app, 'Root-1a2b3c4d.e5')).toMatch(UUID);
    expect((await supertest(trusting.app).get('/healthz')).headers['x-request-id']).toMatch(UUID);
  });
});

describe('time limits', () => {
  // An S3 endpoint that accepts connections and never answers: a hung dependency, for real.
  let blackHole: Server;
  const sockets = new Set<Socket>();
  let ctx: TestContext;
  beforeAll(async () => {
    const port = await freePort();
    blackHole = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => blackHole.listen(port, '127.0.0.1', resolve));
    ctx = await createTestContext({ S3_ENDPOINT: `http://127.0.0.1:${port}` });
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    blackHole.close();
    await ctx.close();
  });

  it('answers a request stuck on its dependency with 503 after the short limit, an upload only after the long one', async () => {
    // Signing up (argon2) may itself take a second on a busy machine: do it on the app with
    // default limits, then use its session on one with a 1 s limit (same database, same secret).
    const user = await buildUser(ctx.app);
    const limited = createApp({ ...ctx, config: { ...ctx.config, requestTimeoutMs: 1000, uploadTimeoutMs: 10_000 } });
    const cookie = await sessionCookie(ctx.app, user.email, user.password);
    const [{ id: ownerId }] = await ctx.db('users').where({ nickname: user.nickname }).select('id');
    const [{ id: trackId }] = await ctx.db('tracks').insert({ owner_id: ownerId, kind: 'author', status: 'processing', original_key: 'tracks/x/original.mp3', original_name: 'x.mp3', original_type: 'audio/mpeg', original_bytes: 10 }).returning('id');

    let started = Date.now();
    const stream = await supertest(limited).get(`/tracks/${trackId}/stream`);
    const streamMs = Date.now() - started;
    expect(stream.status).toBe(503);
    expect(stream.headers['retry-after']).toMatch(/^\d+$/);
    expect(stream.text).toMatch(/took too long/);
    expect(streamMs).toBeGreaterThanOrEqual(900);
    expect(streamMs).toBeLessThan(5000);

    started = Date.now();
    const tracksBefore = Number((await ctx.db('tracks').count({ n: '*' }))[0]!.n);
    const upload = await supertest(limited).post('/posts').set('Cookie', cookie.value).set('X-CSRF-Token', cookie.csrf).field('title', 'Slow storage').field('genre', 'rock').field('instrument', 'guitar').attach('audio', await makeTone({ seconds: 1 }), 'take.mp3');
    const uploadMs = Date.now() - started;
    expect(upload.status).toBe(503);
    expect(uploadMs).toBeGreaterThanOrEqual(9000);
    expect(Number((await ctx.db('tracks').count({ n: '*' }))[0]!.n)).toBe(tracksBefore);
  }, 30_000);
});

describe('a listener who leaves mid-stream', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await createTestContext();
  });
  afterAll(() => ctx.close());

  it('is logged at debug, with no error line', async () => {
    const lines: Array<{ level: number; msg: string }> = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    });
    const app = rememberDatabase(createApp({ ...ctx, log: pino({ level: 'debug' }, sink) }), ctx.db);
    const user = await buildUser(app);
    const { id } = await buildPost(user, { title: 'Long take' }, { buffer: await makeTone({ seconds: 60, format: 'wav' }), name: 'long.wav' });
    const trackId = (await ctx.db('posts').where({ id }).first()).author_track_id;

    const server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve, reject) => {
      const req = httpGet({ host: '127.0.0.1', port, path: `/tracks/${trackId}/stream` }, (res) => {
        res.once('data', () => {
          req.destroy(); // the tab closed after the first bytes
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? undefined : reject(err)));
      req.end();
    });
    // Give the app a moment to notice the closed socket and log it.
    await new Promise((r) => setTimeout(r, 1000));
    server.close();

    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    const aborted = lines.find((l) => l.msg === 'request aborted');
    expect(aborted?.level).toBe(20);
  });
});

/** A signed-in session cookie and its CSRF token, for requests to another app instance. */
async function sessionCookie(app: TestContext['app'], email: string, password: string): Promise<{ value: string; csrf: string }> {
  const form = await supertest(app).get('/login');
  const first = form.headers['set-cookie']![0]!.split(';')[0]!;
  const token = /name="csrf-token" content="([^"]+)"/.exec(form.text)![1]!;
  const login = await supertest(app).post('/login').set('Cookie', first).type('form').send({ email, password, _csrf: token });
  expect(login.status).toBe(303);
  const value = login.headers['set-cookie']![0]!.split(';')[0]!;
  const home = await supertest(app).get('/').set('Cookie', value);
  return { value, csrf: /name="csrf-token" content="([^"]+)"/.exec(home.text)![1]! };
}
