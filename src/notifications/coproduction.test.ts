import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { addContribution, saveMix, waitForTrack, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../../test/factories.js';

/**
 * The hooks as the app and the worker wire them: a real upload processed by the worker, a
 * mix saved through the mixer's route and rendered by the worker.
 */
let ctx: TestContext;
let author: SignedIn;
let bassist: SignedIn;

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  [author, bassist] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
}, 60_000);
afterAll(() => ctx?.close());

const idOf = async (user: SignedIn) => (await ctx.db('users').where({ nickname: user.nickname }).first('id')).id as number;
const kindsOf = async (user: SignedIn) =>
  (await ctx.db('notifications').where({ recipient_id: await idOf(user) }).orderBy('id').select('kind', 'subject_id')).map((n) => `${n.kind as string}:${n.subject_id as number}`);

describe('notifications from the song\'s life', () => {
  it('a processed part tells the author; the saved mix tells the bassist; a later master tells them of the master', async () => {
    const tone = await makeTone({ seconds: 2, format: 'wav' });
    const post = await buildPost(author, {}, { buffer: tone, name: 'idea.wav' });
    const authorTrackId = (await ctx.db('posts').where({ id: post.id }).first('author_track_id')).author_track_id as string;
    const part = await addContribution(bassist, post.id, { buffer: tone, name: 'bass.wav' });
    await waitForTrack(ctx, part.trackId);
    const partAdded = `part_added:${part.id}`;
    await eventually(() => kindsOf(author), { until: (k) => k.includes(partAdded), what: 'the author to hear of the part' });

    const mix = (gainDb: number) => {
      const tracks = [
        { trackId: authorTrackId, gainDb: 0, pan: 0, muted: false },
        { trackId: part.trackId, gainDb, pan: 0, muted: false, included: true },
      ];
      return saveMix(author, post.id, tracks);
    };
    const first = await mix(-3);
    expect(first.status).toBe(202);
    expect(await kindsOf(bassist)).toEqual([`part_in_mix:${part.id}`]);
    expect((await waitForVersion(ctx, first.body.version.id)).status).toBe('ready');

    const second = await mix(-6);
    expect((await waitForVersion(ctx, second.body.version.id)).status).toBe('ready');
    const master = `new_master:${second.body.version.id}`;
    await eventually(() => kindsOf(bassist), { until: (k) => k.includes(master), what: 'the bassist to hear of the new master' });
    // The first master came with "your part went into the mix": no second notification for it.
    expect(await kindsOf(bassist)).toEqual([`part_in_mix:${part.id}`, master]);
    expect(await kindsOf(author)).toEqual([partAdded]);

    const page = await bassist.agent.get('/notifications');
    expect(page.text).toContain(`${author.nickname} put your bass part into the mix of`);
    expect(page.text).toContain('which you play on, is out');
  });
});
