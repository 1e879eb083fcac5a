// Audio through the container's path with AUDIO_VIA_NGINX (the entrypoint's default): the web
// process decides who may hear a track and hands nginx a presigned S3 URL; nginx moves the
// bytes. These prove the bytes are exact, the app's headers stand, nothing leaks to a request
// the app refuses, and the web process did not carry the bytes.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { createDb } from '../../src/db/knex.js';
import type { Db } from '../../src/db/knex.js';
import { cloneDatabase } from '../context.js';
import { Browser, mailDirOf, makeTempDir, objectBehindHandoff, removeDir, request, startStack, tail, VIA_HTTPS, waitFor, writeWav, type Stack } from './harness.js';

let stack: Stack;
let db: Db;
let files: string;
let trackUrl: string;
let trackId: string;
/** What the stream route serves now (the original until the worker's rendition is ready). */
let stored: Buffer;

beforeAll(async () => {
  files = await makeTempDir('soundhub-audio-files-');
  const wav = path.join(files, 'take.wav');
  await writeWav(wav, 3 * 1024 * 1024);
  const databaseUrl = await cloneDatabase();
  db = createDb({ url: databaseUrl });
  // One web process: the one whose written bytes are counted below.
  stack = await startStack({ name: 'audio', databaseUrl, webConcurrency: 1 });
  const author = new Browser(stack.port);
  await author.signUp([mailDirOf(stack)]);
  const res = await author.uploadPost(wav, { title: 'Handed to nginx' });
  expect(res.status, tail(stack.output(), 40)).toBe(303);
  const page = await author.get(res.headers.location!);
  trackUrl = /\/tracks\/[0-9a-f-]{36}\/stream/.exec(page.text())![0];
  trackId = trackUrl.split('/')[2]!;
  // The rendition is what listeners get for good: wait for it, so the bytes stay put.
  await waitFor(async () => (await db('tracks').where({ id: trackId }).first('status'))?.status === 'ready', 120_000, 500);
  stored = await objectBehindHandoff(stack.webPort, trackUrl);
  expect(stored.length).toBeGreaterThan(100_000);
});

afterAll(async () => {
  await db?.destroy();
  stack?.kill();
  if (stack) await removeDir(stack.dir);
  await removeDir(files);
});

const get = (headers: Record<string, string> = {}) => request(stack.port, { path: trackUrl, headers: { ...VIA_HTTPS, ...headers } });

/** Bytes the web process has written to sockets and files so far (/proc/<pid>/io). */
function webWritten(): number {
  const pid = stack.apps().get('web')![0]!;
  return Number(/^wchar: (\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'))![1]);
}

describe('a track through nginx', () => {
  test('a whole GET returns every byte, with the app headers and not S3 headers', async () => {
    const res = await get();
    expect(res.status).toBe(200);
    expect(res.body.equals(stored)).toBe(true);
    expect(res.headers['content-length']).toBe(String(stored.length));
    const row = await db('tracks').where({ id: trackId }).first('stream_type');
    expect(res.headers['content-type']).toBe(row.stream_type);
    expect(res.headers['cache-control']).toBe('private, max-age=3600');
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(res.headers.etag).toBe(`"${trackId}-s"`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['x-accel-redirect']).toBeUndefined();
    expect(Object.keys(res.headers).filter((h) => h.startsWith('x-amz-'))).toEqual([]);
  });

  test('a Range request returns exactly those bytes with 206 and Content-Range', async () => {
    const total = stored.length;
    const middle = Math.floor(total / 2) + 7;
    for (const [range, start, end] of [
      // (Not bytes=0-0: s3rver answers that one with the whole object; S3 does not.)
      ['bytes=0-1', 0, 1],
      [`bytes=${middle}-${middle + 65_535}`, middle, middle + 65_535],
      ['bytes=-1000', total - 1000, total - 1],
      [`bytes=${total - 10}-`, total - 10, total - 1],
      // Longer than the object: the whole of it (RFC 9110 §14.1.2), as when Node answers.
      [`bytes=-${total + 5}`, 0, total - 1],
    ] as const) {
      const res = await get({ Range: range });
      expect(res.status, range).toBe(206);
      expect(res.headers['content-range'], range).toBe(`bytes ${start}-${end}/${total}`);
      expect(res.headers['content-length'], range).toBe(String(end - start + 1));
      expect(res.body.equals(stored.subarray(start, end + 1)), range).toBe(true);
    }
    const past = await get({ Range: `bytes=${total + 10}-` });
    expect(past.status).toBe(416);
    expect(past.headers['content-range']).toBe(`bytes */${total}`);
  });

  test('the listener cookies and Authorization stay out of the S3 request', async () => {
    // A signed URL with another credential beside it would be refused by S3: it still answers.
    const res = await get({ Range: 'bytes=100-199', Cookie: 'soundhub.sid=someone', Authorization: 'Basic c29tZW9uZTpzZWNyZXQ=' });
    expect(res.status).toBe(206);
    expect(res.body.equals(stored.subarray(100, 200))).toBe(true);
  });

  test('the app revalidates with its own ETag: 304, no bytes', async () => {
    const res = await get({ 'If-None-Match': `"${trackId}-s"` });
    expect(res.status).toBe(304);
    expect(res.body).toHaveLength(0);
  });

  test('the web process does not carry the bytes', async () => {
    const before = webWritten();
    for (let i = 0; i < 4; i++) expect((await get()).body.length).toBe(stored.length);
    const written = webWritten() - before;
    // Four whole tracks went out; the web process wrote headers and log lines.
    expect(written, `${written} bytes written by the web process`).toBeLessThan(stored.length / 4);
  });

  test('the bytes nginx sent count towards a play (its report), the mixer fetches do not', async () => {
    const listener = { ...VIA_HTTPS, 'X-Forwarded-For': '203.0.113.77', 'User-Agent': 'audio-stack-listener' };
    const pending = () => db('plays_pending').where({ track_id: trackId }).sum<{ n: string | null }[]>({ n: 'bytes' });
    const bytesBefore = Number((await pending())[0]!.n ?? 0);
    await request(stack.port, { path: trackUrl, headers: { ...listener, 'Sec-Fetch-Dest': 'empty' } });
    await request(stack.port, { path: trackUrl, headers: { ...listener, Range: 'bytes=0-49999' } });
    await waitFor(async () => Number((await pending())[0]!.n ?? 0) >= bytesBefore + 50_000, 10_000);
    // Exactly the range: the mixer's whole fetch added nothing.
    await new Promise((r) => setTimeout(r, 500));
    expect(Number((await pending())[0]!.n ?? 0)).toBe(bytesBefore + 50_000);
  });
});

describe('what the app refuses gets no bytes', () => {
  test('an unknown or deleted track: 404 and no audio', async () => {
    const res = await request(stack.port, { path: '/tracks/00000000-0000-4000-8000-000000000000/stream', headers: { ...VIA_HTTPS, Range: 'bytes=0-' } });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).not.toMatch(/^audio\//);
    expect(res.body.includes(stored.subarray(1000, 1064))).toBe(false);
  });

  test('nginx internal location and the stream report cannot be reached from outside', async () => {
    const target = String((await request(stack.webPort, { path: trackUrl, headers: VIA_HTTPS })).headers['x-accel-redirect']);
    expect(target).toMatch(/^\/_media\//);
    const direct = await request(stack.port, { path: target, headers: VIA_HTTPS });
    // nginx refuses an internal location (404, which its error_page there turns into 502).
    expect([404, 502]).toContain(direct.status);
    expect(direct.body.includes(stored.subarray(1000, 1064))).toBe(false);
    const report = await request(stack.port, { method: 'POST', path: '/tracks/stream-report?report=x&bytes=1', headers: VIA_HTTPS });
    expect(report.status).toBe(404);
  });
});
