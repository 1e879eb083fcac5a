import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertContribution, insertPost, insertUser } from '../../test/db-factories.js';
import { OTHER_PARTS_PER_PAGE } from './page.js';

/**
 * A song with more parts than a page shows: every part in the mix is on each page (and in its
 * mixer, so a save keeps what the author hears), the others come a page at a time, newest first.
 */
let ctx: TestContext;
let postId = 0;
const inMix: string[] = [];
const others: string[] = []; // oldest first

beforeAll(async () => {
  ctx = await createTestContext();
  const author = await insertUser(ctx.db);
  postId = (await insertPost(ctx.db, { authorId: author.id })).id;
  for (let i = 0; i < OTHER_PARTS_PER_PAGE + 5 + 2; i++) {
    const player = await insertUser(ctx.db, { nickname: `pager_${i}_${postId}` });
    const included = i === 3 || i === 20;
    const part = await insertContribution(ctx.db, { postId, contributorId: player.id, included, instrument: i % 2 ? 'bass' : 'drums' });
    // One part a second apart, so "newest first" is a fact of the data, not of insert order.
    await ctx.db('contributions').where({ id: part.id }).update({ created_at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)) });
    (included ? inMix : others).push(player.nickname);
  }
});
afterAll(async () => {
  await ctx?.close();
});

const mixerTracks = (html: string) => (JSON.parse(/<script type="application\/json" id="mixer-data">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '{"tracks":[]}') as { tracks: Array<{ musician: string }> }).tracks.map((t) => t.musician);

describe('the post page of a song with many parts', () => {
  it('shows the parts in the mix and the newest others, then the older ones on the next page', async () => {
    const first = await supertest(ctx.app).get(`/posts/${postId}`).expect(200);
    const newest = others.slice(-OTHER_PARTS_PER_PAGE);
    const older = others.slice(0, -OTHER_PARTS_PER_PAGE);
    for (const n of [...inMix, ...newest]) expect(first.text, n).toContain(`>${n}<`);
    for (const n of older) expect(first.text, n).not.toContain(`>${n}<`);
    expect(first.text).toContain(`${OTHER_PARTS_PER_PAGE + 7} parts`);
    expect(mixerTracks(first.text)).toEqual(expect.arrayContaining(inMix));

    const next = /<a class="button ghost small" href="([^"]+)">Older parts<\/a>/.exec(first.text)?.[1]?.replace(/&amp;/g, '&');
    expect(next).toBeDefined();
    const second = await supertest(ctx.app).get(next!).expect(200);
    for (const n of [...inMix, ...older]) expect(second.text, n).toContain(`>${n}<`);
    for (const n of newest) expect(second.text, n).not.toContain(`>${n}<`);
    expect(mixerTracks(second.text)).toEqual(expect.arrayContaining(inMix));
    expect(second.text).not.toContain('Older parts</a>');
  });

  it('ignores a parts cursor that is not one', async () => {
    const res = await supertest(ctx.app).get(`/posts/${postId}?parts=nonsense`).expect(200);
    for (const n of others.slice(-OTHER_PARTS_PER_PAGE)) expect(res.text).toContain(`>${n}<`);
  });
});
