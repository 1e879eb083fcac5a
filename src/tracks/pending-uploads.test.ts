import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, type SignedIn } from '../../test/factories.js';
import { folderKeys, watchWrites } from '../../test/objects.js';
import { putObject } from '../storage/s3.js';
import { reservePendingUpload, sweepAbandonedUploads } from './pending-uploads.js';

/**
 * Uploads whose web process died: every upload's track id is written down before its first
 * byte goes to S3, settled with its row, and the worker's sweep removes what an abandoned
 * one left behind (and only that).
 */
let ctx: TestContext;
let user: SignedIn;

beforeAll(async () => {
  ctx = await createTestContext();
  user = await buildUser(ctx.app);
});
afterAll(() => ctx?.close());

const pending = async (trackId: string) => ctx.db('pending_uploads').where({ track_id: trackId }).first();
const age = (trackId: string, seconds: number) => ctx.db('pending_uploads').where({ track_id: trackId }).update({ started_at: ctx.db.raw(`now() - make_interval(secs => ?)`, [seconds]) });

describe('pending uploads', () => {
  it('settles with the track row: a stored upload leaves nothing pending', async () => {
    const post = await buildPost(user);
    const { author_track_id } = await ctx.db('posts').where({ id: post.id }).first('author_track_id');
    expect(await pending(author_track_id)).toBeUndefined();
  });

  it('a refused upload removes its objects and leaves only a row for the sweep', async () => {
    const writes = watchWrites(ctx);
    const res = await user.agent.post('/posts').set('X-CSRF-Token', user.csrf).field('title', 'Not audio').field('genre', 'rock').field('instrument', 'guitar').attach('audio', Buffer.from('plain text, not audio\n'.repeat(40)), 'song.mp3');
    expect(res.status).toBe(415);
    const [trackId] = writes.trackIds();
    expect(trackId).toBeDefined();
    expect(await folderKeys(ctx, trackId!)).toEqual([]);
    expect(await pending(trackId!)).toBeDefined();
    await age(trackId!, 7200);
    await sweepAbandonedUploads(ctx.db, ctx.storage, 3600);
    expect(await pending(trackId!)).toBeUndefined();
  });

  it('removes the objects of an upload abandoned past the limit, and nothing younger or kept', async () => {
    const abandoned = randomUUID();
    const young = randomUUID();
    for (const id of [abandoned, young]) {
      await reservePendingUpload(ctx.db, id);
      await putObject(ctx.storage, `tracks/${id}/original.mp3`, Buffer.from('half an upload'), 'audio/mpeg');
    }
    await age(abandoned, 7200);
    await age(young, 60);
    // A kept upload whose settle was lost (its row exists): the objects stay.
    const post = await buildPost(user);
    const { author_track_id: kept } = await ctx.db('posts').where({ id: post.id }).first('author_track_id');
    await reservePendingUpload(ctx.db, kept);
    await age(kept, 7200);
    const keptKeys = await folderKeys(ctx, kept);
    expect(keptKeys.length).toBeGreaterThan(0);

    expect(await sweepAbandonedUploads(ctx.db, ctx.storage, 3600)).toBe(1);
    expect(await folderKeys(ctx, abandoned)).toEqual([]);
    expect(await pending(abandoned)).toBeUndefined();
    expect(await folderKeys(ctx, young)).toEqual([`tracks/${young}/original.mp3`]);
    expect(await pending(young)).toBeDefined();
    expect(await folderKeys(ctx, kept)).toEqual(keptKeys);
    expect(await pending(kept)).toBeUndefined();
  });
});
