import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { addContribution, measureMaster, saveMix, waitForTrack, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, csrfFrom, makeTone, type SignedIn } from '../../test/factories.js';
import { insertContribution, insertMixVersion, insertPost, type RecipeFields } from '../../test/db-factories.js';
import { folderKeys } from '../../test/objects.js';
import { headObject } from '../storage/s3.js';

let ctx: TestContext;
let author: SignedIn;
let bassist: SignedIn;
let tones: { a440: Buffer; e660: Buffer; d550: Buffer };

interface Song {
  postId: number;
  authorTrackId: string;
  bass: { id: number; trackId: string };
}
/**
 * Shared: tests add versions and parts of their own to it and assert only on those. None
 * changes what another reads (the author track and the bass stay in the mix).
 */
let song: Song;

/** A post with the author's 440 Hz and the bassist's 660 Hz part (equal levels), both processed, the part in the mix. */
async function songWithBass(): Promise<Song> {
  const { id: postId } = await buildPost(author, { title: 'Two tones' }, { buffer: tones.a440, name: 'a440.wav' });
  const authorTrackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id as string;
  const bass = await addContribution(bassist, postId, { buffer: tones.e660, name: 'e660.wav' }, { note: 'a fifth above' });
  await waitForTrack(ctx, authorTrackId);
  await waitForTrack(ctx, bass.trackId);
  const include = await author.agent.post(`/contributions/${bass.id}/include`).type('form').send({ _csrf: author.csrf });
  expect(include.status).toBe(303);
  return { postId, authorTrackId, bass };
}

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  author = await buildUser(ctx.app);
  bassist = await buildUser(ctx.app);
  tones = {
    a440: await makeTone({ frequency: 440, seconds: 4, format: 'wav', volume: 0.3 }),
    e660: await makeTone({ frequency: 660, seconds: 4, format: 'wav', volume: 0.3 }),
    d550: await makeTone({ frequency: 550, seconds: 4, format: 'wav', volume: 0.3 }),
  };
  song = await songWithBass();
});
afterAll(() => ctx.close());

const userId = async (user: SignedIn) => (await ctx.db('users').where({ nickname: user.nickname }).first('id')).id as number;

async function render(on: Song, tracks: Array<{ trackId: string; gainDb: number; pan: number; muted: boolean }>) {
  const res = await saveMix(author, on.postId, tracks);
  expect(res.status).toBe(202);
  const version = await waitForVersion(ctx, res.body.version.id);
  expect(version.status).toBe('ready');
  return version;
}

const both = (on: Song, bassSetting: Partial<{ gainDb: number; pan: number; muted: boolean }> = {}) => [
  { trackId: on.authorTrackId, gainDb: 0, pan: 0, muted: false },
  { trackId: on.bass.trackId, gainDb: 0, pan: 0, muted: false, ...bassSetting },
];

describe('the worker processes uploads', () => {
  it('makes a streaming rendition and waveform peaks and measures loudness', async () => {
    const { bass } = song;
    const track = await ctx.db('tracks').where({ id: bass.trackId }).first();
    expect(track).toMatchObject({ status: 'ready', stream_type: 'audio/mp4', stream_key: `tracks/${bass.trackId}/stream.m4a`, peaks_key: `tracks/${bass.trackId}/peaks.json` });
    expect((await headObject(ctx.storage, track.stream_key))?.ContentLength).toBe(track.stream_bytes);
    // lavfi's sine is 1/8 full scale; ×0.3 puts it near −32 LUFS (measured −32.1).
    expect(track.loudness_lufs).toBeGreaterThan(-34);
    expect(track.loudness_lufs).toBeLessThan(-30);
    expect(track.warnings).toEqual([]);
    const peaks = await bassist.agent.get(`/tracks/${bass.trackId}/peaks.json`);
    expect(peaks.status).toBe(200);
    expect(peaks.body.length).toBe(2000);
    expect(peaks.body.data).toHaveLength(4000);
  });

  it('lists the part on the post page under its instrument, with note and duration', async () => {
    const page = await bassist.agent.get(`/posts/${song.postId}`);
    expect(page.text).toContain('id="contribution-' + song.bass.id + '"');
    expect(page.text).toMatch(/<h3 class="instrument-head">Bass<\/h3>/);
    expect(page.text).toContain('a fifth above');
    expect(page.text).toContain('In the mix');
    expect(page.text).toContain('0:04');
  });
});

// Each test here waits for the worker to render (and some to process a part first).
describe('the master', { timeout: 240_000 }, () => {
  it('has both parts when the contribution is included, and never clips', async () => {
    const version = await render(song, both(song));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left).toBeGreaterThan(-30);
    expect(Math.abs(levels[440]!.left - levels[660]!.left)).toBeLessThan(1.5);
    expect(version.true_peak_db).toBeLessThanOrEqual(-0.9);
    expect(version.loudness_lufs).toBeGreaterThan(-15);
    expect(version.loudness_lufs).toBeLessThan(-13);
    const post = await ctx.db('posts').where({ id: song.postId }).first();
    expect(post.master_track_id).toBe(version.master_track_id);
    expect(post.current_mix_version_id).toBe(version.id);
    const page = await author.agent.get(`/posts/${song.postId}`);
    expect(page.text).toContain(`/tracks/${version.master_track_id}/stream`);
    expect(page.text).toContain(`Bass — ${bassist.nickname}`);
  });

  it('loses the 660 Hz part when it is muted', async () => {
    const version = await render(song, both(song, { muted: true }));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left - levels[660]!.left).toBeGreaterThan(40);
  });

  it('drops the part by about 12 dB at −12 dB gain', async () => {
    const version = await render(song, both(song, { gainDb: -12 }));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left - levels[660]!.left).toBeGreaterThan(10.5);
    expect(levels[440]!.left - levels[660]!.left).toBeLessThan(13.5);
  });

  it('puts a part panned hard left in the left channel only', async () => {
    const version = await render(song, both(song, { pan: -1 }));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[660]!.left).toBeGreaterThan(-30);
    expect(levels[660]!.left - levels[660]!.right).toBeGreaterThan(40);
    expect(Math.abs(levels[440]!.left - levels[440]!.right)).toBeLessThan(0.5);
  });

  it('lists the versions with credits and what changed, and lets the author go back to one', async () => {
    // A history written straight into the database: this is about listing it, not rendering.
    const authorId = await userId(author);
    const bassistId = await userId(bassist);
    const post = await insertPost(ctx.db, { authorId, instrument: 'guitar' });
    const part = await insertContribution(ctx.db, { postId: post.id, contributorId: bassistId, instrument: 'bass', included: true });
    const recipe = (bassSetting: Partial<RecipeFields> = {}): RecipeFields[] => [
      { trackId: post.author_track_id, role: 'author', musician: author.nickname, instrument: 'Guitar' },
      { trackId: part.track_id, contributionId: part.id, role: 'contribution', musician: bassist.nickname, instrument: 'Bass', ...bassSetting },
    ];
    const v1 = await insertMixVersion(ctx.db, { postId: post.id, createdBy: authorId, recipe: recipe() });
    await insertMixVersion(ctx.db, { postId: post.id, createdBy: authorId, recipe: recipe({ gainDb: -6, pan: -1 }) });
    const v3 = await insertMixVersion(ctx.db, { postId: post.id, createdBy: authorId, recipe: recipe({ muted: true }), current: true });

    const res = await author.agent.get(`/posts/${post.id}/versions`).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    const versions = res.body.versions as Array<{ number: number; changes: string[]; isCurrent: boolean; credits: string[] }>;
    expect(versions.map((v) => v.number)).toEqual([3, 2, 1]);
    expect(versions[2]!.changes).toEqual(['First mix']);
    expect(versions[1]!.changes).toEqual([`bass by ${bassist.nickname} −6 dB`, `bass by ${bassist.nickname} panned 100% left`]);
    expect(versions[0]!.changes).toEqual([`− bass by ${bassist.nickname}`]);
    // Credits name who is heard: the muted part is not.
    expect(versions[2]!.credits).toEqual([`Guitar — ${author.nickname}`, `Bass — ${bassist.nickname}`]);
    expect(versions[0]!.credits).toEqual([`Guitar — ${author.nickname}`]);
    expect(versions.map((v) => v.isCurrent)).toEqual([true, false, false]);

    const back = await author.agent.post(`/posts/${post.id}/versions/1/current`).type('form').send({ _csrf: author.csrf });
    expect(back.status).toBe(303);
    const after = await ctx.db('posts').where({ id: post.id }).first();
    expect(after.master_track_id).toBe(v1.master_track_id);
    expect(after.current_mix_version_id).toBe(v1.id);
    expect(after.master_track_id).not.toBe(v3.master_track_id);
  });

  it('drops the part from the next master once it is excluded', async () => {
    const player = await buildUser(ctx.app);
    const keys = await addContribution(player, song.postId, { buffer: tones.d550, name: 'k.wav' }, { instrument: 'keyboard' });
    await waitForTrack(ctx, keys.trackId);
    expect((await author.agent.post(`/contributions/${keys.id}/include`).type('form').send({ _csrf: author.csrf })).status).toBe(303);
    const out = await author.agent.post(`/contributions/${keys.id}/exclude`).type('form').send({ _csrf: author.csrf });
    expect(out.status).toBe(303);
    expect((await ctx.db('contributions').where({ id: keys.id }).first()).included).toBe(false);
    const version = await render(song, both(song));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 550]);
    expect(levels[440]!.left - levels[550]!.left).toBeGreaterThan(40);
    // A track that is not in the mix any more is refused, not silently rendered.
    const stale = await saveMix(author, song.postId, [...both(song), { trackId: keys.trackId, gainDb: 0, pan: 0, muted: false }]);
    expect(stale.status).toBe(422);
    expect((await ctx.db('mix_versions').where({ post_id: song.postId }).orderBy('number', 'desc').first()).id).toBe(version.id);
  });
});

describe('saving from the mixer', () => {
  it('takes parts in and out of the mix with the save, with their offsets, as the author heard them', async () => {
    const { id: postId } = await buildPost(author, { title: 'In and out' }, { buffer: tones.a440, name: 'a440.wav' });
    const authorTrackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id as string;
    const part = await addContribution(bassist, postId, { buffer: tones.e660, name: 'e660.wav' }, { note: 'out at first' });
    await waitForTrack(ctx, part.trackId);
    expect((await ctx.db('contributions').where({ id: part.id }).first()).included).toBe(false);
    const send = (tracks: object[]) => author.agent.post(`/posts/${postId}/mix`).set('X-CSRF-Token', author.csrf).set('Accept', 'application/json').send({ tracks });
    const recipeOf = async (versionId: number) =>
      (await ctx.db('mix_version_tracks').where({ mix_version_id: versionId }).orderBy('position')).map((r) => ({ trackId: r.track_id, gainDb: r.gain_db, muted: r.muted, offsetMs: r.offset_ms }));

    const saved = await send([
      { trackId: authorTrackId, gainDb: -1, pan: 0, muted: false, offsetMs: 0, included: true },
      { trackId: part.trackId, gainDb: -4.5, pan: 0.2, muted: false, offsetMs: 120, included: true },
    ]);
    expect(saved.status).toBe(202);
    expect(await recipeOf(saved.body.version.id)).toEqual([
      { trackId: authorTrackId, gainDb: -1, muted: false, offsetMs: 0 },
      { trackId: part.trackId, gainDb: -4.5, muted: false, offsetMs: 120 },
    ]);
    expect((await ctx.db('contributions').where({ id: part.id }).first()).included).toBe(true);

    const out = await send([
      { trackId: authorTrackId, gainDb: -1, pan: 0, muted: false, offsetMs: -30, included: true },
      { trackId: part.trackId, gainDb: -4.5, pan: 0.2, muted: true, offsetMs: 120, included: false },
    ]);
    expect(out.status).toBe(202);
    expect(await recipeOf(out.body.version.id)).toEqual([{ trackId: authorTrackId, gainDb: -1, muted: false, offsetMs: -30 }]);
    expect((await ctx.db('contributions').where({ id: part.id }).first()).included).toBe(false);

    // A part sent without "included" must already be in the mix; a bad flag is refused whole.
    expect((await send([{ trackId: part.trackId, gainDb: 0, pan: 0, muted: false }])).status).toBe(422);
    expect((await send([{ trackId: authorTrackId, gainDb: 0, pan: 0, muted: false, included: 'yes' }])).status).toBe(422);
    expect((await ctx.db('mix_versions').where({ post_id: postId })).length).toBe(2);
  });
});

describe('who may do what', () => {
  it('only the author includes, excludes, saves and picks the current master', async () => {
    const authorId = await userId(author);
    const post = await insertPost(ctx.db, { authorId });
    const bass = await insertContribution(ctx.db, { postId: post.id, contributorId: await userId(bassist), included: true });
    const recipe: RecipeFields[] = [
      { trackId: post.author_track_id, role: 'author', musician: author.nickname, instrument: 'Guitar' },
      { trackId: bass.track_id, contributionId: bass.id, role: 'contribution', musician: bassist.nickname, instrument: 'Bass' },
    ];
    const older = await insertMixVersion(ctx.db, { postId: post.id, createdBy: authorId, recipe });
    const current = await insertMixVersion(ctx.db, { postId: post.id, createdBy: authorId, recipe, current: true });
    const tracks = recipe.map((r) => ({ trackId: r.trackId, gainDb: 0, pan: 0, muted: false }));

    const stranger = await buildUser(ctx.app);
    for (const action of ['include', 'exclude']) {
      const res = await stranger.agent.post(`/contributions/${bass.id}/${action}`).type('form').send({ _csrf: stranger.csrf });
      expect(res.status).toBe(403);
    }
    const asBassist = await bassist.agent.post(`/contributions/${bass.id}/exclude`).type('form').send({ _csrf: bassist.csrf });
    expect(asBassist.status).toBe(403);
    expect((await ctx.db('contributions').where({ id: bass.id }).first()).included).toBe(true);
    expect((await saveMix(stranger, post.id, tracks)).status).toBe(403);
    expect((await saveMix(bassist, post.id, tracks)).status).toBe(403);
    expect(await ctx.db('mix_versions').where({ post_id: post.id }).orderBy('number').pluck('id')).toEqual([older.id, current.id]);
    for (const user of [stranger, bassist]) {
      const res = await user.agent.post(`/posts/${post.id}/versions/${older.number}/current`).type('form').send({ _csrf: user.csrf });
      expect(res.status).toBe(403);
    }
    const after = await ctx.db('posts').where({ id: post.id }).first();
    expect(after.current_mix_version_id).toBe(current.id);
    expect(after.master_track_id).toBe(current.master_track_id);
  });

  it('refuses a visitor who is not signed in', async () => {
    // A visitor's own session and token: the request passes CSRF and meets the sign-in check.
    const visitor = supertest.agent(ctx.app);
    const csrf = await csrfFrom(visitor);
    const before = await ctx.db('mix_versions').where({ post_id: song.postId }).pluck('id');
    const res = await visitor.post(`/posts/${song.postId}/mix`).set('X-CSRF-Token', csrf).set('Accept', 'application/json').send({ tracks: both(song) });
    expect(res.status).toBe(401);
    expect(await ctx.db('mix_versions').where({ post_id: song.postId }).pluck('id')).toEqual(before);
  });

  it('only the contributor or the author deletes a part; deleting re-renders the master without it', async () => {
    const own = song;
    const drummer = await buildUser(ctx.app);
    const drums = await addContribution(drummer, own.postId, { buffer: tones.d550, name: 'd.wav' }, { instrument: 'drums' });
    await waitForTrack(ctx, drums.trackId);
    await author.agent.post(`/contributions/${drums.id}/include`).type('form').send({ _csrf: author.csrf });
    const withDrums = await render(own, [...both(own), { trackId: drums.trackId, gainDb: 0, pan: 0, muted: false }]);
    expect((await measureMaster(ctx, withDrums.master_track_id, [550]))[550]!.left).toBeGreaterThan(-35);

    const stranger = await buildUser(ctx.app);
    expect((await stranger.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: stranger.csrf })).status).toBe(403);
    expect((await bassist.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: bassist.csrf })).status).toBe(403);
    expect(await ctx.db('contributions').where({ id: drums.id }).first()).toBeDefined();

    const del = await drummer.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: await csrfFrom(drummer.agent, '/') });
    expect(del.status).toBe(303);
    expect(await ctx.db('contributions').where({ id: drums.id }).first()).toBeUndefined();
    expect(await ctx.db('tracks').where({ id: drums.trackId }).first()).toBeUndefined();
    expect(await folderKeys(ctx, drums.trackId)).toEqual([]);
    const newest = await ctx.db('mix_versions').where({ post_id: own.postId }).orderBy('number', 'desc').first();
    expect(newest.number).toBe(withDrums.number + 1);
    const rerendered = await waitForVersion(ctx, newest.id);
    const levels = await measureMaster(ctx, rerendered.master_track_id, [440, 550]);
    expect(levels[440]!.left - levels[550]!.left).toBeGreaterThan(40);
    expect((await ctx.db('posts').where({ id: own.postId }).first()).master_track_id).toBe(rerendered.master_track_id);

    // The author may delete someone else's part too.
    const keys = await addContribution(stranger, own.postId, { buffer: tones.d550, name: 'k.wav' }, { instrument: 'keyboard' });
    await waitForTrack(ctx, keys.trackId);
    const byAuthor = await author.agent.post(`/contributions/${keys.id}/delete`).type('form').send({ _csrf: author.csrf });
    expect(byAuthor.status).toBe(303);
    expect(await ctx.db('contributions').where({ id: keys.id }).first()).toBeUndefined();
    expect(await ctx.db('tracks').where({ id: keys.trackId }).first()).toBeUndefined();
    expect(await folderKeys(ctx, keys.trackId)).toEqual([]);
  }, 240_000); // renders and a part's processing and alignment: slow on a busy machine
});
