import { randomBytes } from 'node:crypto';
import { CreateBucketCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { buildPost, buildUser, csrfFrom, makeTone, type SignedIn } from '../factories.js';

/**
 * Each case of "bad input never gets a 500". This file has a bucket of its own, so "nothing
 * stored" can list it whole without seeing other files' objects.
 */
let ctx: TestContext;
let user: SignedIn;
let postId: number;
const bucket = `bad-input-${randomBytes(4).toString('hex')}`;

beforeAll(async () => {
  const s3 = new S3Client({ region: 'us-east-1', endpoint: inject('s3Endpoint'), forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  s3.destroy();
  ctx = await createTestContext({ S3_BUCKET: bucket });
  user = await buildUser(ctx.app);
  postId = (await buildPost(user, { title: 'Bad input target' })).id;
});
afterAll(() => ctx.close());

async function storedKeys(): Promise<string[]> {
  const page = await ctx.storage.client.send(new ListObjectsV2Command({ Bucket: bucket }));
  return (page.Contents ?? []).map((o) => o.Key!).sort();
}
const trackCount = async () => Number((await ctx.db('tracks').count({ n: '*' }))[0]!.n);

/** Runs `send` and checks it changed neither the bucket nor the tracks table. */
async function leavesNothing<T>(send: () => Promise<T>): Promise<T> {
  const [keysBefore, tracksBefore] = [await storedKeys(), await trackCount()];
  const result = await send();
  expect(await storedKeys()).toEqual(keysBefore);
  expect(await trackCount()).toBe(tracksBefore);
  return result;
}

function multipart(boundary: string, parts: Array<{ name: string; value: string | Buffer; filename?: string }>, { close = true } = {}): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    const disposition = `form-data; name="${part.name}"${part.filename !== undefined ? `; filename="${part.filename}"` : ''}`;
    const type = part.filename !== undefined ? 'Content-Type: audio/mpeg\r\n' : '';
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\n${type}\r\n`), Buffer.from(part.value), Buffer.from('\r\n'));
  }
  if (close) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const postForm = (tone: Buffer) => [
  { name: 'title', value: 'Broken form' },
  { name: 'genre', value: 'rock' },
  { name: 'instrument', value: 'guitar' },
  { name: 'audio', value: tone, filename: 'take.mp3' },
];

describe('broken multipart bodies', () => {
  it('answer 400 without a boundary, with a boundary the body never uses, and without the closing boundary; nothing is stored', async () => {
    const tone = await makeTone({ seconds: 2 });
    const send = (contentType: string, body: Buffer) => user.agent.post('/posts').set('X-CSRF-Token', user.csrf).set('Content-Type', contentType).send(body);

    const noBoundary = await leavesNothing(() => send('multipart/form-data', multipart('abc123', postForm(tone))));
    expect(noBoundary.status).toBe(400);
    expect(noBoundary.text).toMatch(/boundary not found/i);

    const otherBoundary = await leavesNothing(() => send('multipart/form-data; boundary=not-this-one', multipart('abc123', postForm(tone))));
    expect(otherBoundary.status).toBe(400);
    expect(otherBoundary.text).toMatch(/not a complete multipart form/i);

    const cutOff = await leavesNothing(() => send('multipart/form-data; boundary=abc123', multipart('abc123', postForm(tone), { close: false })));
    expect(cutOff.status).toBe(400);
    expect(cutOff.text).toMatch(/not a complete multipart form/i);
  });
});

describe('NUL characters', () => {
  it('in a song form field (title, description, genre) answer 400 and store nothing', async () => {
    const tone = await makeTone({ seconds: 2 });
    for (const field of ['title', 'description', 'genre']) {
      const fields: Record<string, string> = { title: 'Fine title', description: 'fine', genre: 'rock', instrument: 'guitar', [field]: 'bad\u0000value' };
      const res = await leavesNothing(async () => {
        const req = user.agent.post('/posts').set('X-CSRF-Token', user.csrf).set('Accept', 'application/json');
        for (const [k, v] of Object.entries(fields)) req.field(k, v);
        return req.attach('audio', tone, 'take.mp3');
      });
      expect(res.status, field).toBe(400);
      expect(res.body.error.message).toContain(`"${field}"`);
    }
  });

  it('in a contribution note answer 400 and store nothing', async () => {
    const other = await buildUser(ctx.app);
    const res = await leavesNothing(() =>
      other.agent.post(`/posts/${postId}/contributions`).set('X-CSRF-Token', other.csrf).field('instrument', 'bass').field('note', 'a\u0000b').attach('audio', Buffer.from('x'), 'part.mp3'),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('field &#34;note&#34; contains a NUL');
  });

  it('in sign-up and log-in fields (nickname, email) answer 400', async () => {
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent);
    const before = Number((await ctx.db('users').count({ n: '*' }))[0]!.n);
    const signup = await agent.post('/signup').type('form').send({ _csrf: csrf, email: 'nul@example.test', nickname: 'nul\u0000name', password: 'correct horse battery' });
    expect(signup.status).toBe(400);
    expect(signup.text).toContain('field &#34;nickname&#34; contains a NUL');
    const email = await agent.post('/signup').type('form').send({ _csrf: csrf, email: 'nul\u0000@example.test', nickname: 'nulname', password: 'correct horse battery' });
    expect(email.status).toBe(400);
    const login = await agent.post('/login').type('form').send({ _csrf: csrf, email: 'a\u0000@example.test', password: 'whatever' });
    expect(login.status).toBe(400);
    const json = await agent.post('/login').set('X-CSRF-Token', csrf).send({ email: 'x@example.test', password: 'p\u0000' });
    expect(json.status).toBe(400);
    expect(Number((await ctx.db('users').count({ n: '*' }))[0]!.n)).toBe(before);
  });

  it('in a query string answer 400, in a path segment (genre, instrument, nickname) 404', async () => {
    expect((await supertest(ctx.app).get('/?before=%00')).status).toBe(400);
    for (const url of ['/genres/%00', '/instruments/%00', '/users/%00', '/users/a%00b', '/posts/1%00']) {
      expect((await supertest(ctx.app).get(url)).status, url).toBe(404);
    }
  });
});

describe('file names', () => {
  it('with a NUL or another C0 control in the part header answer 400 (busboy refuses the header), storing nothing', async () => {
    const tone = await makeTone({ seconds: 2 });
    for (const name of ['take\u0000.mp3', 'take\u0007.mp3']) {
      const body = multipart('b0undary', [...postForm(tone).slice(0, 3), { name: 'audio', value: tone, filename: name }]);
      const res = await leavesNothing(() => user.agent.post('/posts').set('X-CSRF-Token', user.csrf).set('Content-Type', 'multipart/form-data; boundary=b0undary').send(body));
      expect(res.status).toBe(400);
    }
  });

  it('lose bidi controls (U+202E) and other control characters before they are stored or sent in Content-Disposition', async () => {
    const tone = await makeTone({ seconds: 2 });
    const { id } = await buildPost(user, { title: 'Named badly' }, { buffer: tone, name: 'x\u202Eexe\u0085\u200F.mp3' });
    const post = await ctx.db('posts').where({ id }).first();
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
    expect(track.original_name).toBe('xexe.mp3');

    // A row stored before names were cleaned is cleaned on the way out too.
    await ctx.db('tracks').where({ id: track.id }).update({ original_name: 'y\u202Egpj\u0001\u2066.mp3' });
    const download = await supertest(ctx.app).get(`/tracks/${track.id}/download`);
    expect(download.status).toBe(200);
    expect(download.headers['content-disposition']).toBe('attachment; filename=ygpj.mp3');
  });
});

describe('truncated audio', () => {
  const cut = (file: Buffer, fraction: number) => file.subarray(0, Math.round(file.length * fraction));

  it('an MP3 or FLAC cut short is stored with the duration it really plays, not the one its header claims', async () => {
    for (const format of ['mp3', 'flac']) {
      const full = await makeTone({ seconds: 3, format });
      const { id } = await buildPost(user, { title: `Cut ${format}` }, { buffer: cut(full, 0.5), name: `cut.${format}` });
      const post = await ctx.db('posts').where({ id }).first();
      const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
      // Half the bytes hold about half the sound (the header says 3 s).
      expect(track.duration_ms, format).toBeGreaterThan(1200);
      expect(track.duration_ms, format).toBeLessThan(1800);
      const page = await supertest(ctx.app).get(`/posts/${id}`);
      expect(page.text).toContain('0:01');
      expect(page.text).not.toContain('0:03');
    }
  });

  it('refuses less than a second of real sound with 422 and a clear message, storing nothing', async () => {
    const full = await makeTone({ seconds: 3 });
    const res = await leavesNothing(() =>
      user.agent.post('/posts').set('X-CSRF-Token', user.csrf).field('title', 'Too short').field('genre', 'rock').field('instrument', 'guitar').attach('audio', cut(full, 0.2), 'short.mp3'),
    );
    expect(res.status).toBe(422);
    expect(res.text).toMatch(/at least 1 second/);
  });
});

describe('malformed ids', () => {
  it('answer 404 on track, post, version and contribution routes', async () => {
    for (const id of ['-'.repeat(36), '0'.repeat(36), 'z'.repeat(36), 'nope']) {
      for (const what of ['stream', 'download', 'peaks.json']) {
        expect((await supertest(ctx.app).get(`/tracks/${id}/${what}`)).status, `${id} ${what}`).toBe(404);
      }
    }
    expect((await supertest(ctx.app).get('/posts/99999999999999999999')).status).toBe(404);
    expect((await supertest(ctx.app).get('/posts/0')).status).toBe(404);
    const version = await user.agent.post(`/posts/${postId}/versions/999999999999999/current`).set('X-CSRF-Token', user.csrf);
    expect(version.status).toBe(404);
    const include = await user.agent.post('/contributions/999999999999999999999/include').set('X-CSRF-Token', user.csrf);
    expect(include.status).toBe(404);
  });
});

describe('log-in and sign-up bodies the form never sends', () => {
  it('multipart, text/plain or no body answer 400 or 403, never 500', async () => {
    for (const path of ['/login', '/signup']) {
      const agent = supertest.agent(ctx.app);
      const csrf = await csrfFrom(agent);
      const asMultipart = await agent.post(path).set('X-CSRF-Token', csrf).field('email', 'a@example.test').field('password', 'whatever12345');
      const asText = await agent.post(path).set('X-CSRF-Token', csrf).set('Content-Type', 'text/plain').send('email=a@example.test');
      const empty = await agent.post(path).set('X-CSRF-Token', csrf);
      for (const res of [asMultipart, asText, empty]) expect(res.status, path).toBeOneOf([400, 403]);
    }
  });
});

describe('the mix endpoint', () => {
  it('answers a wrongly shaped JSON body with 422 naming the field, and saves nothing', async () => {
    const versions = async () => Number((await ctx.db('mix_versions').where({ post_id: postId }).count({ n: '*' }))[0]!.n);
    const before = await versions();
    const send = (body: unknown) => user.agent.post(`/posts/${postId}/mix`).set('X-CSRF-Token', user.csrf).set('Accept', 'application/json').send(body as object);

    const all = await send({ tracks: 'all' });
    expect(all.status).toBe(422);
    expect(Object.keys(all.body.error.fields)).toEqual(['tracks']);
    const list = await send([{ trackId: 'x' }]);
    expect(list.status).toBe(422);
    expect(list.body.error.fields.form).toMatch(/JSON object with a "tracks" list/);
    const nested = await send({ tracks: { all: { gainDb: 0 } } });
    expect(nested.status).toBe(422);
    expect(nested.body.error.fields.tracks).toBeDefined();
    const deep = await send({ tracks: [{ trackId: { id: 1 }, gainDb: 0, pan: 0, muted: false }] });
    expect(deep.status).toBe(422);
    expect(deep.body.error.fields.tracks).toMatch(/^tracks\.0\.trackId: /);
    const missing = await send({ gain: 3 });
    expect(missing.status).toBe(422);
    expect(missing.body.error.fields.tracks).toBeDefined();
    expect(await versions()).toBe(before);
  });
});

describe('Range: bytes=-N longer than the file', () => {
  it('sends the whole file (RFC 9110 §14.1.2), not 416', async () => {
    const post = await ctx.db('posts').where({ id: postId }).first();
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
    const whole = await supertest(ctx.app).get(`/tracks/${track.id}/stream`).buffer(true).parse(binary);
    const res = await supertest(ctx.app).get(`/tracks/${track.id}/stream`).set('Range', `bytes=-${track.original_bytes + 1000}`).buffer(true).parse(binary);
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 0-${track.original_bytes - 1}/${track.original_bytes}`);
    expect(Buffer.compare(res.body as Buffer, whole.body as Buffer)).toBe(0);
    expect((res.body as Buffer).length).toBe(track.original_bytes);
  });
});

function binary(res: supertest.Response, cb: (err: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
}
