import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { addContribution, measureMaster, saveMix, waitForTrack, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, csrfFrom, makeTone, type SignedIn } from '../../test/factories.js';
import { headObject } from '../storage/s3.js';

let ctx: TestContext;
let author: SignedIn;
let bassist: SignedIn;
let postId: number;
let authorTrackId: string;
let bass: { id: number; trackId: string };

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  author = await buildUser(ctx.app);
  bassist = await buildUser(ctx.app);
  // Equal levels, different notes: 440 Hz from the author, 660 Hz from the contributor.
  ({ id: postId } = await buildPost(author, { title: 'Two tones' }, { buffer: await makeTone({ frequency: 440, seconds: 4, format: 'wav', volume: 0.3 }), name: 'a440.wav' }));
  authorTrackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id;
  bass = await addContribution(bassist, postId, { buffer: await makeTone({ frequency: 660, seconds: 4, format: 'wav', volume: 0.3 }), name: 'e660.wav' }, { note: 'a fifth above' });
  await waitForTrack(ctx, authorTrackId);
  await waitForTrack(ctx, bass.trackId);
  const include = await author.agent.post(`/contributions/${bass.id}/include`).type('form').send({ _csrf: author.csrf });
  expect(include.status).toBe(303);
}, 120_000);
afterAll(() => ctx.close());

async function render(tracks: Array<{ trackId: string; gainDb: number; pan: number; muted: boolean }>) {
  const res = await saveMix(author, postId, tracks);
  expect(res.status).toBe(202);
  const version = await waitForVersion(ctx, res.body.version.id);
  expect(version.status).toBe('ready');
  return version;
}

const both = (bassSetting: Partial<{ gainDb: number; pan: number; muted: boolean }> = {}) => [
  { trackId: authorTrackId, gainDb: 0, pan: 0, muted: false },
  { trackId: bass.trackId, gainDb: 0, pan: 0, muted: false, ...bassSetting },
];

describe('the worker processes uploads', () => {
  it('makes a streaming rendition and waveform peaks and measures loudness', async () => {
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
    const page = await bassist.agent.get(`/posts/${postId}`);
    expect(page.text).toContain('id="contribution-' + bass.id + '"');
    expect(page.text).toMatch(/<h3 class="instrument-head">Bass<\/h3>/);
    expect(page.text).toContain('a fifth above');
    expect(page.text).toContain('In the mix');
    expect(page.text).toContain('0:04');
  });
});

describe('the master', () => {
  it('has both parts when the contribution is included, and never clips', async () => {
    const version = await render(both());
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left).toBeGreaterThan(-30);
    expect(Math.abs(levels[440]!.left - levels[660]!.left)).toBeLessThan(1.5);
    expect(version.true_peak_db).toBeLessThanOrEqual(-0.9);
    expect(version.loudness_lufs).toBeGreaterThan(-15);
    expect(version.loudness_lufs).toBeLessThan(-13);
    const post = await ctx.db('posts').where({ id: postId }).first();
    expect(post.master_track_id).toBe(version.master_track_id);
    expect(post.current_mix_version_id).toBe(version.id);
    const page = await author.agent.get(`/posts/${postId}`);
    expect(page.text).toContain(`/tracks/${version.master_track_id}/stream`);
    expect(page.text).toContain(`Bass — ${bassist.nickname}`);
  });

  it('loses the 660 Hz part when it is muted', async () => {
    const version = await render(both({ muted: true }));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left - levels[660]!.left).toBeGreaterThan(40);
  });

  it('drops the part by about 12 dB at −12 dB gain', async () => {
    const version = await render(both({ gainDb: -12 }));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left - levels[660]!.left).toBeGreaterThan(10.5);
    expect(levels[440]!.left - levels[660]!.left).toBeLessThan(13.5);
  });

  it('puts a part panned hard left in the left channel only', async () => {
    const version = await render(both({ pan: -1 }));
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[660]!.left).toBeGreaterThan(-30);
    expect(levels[660]!.left - levels[660]!.right).toBeGreaterThan(40);
    expect(Math.abs(levels[440]!.left - levels[440]!.right)).toBeLessThan(0.5);
  });

  it('lists the versions with credits and what changed, and lets the author go back to one', async () => {
    const res = await author.agent.get(`/posts/${postId}/versions`).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    const versions = res.body.versions as Array<{ number: number; changes: string[]; isCurrent: boolean; credits: string[] }>;
    expect(versions.map((v) => v.number)).toEqual([4, 3, 2, 1]);
    expect(versions[3]!.changes).toEqual(['First mix']);
    expect(versions[2]!.changes).toEqual([`− bass by ${bassist.nickname}`]);
    expect(versions[1]!.changes).toEqual([`+ bass by ${bassist.nickname}`]);
    expect(versions[0]!.changes).toEqual([`bass by ${bassist.nickname} +12 dB`, `bass by ${bassist.nickname} panned 100% left`]);
    expect(versions[0]!.isCurrent).toBe(true);

    const back = await author.agent.post(`/posts/${postId}/versions/1/current`).type('form').send({ _csrf: author.csrf });
    expect(back.status).toBe(303);
    const v1 = await ctx.db('mix_versions').where({ post_id: postId, number: 1 }).first();
    expect((await ctx.db('posts').where({ id: postId }).first()).master_track_id).toBe(v1.master_track_id);
  });

  it('drops the part from the next master once it is excluded', async () => {
    const out = await author.agent.post(`/contributions/${bass.id}/exclude`).type('form').send({ _csrf: author.csrf });
    expect(out.status).toBe(303);
    const version = await render([{ trackId: authorTrackId, gainDb: 0, pan: 0, muted: false }]);
    const levels = await measureMaster(ctx, version.master_track_id, [440, 660]);
    expect(levels[440]!.left - levels[660]!.left).toBeGreaterThan(40);
    // A track that is not in the mix any more is refused, not silently rendered.
    const stale = await saveMix(author, postId, both());
    expect(stale.status).toBe(422);
    await author.agent.post(`/contributions/${bass.id}/include`).type('form').send({ _csrf: author.csrf });
  });
});

describe('who may do what', () => {
  it('only the author includes, excludes, saves and picks the current master', async () => {
    const stranger = await buildUser(ctx.app);
    for (const action of ['include', 'exclude']) {
      const res = await stranger.agent.post(`/contributions/${bass.id}/${action}`).type('form').send({ _csrf: stranger.csrf });
      expect(res.status).toBe(403);
    }
    const asBassist = await bassist.agent.post(`/contributions/${bass.id}/exclude`).type('form').send({ _csrf: bassist.csrf });
    expect(asBassist.status).toBe(403);
    expect((await ctx.db('contributions').where({ id: bass.id }).first()).included).toBe(true);
    const before = await ctx.db('mix_versions').where({ post_id: postId }).count({ n: '*' });
    expect((await saveMix(stranger, postId, both())).status).toBe(403);
    expect((await saveMix(bassist, postId, both())).status).toBe(403);
    expect(await ctx.db('mix_versions').where({ post_id: postId }).count({ n: '*' })).toEqual(before);
    const current = await stranger.agent.post(`/posts/${postId}/versions/2/current`).type('form').send({ _csrf: stranger.csrf });
    expect(current.status).toBe(403);
  });

  it('refuses a visitor who is not signed in', async () => {
    const { default: supertest } = await import('supertest');
    const res = await supertest(ctx.app).post(`/posts/${postId}/mix`).set('Accept', 'application/json').send({ tracks: [] });
    expect(res.status).toBe(403); // no session, so no CSRF token: refused before anything else
    expect(await ctx.db('mix_versions').where({ post_id: postId, created_by: null }).first()).toBeUndefined();
  });

  it('only the contributor or the author deletes a part; deleting re-renders the master without it', async () => {
    const drummer = await buildUser(ctx.app);
    const drums = await addContribution(drummer, postId, { buffer: await makeTone({ frequency: 550, seconds: 4, format: 'wav', volume: 0.3 }), name: 'd.wav' }, { instrument: 'drums' });
    await waitForTrack(ctx, drums.trackId);
    await author.agent.post(`/contributions/${drums.id}/include`).type('form').send({ _csrf: author.csrf });
    const withDrums = await render([...both(), { trackId: drums.trackId, gainDb: 0, pan: 0, muted: false }]);
    expect((await measureMaster(ctx, withDrums.master_track_id, [550]))[550]!.left).toBeGreaterThan(-35);

    const stranger = await buildUser(ctx.app);
    expect((await stranger.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: stranger.csrf })).status).toBe(403);
    expect((await bassist.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: bassist.csrf })).status).toBe(403);

    const del = await drummer.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: await csrfFrom(drummer.agent, '/') });
    expect(del.status).toBe(303);
    expect(await ctx.db('contributions').where({ id: drums.id }).first()).toBeUndefined();
    expect(await ctx.db('tracks').where({ id: drums.trackId }).first()).toBeUndefined();
    expect(await headObject(ctx.storage, `tracks/${drums.trackId}/stream.m4a`)).toBeUndefined();
    const newest = await ctx.db('mix_versions').where({ post_id: postId }).orderBy('number', 'desc').first();
    expect(newest.number).toBe(withDrums.number + 1);
    const rerendered = await waitForVersion(ctx, newest.id);
    const levels = await measureMaster(ctx, rerendered.master_track_id, [440, 550]);
    expect(levels[440]!.left - levels[550]!.left).toBeGreaterThan(40);
    expect((await ctx.db('posts').where({ id: postId }).first()).master_track_id).toBe(rerendered.master_track_id);
  }, 180_000); // two renders and a part's processing and alignment: slow on a busy machine
});
