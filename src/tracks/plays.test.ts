import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../../test/factories.js';
import { playThresholdBytes, sweepOldPlays } from './plays.js';

let ctx: TestContext;
let author: SignedIn;
/** A 40 s song (a play is 30 s of it) and a 3 s one (a play is all of it). */
let long: { postId: number; trackId: string; size: number; threshold: number };
let short: { postId: number; trackId: string; size: number };

beforeAll(async () => {
  ctx = await createTestContext();
  author = await buildUser(ctx.app);
  const song = async (seconds: number) => {
    const { id } = await buildPost(author, { title: `Play me ${seconds}` }, { buffer: await makeTone({ seconds }), name: 'idea.mp3' });
    const post = await ctx.db('posts').where({ id }).first('author_track_id');
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first('original_bytes', 'duration_ms');
    return { postId: id, trackId: post.author_track_id as string, size: track.original_bytes as number, durationMs: track.duration_ms as number };
  };
  const l = await song(40);
  long = { ...l, threshold: playThresholdBytes(l.size, l.durationMs)! };
  short = await song(3);
}, 60_000);
afterAll(() => ctx?.close());

const plays = async (postId: number) => (await ctx.db('posts').where({ id: postId }).first('plays_count')).plays_count as number;
/** The bytes recorded for the track so far (recording runs after each response ends). */
const recorded = (trackId: string, bytes: number) =>
  eventually(async () => Number((await ctx.db('plays_pending').where({ track_id: trackId }).sum({ n: 'bytes' }).first())!.n ?? 0), { what: `${bytes} bytes recorded for ${trackId}`, until: (n) => n >= bytes });

const get = (trackId: string, range: string | undefined, ua: string) => {
  const req = supertest(ctx.app).get(`/tracks/${trackId}/stream`).set('User-Agent', ua);
  return range ? req.set('Range', range) : req;
};

describe('play counts', () => {
  it('knows the 40 s song as 40 s long and asks for 30 s of its bytes', () => {
    expect(long.threshold).toBeGreaterThan(long.size * 0.7);
    expect(long.threshold).toBeLessThan(long.size * 0.8);
  });

  it('counts a play once 30 s have streamed over several Range requests, once per listener per hour', async () => {
    const ua = 'listener-one';
    // A browser's way: the start, cut short; a look at the end; then on from where it was.
    const head = 20_000;
    expect((await get(long.trackId, `bytes=0-${head - 1}`, ua)).status).toBe(206);
    expect((await get(long.trackId, `bytes=-128`, ua)).status).toBe(206);
    await recorded(long.trackId, head + 128);
    expect(await plays(long.postId), 'not 30 s yet').toBe(0);
    const upTo = long.threshold - 1000;
    await get(long.trackId, `bytes=${head}-${upTo}`, ua);
    await recorded(long.trackId, upTo + 1 + 128);
    expect(await plays(long.postId), 'still short of 30 s').toBe(0);
    await get(long.trackId, `bytes=${upTo + 1}-`, ua);
    await eventually(() => plays(long.postId), { what: 'the play counted', until: (n) => n === 1 });
    // The same listener again within the hour: bytes add up, no second play.
    await get(long.trackId, undefined, ua);
    await recorded(long.trackId, long.size + 128 + long.size);
    expect(await plays(long.postId)).toBe(1);
    // Another visitor (another browser) and a signed-in musician each count once.
    await get(long.trackId, undefined, 'listener-two');
    await eventually(() => plays(long.postId), { what: 'the second listener counted', until: (n) => n === 2 });
    await author.agent.get(`/tracks/${long.trackId}/stream`);
    await eventually(() => plays(long.postId), { what: 'the musician counted', until: (n) => n === 3 });
    const listeners: string[] = await ctx.db('plays_pending').where({ track_id: long.trackId }).pluck('listener');
    expect(listeners.some((l) => l.includes('127.0.0.1')), 'no raw IP stored').toBe(false);
  });

  it('a track shorter than 30 s counts only when all of it has streamed', async () => {
    const ua = 'short-listener';
    await get(short.trackId, `bytes=0-${short.size - 2}`, ua);
    await recorded(short.trackId, short.size - 1);
    expect(await plays(short.postId)).toBe(0);
    await get(short.trackId, `bytes=${short.size - 1}-`, ua);
    await eventually(() => plays(short.postId), { what: 'the short play counted', until: (n) => n === 1 });
  });

  it("the mixer's fetch (Sec-Fetch-Dest: empty) is loading, not a play", async () => {
    const before = await plays(long.postId);
    await supertest(ctx.app).get(`/tracks/${long.trackId}/stream`).set('User-Agent', 'mixer').set('Sec-Fetch-Dest', 'empty');
    await get(long.trackId, 'bytes=0-99', 'mixer');
    // Had the first been recorded, the mixer's row would hold size + 100 bytes.
    const mixerRow = () => ctx.db('plays_pending').where({ track_id: long.trackId }).whereIn('bytes', [100, long.size + 100]).pluck('bytes');
    await eventually(mixerRow, { what: "the mixer's range request recorded", until: (rows) => rows.length > 0 });
    await new Promise((r) => setTimeout(r, 500));
    expect(await mixerRow()).toEqual([100]);
    expect(await plays(long.postId)).toBe(before);
  });
});

describe('the sweep of old plays', () => {
  it('removes rows of hours gone by and keeps this hour', async () => {
    await ctx.db('plays_pending').insert([
      { listener: 'v:old', track_id: short.trackId, hour: ctx.db.raw(`date_trunc('hour', now()) - interval '3 hours'`), bytes: 10 },
      { listener: 'v:now', track_id: short.trackId, hour: ctx.db.raw(`date_trunc('hour', now())`), bytes: 10 },
    ]);
    await sweepOldPlays(ctx.db);
    expect(await ctx.db('plays_pending').whereIn('listener', ['v:old', 'v:now']).orderBy('listener').pluck('listener')).toEqual(['v:now']);
  });
});
