import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { addContribution, measureMaster, saveMix, waitForTrack, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, csrfFrom, makeTone, type SignedIn } from '../../test/factories.js';
import { headObject } from '../storage/s3.js';
import { RETIRED_REASON } from './retire.js';

let ctx: TestContext;
let author: SignedIn;
let drummer: SignedIn;
let bassist: SignedIn;
let postId: number;
let authorTrackId: string;
const tone = (frequency: number) => makeTone({ frequency, seconds: 3, format: 'wav', volume: 0.3 });

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  [author, drummer, bassist] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app)]);
  ({ id: postId } = await buildPost(author, { title: 'Trust' }, { buffer: await tone(440), name: 'a.wav' }));
  authorTrackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id;
  await waitForTrack(ctx, authorTrackId);
}, 120_000);
afterAll(() => ctx.close());

const setting = (trackId: string, gainDb = 0) => ({ trackId, gainDb, pan: 0, muted: false });
async function render(tracks: ReturnType<typeof setting>[]) {
  const res = await saveMix(author, postId, tracks);
  expect(res.status).toBe(202);
  const version = await waitForVersion(ctx, res.body.version.id);
  expect(version.status).toBe('ready');
  return version;
}
async function addIncluded(user: SignedIn, frequency: number, instrument: string) {
  const part = await addContribution(user, postId, { buffer: await tone(frequency), name: `${frequency}.wav` }, { instrument });
  await waitForTrack(ctx, part.trackId);
  await author.agent.post(`/contributions/${part.id}/include`).type('form').send({ _csrf: author.csrf });
  return part;
}

describe('a withdrawn part is gone', () => {
  it('retires every master with it, deletes their audio, and renders the current mix again without it', async () => {
    const drums = await addIncluded(drummer, 550, 'drums');
    const v1 = await render([setting(authorTrackId), setting(drums.trackId)]);
    const v2 = await render([setting(authorTrackId), setting(drums.trackId, -2)]);
    const masters = [v1.master_track_id, v2.master_track_id];

    const del = await drummer.agent.post(`/contributions/${drums.id}/delete`).type('form').send({ _csrf: await csrfFrom(drummer.agent, '/') });
    expect(del.status).toBe(303);
    for (const v of [v1, v2]) {
      expect(await ctx.db('mix_versions').where({ id: v.id }).first()).toMatchObject({ status: 'retired', failure_reason: RETIRED_REASON, master_track_id: null });
    }
    for (const id of masters) {
      expect(await ctx.db('tracks').where({ id }).first()).toBeUndefined();
      expect(await headObject(ctx.storage, `tracks/${id}/original.flac`)).toBeUndefined();
      expect(await headObject(ctx.storage, `tracks/${id}/stream.m4a`)).toBeUndefined();
    }
    expect(await headObject(ctx.storage, `tracks/${drums.trackId}/stream.m4a`)).toBeUndefined();

    const v3 = await ctx.db('mix_versions').where({ post_id: postId, number: 3 }).first();
    const listed = (await supertest(ctx.app).get(`/posts/${postId}/versions`)).body.versions;
    expect(listed[0]).toMatchObject({ number: 3, changes: [`− drums by ${drummer.nickname} (part withdrawn)`] });
    expect(listed[1]).toMatchObject({ number: 2, retired: true, restorable: false, masterStreamUrl: null });
    const rendered = await waitForVersion(ctx, v3.id);
    const levels = await measureMaster(ctx, rendered.master_track_id, [440, 550]);
    expect(levels[440]!.left - levels[550]!.left).toBeGreaterThan(40);
    expect((await ctx.db('posts').where({ id: postId }).first()).master_track_id).toBe(rendered.master_track_id);
    const page = await supertest(ctx.app).get(`/posts/${postId}`);
    expect(page.text).toContain(RETIRED_REASON);
  }, 300_000);

  it('refuses to make a retired version the master again (409)', async () => {
    const res = await author.agent.post(`/posts/${postId}/versions/1/current`).set('Accept', 'application/json').set('X-CSRF-Token', author.csrf).send({});
    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(/withdrawn.*cannot be restored/);
  });
});

describe('a new take', () => {
  it('replaces the part’s audio, removes the old take’s files and renders the master with the new one', async () => {
    const bass = await addIncluded(bassist, 660, 'bass');
    const withBass = await render([setting(authorTrackId), setting(bass.trackId, -1)]);
    const res = await bassist.agent
      .post(`/contributions/${bass.id}/replace`)
      .set('X-CSRF-Token', bassist.csrf)
      .set('Accept', 'application/json')
      .attach('audio', await tone(770), 'take2.wav');
    expect(res.status).toBe(200);
    const newTrackId = res.body.trackId as string;
    expect((await ctx.db('contributions').where({ id: bass.id }).first()).track_id).toBe(newTrackId);
    expect(await ctx.db('tracks').where({ id: bass.trackId }).first()).toBeUndefined();
    expect(await headObject(ctx.storage, `tracks/${bass.trackId}/original.wav`)).toBeUndefined();
    expect(await headObject(ctx.storage, `tracks/${newTrackId}/original.wav`)).toBeDefined();
    expect((await ctx.db('mix_versions').where({ id: withBass.id }).first()).status).toBe('retired');

    const remix = await waitForVersion(ctx, res.body.remixVersionId);
    const recipe = await ctx.db('mix_version_tracks').where({ mix_version_id: remix.id }).orderBy('position');
    expect(recipe.map((r) => [r.track_id, r.gain_db])).toEqual([[authorTrackId, 0], [newTrackId, -1]]);
    const levels = await measureMaster(ctx, remix.master_track_id, [660, 770]);
    expect(levels[770]!.left - levels[660]!.left).toBeGreaterThan(30);
  }, 300_000);

  it('is only for the part’s musician: anyone else gets 403 and nothing is stored', async () => {
    const part = await ctx.db('contributions').where({ post_id: postId, contributor_id: ctx.db('users').select('id').where({ nickname: bassist.nickname }) }).first();
    const tracksBefore = await ctx.db('tracks').count({ n: '*' });
    const res = await author.agent.post(`/contributions/${part.id}/replace`).set('X-CSRF-Token', author.csrf).set('Accept', 'application/json').attach('audio', await tone(880), 'x.wav');
    expect(res.status).toBe(403);
    expect(await ctx.db('tracks').count({ n: '*' })).toEqual(tracksBefore);
    expect((await ctx.db('contributions').where({ id: part.id }).first()).track_id).toBe(part.track_id);
  });
});

describe('editing a part', () => {
  it('changes note and instrument for its musician; a bad instrument re-renders the form (422) with the values kept', async () => {
    const part = await ctx.db('contributions').where({ post_id: postId }).first();
    const owner = part.contributor_id === (await ctx.db('users').where({ nickname: bassist.nickname }).first()).id ? bassist : drummer;
    expect((await owner.agent.get(`/contributions/${part.id}/edit`)).status).toBe(200);
    const bad = await owner.agent.post(`/contributions/${part.id}/edit`).type('form').send({ _csrf: owner.csrf, instrument: 'kazoo-9000', note: 'keep this note' });
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('Pick an instrument from the list.');
    expect(bad.text).toContain('keep this note');
    const ok = await owner.agent.post(`/contributions/${part.id}/edit`).type('form').send({ _csrf: owner.csrf, instrument: 'guitar', note: 'now on guitar' });
    expect(ok.status).toBe(303);
    const guitar = await ctx.db('instruments').where({ slug: 'guitar' }).first();
    expect(await ctx.db('contributions').where({ id: part.id }).first()).toMatchObject({ note: 'now on guitar', instrument_id: guitar.id });
    expect((await author.agent.post(`/contributions/${part.id}/edit`).type('form').send({ _csrf: author.csrf, instrument: 'bass', note: 'x' })).status).toBe(403);
  });
});

describe('editing and deleting the song', () => {
  it('lets the author edit the details; a bad value re-renders the form (422) with the values kept', async () => {
    expect((await author.agent.get(`/posts/${postId}/edit`)).status).toBe(200);
    expect((await drummer.agent.get(`/posts/${postId}/edit`)).status).toBe(403);
    const form = { _csrf: author.csrf, title: 'Trust (take 2)', description: 'Now with feeling', genre: 'jazz', instrument: 'keyboard', bpm: '500', key: 'D minor' };
    const bad = await author.agent.post(`/posts/${postId}/edit`).type('form').send(form);
    expect(bad.status).toBe(422);
    expect(bad.text).toContain('BPM must be at most 400.');
    expect(bad.text).toContain('Now with feeling');
    const ok = await author.agent.post(`/posts/${postId}/edit`).type('form').send({ ...form, bpm: '98' });
    expect(ok.status).toBe(303);
    const row = await ctx.db('posts').where({ id: postId }).first();
    expect(row).toMatchObject({ title: 'Trust (take 2)', description: 'Now with feeling', bpm: 98, bpm_source: 'author', key: 'D minor', key_source: 'author' });
    // A blank BPM goes back to what the worker heard.
    await ctx.db('posts').where({ id: postId }).update({ bpm_detected: 121.4 });
    await author.agent.post(`/posts/${postId}/edit`).type('form').send({ ...form, bpm: '' });
    expect(await ctx.db('posts').where({ id: postId }).first()).toMatchObject({ bpm: 121, bpm_source: 'detected' });
    expect((await drummer.agent.post(`/posts/${postId}/edit`).type('form').send({ ...form, _csrf: drummer.csrf })).status).toBe(403);
  });

  it('asks before deleting, then removes every row and every file of the song', async () => {
    const confirm = await author.agent.get(`/posts/${postId}/delete`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('name="confirm"');
    expect((await drummer.agent.post(`/posts/${postId}/delete`).type('form').send({ _csrf: drummer.csrf, confirm: 'yes' })).status).toBe(403);
    const unticked = await author.agent.post(`/posts/${postId}/delete`).type('form').send({ _csrf: author.csrf });
    expect(unticked.status).toBe(422);
    expect(await ctx.db('posts').where({ id: postId }).first()).toBeDefined();

    const partTracks = (await ctx.db('contributions').where({ post_id: postId }).select('track_id')).map((r) => r.track_id as string);
    const masterTracks = (await ctx.db('mix_versions').where({ post_id: postId }).whereNotNull('master_track_id').select('master_track_id')).map((r) => r.master_track_id as string);
    const versionIds = (await ctx.db('mix_versions').where({ post_id: postId }).select('id')).map((r) => r.id as number);
    const all = [authorTrackId, ...partTracks, ...masterTracks];
    expect(partTracks.length).toBeGreaterThan(0);
    expect(masterTracks.length).toBeGreaterThan(0);

    const del = await author.agent.post(`/posts/${postId}/delete`).type('form').send({ _csrf: author.csrf, confirm: 'yes' });
    expect(del.status).toBe(303);
    expect(await ctx.db('posts').where({ id: postId }).first()).toBeUndefined();
    expect(await ctx.db('contributions').where({ post_id: postId })).toEqual([]);
    expect(await ctx.db('mix_version_tracks').whereIn('mix_version_id', versionIds)).toEqual([]);
    expect(await ctx.db('tracks').whereIn('id', all)).toEqual([]);
    for (const id of all) {
      const { ListObjectsV2Command } = await import('@aws-sdk/client-s3');
      const listed = await ctx.storage.client.send(new ListObjectsV2Command({ Bucket: ctx.storage.bucket, Prefix: `tracks/${id}/` }));
      expect(listed.KeyCount ?? 0).toBe(0);
    }
    expect((await supertest(ctx.app).get(`/posts/${postId}`)).status).toBe(404);
  });
});
