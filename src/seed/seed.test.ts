import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { headObject } from '../storage/s3.js';
import { FOLLOWS, MUSICIANS, SONGS } from './cast.js';
import { seedSite } from './seed.js';

/** `npm run seed` at its smallest: one song of two bars with one part, through the real worker. */
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
});
afterAll(() => ctx?.close());

describe('seeding the site', () => {
  it('makes musicians, a song with a part, a rendered master, comments, likes and follows; a second run skips it', async () => {
    const report = await seedSite({ songs: 1, bars: 2, partsPerSong: 1, timeoutMs: 50_000 }, ctx);
    const song = SONGS[0]!;
    expect(report).toMatchObject({ created: [song.title], skipped: [] });
    expect(report.password).toEqual(expect.any(String));

    const post = await ctx.db('posts as p').join('users as u', 'u.id', 'p.author_id').where({ 'p.title': song.title, 'u.nickname': song.by }).first('p.id', 'p.master_track_id', 'p.likes_count', 'p.contributions_count', 'p.bpm', 'p.key');
    expect(post).toMatchObject({ contributions_count: 1, likes_count: song.likedBy.length, bpm: song.plan.bpm, key: song.key });
    const part = await ctx.db('contributions as c').join('users as u', 'u.id', 'c.contributor_id').join('tracks as t', 't.id', 'c.track_id').where({ 'c.post_id': post.id }).first('u.nickname', 'c.included', 't.status', 't.peaks_key');
    expect(part).toMatchObject({ nickname: song.parts[0]!.by, included: true, status: 'ready' });

    // The master is a real render: a ready track whose stream and peaks are in the bucket.
    const master = await ctx.db('tracks').where({ id: post.master_track_id }).first('kind', 'status', 'stream_key', 'peaks_key', 'loudness_lufs', 'duration_ms');
    expect(master).toMatchObject({ kind: 'master', status: 'ready' });
    expect(master.loudness_lufs).toBeGreaterThan(-40);
    const seconds2Bars = (2 * 4 * 60) / song.plan.bpm;
    expect(master.duration_ms / 1000).toBeGreaterThan(seconds2Bars);
    expect((await headObject(ctx.storage, master.stream_key))?.ContentLength).toBeGreaterThan(10_000);
    expect((await headObject(ctx.storage, master.peaks_key))?.ContentLength).toBeGreaterThan(100);
    expect(await ctx.db('mix_versions').where({ post_id: post.id }).select('status')).toEqual([{ status: 'ready' }]);

    expect(Number((await ctx.db('post_likes').where({ post_id: post.id }).count({ n: '*' }).first())!.n)).toBe(song.likedBy.length);
    expect(Number((await ctx.db('contribution_likes').count({ n: '*' }).first())!.n)).toBe(1);
    expect(await ctx.db('comments').where({ post_id: post.id }).orderBy('id').pluck('body')).toEqual(song.comments.map((c) => c.body));
    expect(Number((await ctx.db('follows').count({ n: '*' }).first())!.n)).toBe(FOLLOWS.length);
    expect(await ctx.db('users').whereIn('nickname', MUSICIANS.map((m) => m.nickname)).where({ verified: true }).count({ n: '*' }).first().then((r) => Number(r!.n))).toBe(MUSICIANS.length);

    // Again: nothing new, nothing broken.
    const again = await seedSite({ songs: 1, bars: 2, partsPerSong: 1, timeoutMs: 50_000 }, ctx);
    expect(again).toEqual({ created: [], skipped: [song.title], password: undefined });
    expect(Number((await ctx.db('posts').count({ n: '*' }).first())!.n)).toBe(1);
  }, 60_000);
});
