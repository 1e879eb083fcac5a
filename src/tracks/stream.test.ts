import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, makeTone } from '../../test/factories.js';
import { getObject } from '../storage/s3.js';

let ctx: TestContext;
let trackId: string;
let stored: Buffer;

beforeAll(async () => {
  ctx = await createTestContext();
  const user = await buildUser(ctx.app);
  const wav = await makeTone({ seconds: 3, format: 'wav' });
  const { id } = await buildPost(user, { title: 'Range me' }, { buffer: wav, name: 'Ränge: "take" 1?.wav' });
  const post = await ctx.db('posts').where({ id }).first();
  trackId = post.author_track_id;
  const track = await ctx.db('tracks').where({ id: trackId }).first();
  stored = Buffer.from(await (await getObject(ctx.storage, track.original_key)).Body!.transformToByteArray());
});
afterAll(() => ctx.close());

const binary = (res: supertest.Response, cb: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => cb(null, Buffer.concat(chunks)));
};

describe('GET /tracks/:id/stream', () => {
  it('sends the whole file with Accept-Ranges when no range is asked', async () => {
    const res = await supertest(ctx.app).get(`/tracks/${trackId}/stream`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['accept-ranges']).toBe('bytes');
    expect(Number(res.headers['content-length'])).toBe(stored.length);
    expect(Buffer.compare(res.body as Buffer, stored)).toBe(0);
  });

  it('returns exactly the requested bytes with 206 and Content-Range', async () => {
    const res = await supertest(ctx.app).get(`/tracks/${trackId}/stream`).set('Range', 'bytes=1000-1999').buffer(true).parse(binary);
    expect(res.status).toBe(206);
    expect(res.headers['content-range']).toBe(`bytes 1000-1999/${stored.length}`);
    expect(res.headers['content-length']).toBe('1000');
    expect(Buffer.compare(res.body as Buffer, stored.subarray(1000, 2000))).toBe(0);
  });

  it('serves open-ended and suffix ranges', async () => {
    const tail = await supertest(ctx.app).get(`/tracks/${trackId}/stream`).set('Range', 'bytes=-500').buffer(true).parse(binary);
    expect(tail.status).toBe(206);
    expect(Buffer.compare(tail.body as Buffer, stored.subarray(stored.length - 500))).toBe(0);
    const from = stored.length - 1234;
    const open = await supertest(ctx.app).get(`/tracks/${trackId}/stream`).set('Range', `bytes=${from}-`).buffer(true).parse(binary);
    expect(open.status).toBe(206);
    expect(open.headers['content-range']).toBe(`bytes ${from}-${stored.length - 1}/${stored.length}`);
    expect(Buffer.compare(open.body as Buffer, stored.subarray(from))).toBe(0);
  });

  it('answers 416 with the size for a range past the end', async () => {
    const res = await supertest(ctx.app).get(`/tracks/${trackId}/stream`).set('Range', `bytes=${stored.length + 10}-`);
    expect(res.status).toBe(416);
    expect(res.headers['content-range']).toBe(`bytes */${stored.length}`);
  });

  it('answers 404 for an unknown track, and for an id that is not one', async () => {
    expect((await supertest(ctx.app).get('/tracks/00000000-0000-4000-8000-000000000000/stream')).status).toBe(404);
    expect((await supertest(ctx.app).get('/tracks/nope/stream')).status).toBe(404);
  });
});

describe('GET /tracks/:id/download', () => {
  it('sends the original as an attachment with a safe file name', async () => {
    const res = await supertest(ctx.app).get(`/tracks/${trackId}/download`).buffer(true).parse(binary);
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename=.*; filename\*=UTF-8''R%C3%A4nge%20take%201\.wav$/);
    expect(Buffer.compare(res.body as Buffer, stored)).toBe(0);
  });
});
