import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, type SignedIn } from '../../test/factories.js';

let ctx: TestContext;
let author: SignedIn;
let postId: number;
const VERSIONS = 25;

beforeAll(async () => {
  ctx = await createTestContext();
  author = await buildUser(ctx.app);
  postId = (await buildPost(author)).id;
  // A long history straight into the tables: v1…v25, each louder than the one before.
  const post: { author_id: number; author_track_id: string } = await ctx.db('posts').select('author_id', 'author_track_id').where({ id: postId }).first();
  const versions: Array<{ id: number; number: number }> = await ctx
    .db('mix_versions')
    .insert(Array.from({ length: VERSIONS }, (_, i) => ({ post_id: postId, number: i + 1, created_by: post.author_id, status: 'ready' })))
    .returning(['id', 'number']);
  await ctx.db('mix_version_tracks').insert(
    versions.map((v) => ({ mix_version_id: v.id, track_id: post.author_track_id, role: 'author', musician: author.nickname, instrument: 'Guitar', gain_db: v.number * 0.5 - 12, position: 0 })),
  );
});
afterAll(() => ctx?.close());

const numbersIn = (html: string) => [...html.matchAll(/<strong>v(\d+)<\/strong>/g)].map((m) => Number(m[1]));

describe('the version history, a page at a time', () => {
  it('the post page shows the 10 newest versions and links to the older ones', async () => {
    const res = await supertest(ctx.app).get(`/posts/${postId}`);
    expect(res.status).toBe(200);
    expect(numbersIn(res.text)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(res.text).toContain(`href="/posts/${postId}/versions?before=16"`);
    expect(res.text).toContain('Older versions');
  });

  it('a browser gets the older versions as a page, with a link further back', async () => {
    const res = await supertest(ctx.app).get(`/posts/${postId}/versions?before=16`).set('Accept', 'text/html');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/html/);
    expect(numbersIn(res.text)).toEqual([15, 14, 13, 12, 11, 10, 9, 8, 7, 6]);
    expect(res.text).toContain(`href="/posts/${postId}/versions?before=6"`);
    const last = await supertest(ctx.app).get(`/posts/${postId}/versions?before=6`).set('Accept', 'text/html');
    expect(numbersIn(last.text)).toEqual([5, 4, 3, 2, 1]);
    expect(last.text).not.toContain('versions?before=');
  });

  it('JSON stays the default for fetch and API callers, paged the same way', async () => {
    const first = await supertest(ctx.app).get(`/posts/${postId}/versions`).set('Accept', 'application/json');
    expect(first.status).toBe(200);
    expect(first.body.versions.map((v: { number: number }) => v.number)).toEqual([25, 24, 23, 22, 21, 20, 19, 18, 17, 16]);
    expect(first.body.olderUrl).toBe(`/posts/${postId}/versions?before=16`);
    // The oldest version on a page still says what it changed from the one before it.
    expect(first.body.versions.at(-1).changes).toEqual([`guitar by ${author.nickname} +0.5 dB`]);
    const small = await supertest(ctx.app).get(`/posts/${postId}/versions?limit=3&before=3`);
    expect(small.body.versions.map((v: { number: number }) => v.number)).toEqual([2, 1]);
    expect(small.body.versions.at(-1).changes).toEqual(['First mix']);
    expect(small.body.olderUrl).toBeNull();
  });

  it('one version answers on its own URL (the render poll), and an unknown one is 404', async () => {
    const res = await supertest(ctx.app).get(`/posts/${postId}/versions/7`);
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.version).toMatchObject({ number: 7, status: 'ready', changes: [`guitar by ${author.nickname} +0.5 dB`] });
    for (const bad of ['26', '0', '999999999999999', 'abc']) {
      expect((await supertest(ctx.app).get(`/posts/${postId}/versions/${bad}`)).status, bad).toBe(404);
    }
    expect((await supertest(ctx.app).get(`/posts/${postId}/versions?before=999999999999999`)).status).toBe(404);
  });
});
