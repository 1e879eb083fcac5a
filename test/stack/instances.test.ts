// Several instances: two copies of the container's process tree (own ports, own pm2) behind
// one more nginx, as the load balancer would have them, sharing one PostgreSQL database and
// one bucket. Nothing a request needs may live in one instance.
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { cloneDatabase } from '../context.js';
import {
  Browser,
  mailDirOf,
  makeTempDir,
  readText,
  removeDir,
  request,
  startBalancer,
  startStack,
  tail,
  VIA_HTTPS,
  waitFor,
  writeWav,
  type Stack,
} from './harness.js';

let a: Stack;
let b: Stack;
let balancer: Awaited<ReturnType<typeof startBalancer>>;
let files: string;
let wav: string;

beforeAll(async () => {
  files = await makeTempDir('soundhub-instances-files-');
  wav = path.join(files, 'take.wav');
  await writeWav(wav, 3 * 1024 * 1024);
  const databaseUrl = await cloneDatabase();
  // Started together, as an Auto Scaling group would: both entrypoints migrate at once.
  [a, b] = await Promise.all([
    startStack({ name: 'a', databaseUrl, webConcurrency: 1 }),
    startStack({ name: 'b', databaseUrl, webConcurrency: 1 }),
  ]);
  balancer = await startBalancer([a.port, b.port]);
});

afterAll(async () => {
  await balancer?.stop();
  for (const s of [a, b]) {
    s?.kill();
    if (s) await removeDir(s.dir);
  }
  await removeDir(files);
});

const log = (s: Stack) => `--- ${s.name} ---\n${tail(s.output(), 30)}`;

test('the load balancer spreads requests over both instances, and each answers', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 8; i++) statuses.push((await request(balancer.port, { path: `/?n=${i}`, headers: VIA_HTTPS })).status);
  expect(statuses.every((s) => s === 200), statuses.join(',')).toBe(true);
  // Round robin: each instance's nginx logged some of them (its log is flushed every 5 s).
  await waitFor(async () => (await readText(a.accessLog)).includes('"uri":"/?n=') && (await readText(b.accessLog)).includes('"uri":"/?n='), 15_000);
});

test('signed in through one instance, upload through the other, stream from the first', async () => {
  const viaA = new Browser(a.port);
  await viaA.signUp([mailDirOf(a), mailDirOf(b)]);
  // Same cookie, other instance: the session is in PostgreSQL, so B knows who this is.
  const viaB = viaA.via(b.port);
  const form = await viaB.get('/posts/new');
  expect(form.status, log(b)).toBe(200);
  const res = await viaB.uploadPost(wav, { title: 'Made on B' });
  expect(res.status, `${res.text().slice(-800)}\n${log(b)}`).toBe(303);
  const postPath = res.headers.location!;

  const page = await viaA.get(postPath);
  expect(page.status, log(a)).toBe(200);
  expect(page.text()).toContain('Made on B');
  const stream = /\/tracks\/[0-9a-f-]{36}\/stream/.exec(page.text())![0];
  const range = await viaA.get(stream, { Range: 'bytes=100-1123' });
  expect(range.status).toBe(206);
  const total = Number(/\/(\d+)$/.exec(String(range.headers['content-range']))![1]);
  if (total === readFileSync(wav).length) expect(range.body.equals(readFileSync(wav).subarray(100, 1124))).toBe(true);
  else expect(range.body).toHaveLength(1024); // the worker's rendition by now

  // Instance B goes away (scale-in): A still has everything, the session included.
  const stopped = await b.stop();
  expect(stopped).toMatchObject({ code: 0 });
  expect((await viaA.get(postPath)).status).toBe(200);
  expect((await viaA.get(stream, { Range: 'bytes=0-1023' })).status).toBe(206);
  expect((await viaA.get('/posts/new')).status).toBe(200); // still signed in
});

