import { PutObjectCommand } from '@aws-sdk/client-s3';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { addContribution, waitForTrack } from '../../test/coproduction.js';
import { buildPost, buildUser, csrfFrom, makeTone, type SignedIn } from '../../test/factories.js';
import { expectNothingStored, watchWrites } from '../../test/objects.js';
import { headObject } from '../storage/s3.js';

let ctx: TestContext;
let author: SignedIn;
let guitarist: SignedIn;
let postId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  author = await buildUser(ctx.app);
  guitarist = await buildUser(ctx.app);
  ({ id: postId } = await buildPost(author, { title: 'Open jam' }, { buffer: await makeTone({ seconds: 3, format: 'wav', sampleRate: 48000 }), name: 'jam.wav' }));
});
afterAll(() => ctx.close());

/** The ids of a musician's parts on the post. */
const partsOf = async (user: SignedIn) =>
  (await ctx.db('contributions').join('users', 'users.id', 'contributions.contributor_id').where({ post_id: postId, 'users.nickname': user.nickname }).select('contributions.id')).map((r) => r.id as number);

describe('uploading a part', () => {
  it('stores the part and its track, counts it, and lists it on the contributor’s profile', async () => {
    const countBefore = (await ctx.db('posts').where({ id: postId }).first()).contributions_count as number;
    // 44.1 kHz: the npm ffprobe (2023) cannot read a 48 kHz MP3 written by the npm ffmpeg (2018).
    const part = await addContribution(guitarist, postId, { buffer: await makeTone({ frequency: 330, seconds: 3, format: 'mp3' }), name: 'riff.mp3' }, { instrument: 'guitar', note: 'Crunchy rhythm part' });
    const row = await ctx.db('contributions').where({ id: part.id }).first();
    expect(row).toMatchObject({ post_id: postId, note: 'Crunchy rhythm part', included: false });
    const track = await ctx.db('tracks').where({ id: part.trackId }).first();
    expect(track).toMatchObject({ kind: 'contribution', status: 'processing' });
    expect(await headObject(ctx.storage, track.original_key)).toBeDefined();
    expect((await ctx.db('posts').where({ id: postId }).first()).contributions_count).toBe(countBefore + 1);

    const profile = await supertest(ctx.app).get(`/users/${guitarist.nickname}/parts`);
    expect(profile.text).toContain('Open jam');
    expect(profile.text).toContain('Crunchy rhythm part');
  });

  it('refuses a file that is not audio with 415 and leaves nothing behind', async () => {
    const partsBefore = await partsOf(guitarist);
    const writes = watchWrites(ctx);
    const res = await guitarist.agent
      .post(`/posts/${postId}/contributions`)
      .set('X-CSRF-Token', guitarist.csrf)
      .field('instrument', 'bass')
      .attach('audio', Buffer.from('%PDF-1.4 not audio'.repeat(100)), 'part.wav');
    expect(res.status).toBe(415);
    expect(await partsOf(guitarist)).toEqual(partsBefore);
    expect(writes.trackIds()).toHaveLength(1);
    await expectNothingStored(ctx, writes.trackIds());
  });

  it('asks for an instrument from the list (422) and removes the upload', async () => {
    const partsBefore = await partsOf(guitarist);
    const writes = watchWrites(ctx);
    const res = await guitarist.agent
      .post(`/posts/${postId}/contributions`)
      .set('X-CSRF-Token', guitarist.csrf)
      .set('Accept', 'application/json')
      .field('instrument', 'kazoo-9000')
      .attach('audio', await makeTone({ seconds: 1 }), 'x.mp3');
    expect(res.status).toBe(422);
    expect(res.body.error.fields.instrument).toBe('Pick an instrument from the list.');
    expect(await partsOf(guitarist)).toEqual(partsBefore);
    expect(writes.trackIds()).toHaveLength(1);
    await expectNothingStored(ctx, writes.trackIds());
  });

  it('needs a signed-in musician', async () => {
    // A visitor's own session and token, so the request gets past CSRF to the sign-in check.
    const visitor = supertest.agent(ctx.app);
    const csrf = await csrfFrom(visitor);
    const before = await ctx.db('contributions').where({ post_id: postId }).pluck('id');
    const writes = watchWrites(ctx);
    const res = await visitor
      .post(`/posts/${postId}/contributions`)
      .set('X-CSRF-Token', csrf)
      .set('Accept', 'application/json')
      .field('instrument', 'bass')
      .attach('audio', await makeTone({ seconds: 1 }), 'x.mp3');
    expect(res.status).toBe(401);
    expect(writes.keys()).toEqual([]);
    expect(await ctx.db('contributions').where({ post_id: postId }).pluck('id')).toEqual(before);
  });
});

// The worker started here processes every part queued by the tests above first.
describe('the worker on parts', { timeout: 240_000 }, () => {
  it('flags a part that clips or does not match the song, with the numbers, to its uploader only', async () => {
    // 44.1 kHz against a 48 kHz song, 2 s against 3 s, and driven into clipping.
    const hot = await makeTone({ frequency: 440, seconds: 2, format: 'wav', volume: 12, sampleRate: 44100 });
    const part = await addContribution(guitarist, postId, { buffer: hot, name: 'hot.wav' }, { instrument: 'vocal' });
    const worker = await ctx.startWorker();
    const track = await waitForTrack(ctx, part.trackId);
    await worker.stop();
    const messages = track.warnings.map((w: { message: string }) => w.message);
    expect(messages).toContain("sample rate 44100 Hz differs from the song's 48000 Hz");
    expect(messages.some((m: string) => /^0:02 long, the song is 0:03 \(1\.0 s shorter\)$/.test(m))).toBe(true);
    expect(messages.some((m: string) => /^clipped for 2\.0 s at 0:00$/.test(m))).toBe(true);

    const own = await guitarist.agent.get(`/posts/${postId}`);
    expect(own.text).toContain('Sample rate 44100 Hz differs');
    const other = await author.agent.get(`/posts/${postId}`);
    expect(other.text).not.toContain('Sample rate 44100 Hz differs');
  });

  it('ends a corrupt upload `failed` with its reason on the page', async () => {
    const part = await addContribution(guitarist, postId, { buffer: await makeTone({ seconds: 1, format: 'wav' }), name: 'ok.wav' }, { instrument: 'keyboard' });
    // The stored file is damaged after the upload check (as a bad disk or a truncated copy would).
    const track = await ctx.db('tracks').where({ id: part.trackId }).first();
    await ctx.storage.client.send(new PutObjectCommand({ Bucket: ctx.storage.bucket, Key: track.original_key, Body: Buffer.from('garbage'.repeat(50)) }));
    const worker = await ctx.startWorker();
    const failed = await waitForTrack(ctx, part.trackId, 'failed');
    await worker.stop();
    expect(failed.failure_reason).toMatch(/not audio we can read/);
    const page = await guitarist.agent.get(`/posts/${postId}`);
    expect(page.text).toContain('This upload could not be processed: This file is not audio we can read.');
  });
});
