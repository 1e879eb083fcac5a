import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { addContribution, measureMaster, saveMix, waitForTrack, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, csrfFrom, makeTone, type SignedIn } from '../../test/factories.js';
import { folderKeys } from '../../test/objects.js';
import { RETIRED_REASON } from '../mixes/retire.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
});
afterAll(() => ctx.close());

const idOf = async (user: SignedIn) => (await ctx.db('users').whereRaw('lower(email) = lower(?)', [user.email]).first('id'))?.id as number | undefined;
const sessionsOf = async (userId: number) => Number((await ctx.db('sessions').whereRaw(`sess->'passport'->>'user' = ?`, [String(userId)]).count({ n: '*' }).first())!.n);

/** A second device: a fresh agent logged in with the given password; the log-in's status. */
async function logIn(user: SignedIn, password = user.password) {
  const agent = supertest.agent(ctx.app);
  const csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: user.email, password });
  return { agent, status: res.status };
}
const isSignedIn = async (agent: ReturnType<typeof supertest.agent>) => (await agent.get('/settings')).status === 200;

describe('the account page', () => {
  it('is for a signed-in musician and links every settings page', async () => {
    expect((await supertest(ctx.app).get('/settings/account')).headers.location).toBe('/login?next=%2Fsettings%2Faccount');
    const me = await buildUser(ctx.app);
    const page = await me.agent.get('/settings/account');
    expect(page.status).toBe(200);
    for (const action of ['/settings/password', '/settings/logout-everywhere', '/settings/delete-account']) expect(page.text).toContain(`action="${action}"`);
    expect(page.text).toMatch(/href="\/settings\/account" aria-current="page"/);
  });
});

describe('changing the password', () => {
  it('needs the current one: a wrong one is refused (422) and the old password still works', async () => {
    const me = await buildUser(ctx.app);
    const id = (await idOf(me))!;
    const before = (await ctx.db('users').where({ id }).first('password_hash')).password_hash as string;
    const res = await me.agent.post('/settings/password').type('form').send({ _csrf: me.csrf, currentPassword: 'not my password', newPassword: 'a brand new secret' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('That is not your current password.');
    expect((await ctx.db('users').where({ id }).first('password_hash')).password_hash).toBe(before);
    expect((await logIn(me)).status).toBe(303);
    expect((await logIn(me, 'a brand new secret')).status).toBe(401);
  });

  it('refuses a new password the sign-up would refuse (422)', async () => {
    const me = await buildUser(ctx.app);
    const res = await me.agent.post('/settings/password').type('form').send({ _csrf: me.csrf, currentPassword: me.password, newPassword: 'short' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Password needs at least 10 characters.');
  });

  it('with the right one: the new password logs in, the old does not, other sessions end and this one stays', async () => {
    const me = await buildUser(ctx.app);
    const other = await logIn(me);
    expect(await isSignedIn(other.agent)).toBe(true);
    const res = await me.agent.post('/settings/password').type('form').send({ _csrf: me.csrf, currentPassword: me.password, newPassword: 'a brand new secret' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings/account?done=password');
    expect((await me.agent.get(res.headers.location!)).text).toContain('Your password is changed.');
    expect(await isSignedIn(other.agent)).toBe(false);
    expect(await isSignedIn(me.agent)).toBe(true);
    expect((await logIn(me, 'a brand new secret')).status).toBe(303);
    expect((await logIn(me)).status).toBe(401);
  });
});

describe('log out everywhere', () => {
  it('ends every other session of the musician (another device included), keeps this one, and touches nobody else', async () => {
    const [me, someoneElse] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    const [phone, laptop] = [await logIn(me), await logIn(me)];
    const id = (await idOf(me))!;
    expect(await sessionsOf(id)).toBe(3);
    const res = await me.agent.post('/settings/logout-everywhere').type('form').send({ _csrf: me.csrf });
    expect(res.status).toBe(303);
    expect((await me.agent.get(res.headers.location!)).text).toContain('Every other session was logged out. You are still logged in here.');
    expect(await isSignedIn(phone.agent)).toBe(false);
    expect(await isSignedIn(laptop.agent)).toBe(false);
    expect(await isSignedIn(me.agent)).toBe(true);
    expect(await sessionsOf(id)).toBe(1);
    expect(await isSignedIn(someoneElse.agent)).toBe(true);
  });
});

describe('deleting the account', () => {
  const tone = (frequency: number) => makeTone({ frequency, seconds: 3, format: 'wav', volume: 0.3 });
  const setting = (trackId: string) => ({ trackId, gainDb: 0, pan: 0, muted: false });
  async function renderMix(author: SignedIn, postId: number, trackIds: string[]) {
    const res = await saveMix(author, postId, trackIds.map(setting));
    expect(res.status).toBe(202);
    const version = await waitForVersion(ctx, res.body.version.id);
    expect(version.status).toBe('ready');
    return version;
  }
  async function includedPart(player: SignedIn, author: SignedIn, postId: number, frequency: number) {
    const part = await addContribution(player, postId, { buffer: await tone(frequency), name: `${frequency}.wav` }, { instrument: 'bass' });
    await waitForTrack(ctx, part.trackId);
    expect((await author.agent.post(`/contributions/${part.id}/include`).type('form').send({ _csrf: author.csrf })).status).toBeLessThan(400);
    return part;
  }
  const authorTrackOf = async (postId: number) => (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id as string;

  it('asks for the password: a wrong one is refused (422) and nothing is deleted', async () => {
    const me = await buildUser(ctx.app);
    const song = await buildPost(me, {}, { buffer: await tone(330), name: 'idea.wav' });
    const res = await me.agent.post('/settings/delete-account').type('form').send({ _csrf: me.csrf, password: 'not my password' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('That is not your current password.');
    expect(await idOf(me)).toBeDefined();
    expect(await ctx.db('posts').where({ id: song.id }).first('id')).toBeDefined();
    expect(await isSignedIn(me.agent)).toBe(true);
  });

  it('removes their songs with every file and row, withdraws their parts elsewhere (the master re-rendered without them), and ends every session', async () => {
    const [leaver, partner, host] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app)]);
    // The leaver's own song, with a partner's part in its master.
    const own = await buildPost(leaver, { title: 'Leaving' }, { buffer: await tone(330), name: 'own.wav' });
    const ownAuthorTrack = await authorTrackOf(own.id);
    await waitForTrack(ctx, ownAuthorTrack);
    const partnerPart = await includedPart(partner, leaver, own.id, 550);
    const ownMaster = await renderMix(leaver, own.id, [ownAuthorTrack, partnerPart.trackId]);
    // The leaver's part on the host's song, audible in the host's current master.
    const hosted = await buildPost(host, { title: 'Staying' }, { buffer: await tone(440), name: 'host.wav' });
    const hostAuthorTrack = await authorTrackOf(hosted.id);
    await waitForTrack(ctx, hostAuthorTrack);
    const leaverPart = await includedPart(leaver, host, hosted.id, 660);
    const hostMaster = await renderMix(host, hosted.id, [hostAuthorTrack, leaverPart.trackId]);
    const before = await measureMaster(ctx, hostMaster.master_track_id, [440, 660]);
    expect(Math.abs(before[440]!.left - before[660]!.left)).toBeLessThan(3);

    const ownTracks = [ownAuthorTrack, partnerPart.trackId, ownMaster.master_track_id as string];
    for (const id of ownTracks) expect((await folderKeys(ctx, id)).length, `objects of ${id} before`).toBeGreaterThan(0);
    const leaverId = (await idOf(leaver))!;
    await ctx.db('nickname_history').insert({ user_id: leaverId, nickname: `${leaver.nickname}-old` });
    const otherDevice = await logIn(leaver);
    // Their avatar and profile cover, stored as every upload is.
    for (const [route, field] of [['/settings/avatar', 'avatar'], ['/settings/cover', 'cover']] as const) {
      const picture = await sharp({ create: { width: 1600, height: 600, channels: 3, background: '#336699' } }).png().toBuffer();
      expect((await leaver.agent.post(route).set('X-CSRF-Token', leaver.csrf).attach(field, picture, `${field}.png`)).status).toBe(303);
    }
    const pictures = await ctx.db('users').where({ nickname: leaver.nickname }).first('avatar_picture_id', 'cover_picture_id');
    const pictureKeys = async () => {
      const keys: string[] = [];
      for (const [kind, id] of [['avatar', pictures.avatar_picture_id], ['profile-cover', pictures.cover_picture_id]]) {
        const page = await ctx.storage.client.send(new ListObjectsV2Command({ Bucket: ctx.storage.bucket, Prefix: `images/${kind}/${id}/` }));
        keys.push(...(page.Contents ?? []).map((o) => o.Key!));
      }
      return keys;
    };
    expect((await pictureKeys()).length).toBeGreaterThan(2);

    const res = await leaver.agent.post('/settings/delete-account').type('form').send({ _csrf: leaver.csrf, password: leaver.password });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/account/deleted');
    const done = await leaver.agent.get('/account/deleted');
    expect(done.status).toBe(200);
    expect(done.text).toContain('Your account is deleted');
    expect(done.text).toContain('href="/login"'); // the header shows a visitor now

    // Sessions: this one and the other device's are gone.
    expect(await sessionsOf(leaverId)).toBe(0);
    expect(await isSignedIn(leaver.agent)).toBe(false);
    expect(await isSignedIn(otherDevice.agent)).toBe(false);
    expect((await logIn(leaver)).status).toBe(401);

    // Their song: every object and row, the partner's part and the master included.
    for (const id of ownTracks) {
      expect(await folderKeys(ctx, id), `objects of track ${id}`).toEqual([]);
      expect(await ctx.db('tracks').where({ id }).first('id'), `row of track ${id}`).toBeUndefined();
    }
    expect(await ctx.db('posts').where({ id: own.id }).first('id')).toBeUndefined();
    expect(await ctx.db('contributions').where({ id: partnerPart.id }).first('id')).toBeUndefined();
    expect(await ctx.db('mix_versions').where({ post_id: own.id }).first('id')).toBeUndefined();
    expect(await ctx.db('users').where({ id: leaverId }).first('id')).toBeUndefined();
    expect(await ctx.db('nickname_history').where({ user_id: leaverId }).first('id')).toBeUndefined();
    expect(await pictureKeys(), 'their avatar and profile cover').toEqual([]);
    expect((await supertest(ctx.app).get(`/users/${leaver.nickname}-old`)).status).toBe(404);
    // The partner keeps their account.
    expect(await idOf(partner)).toBeDefined();

    // Their part on the host's song: withdrawn, the master with it retired and its files gone.
    expect(await ctx.db('contributions').where({ id: leaverPart.id }).first('id')).toBeUndefined();
    for (const id of [leaverPart.trackId, hostMaster.master_track_id as string]) expect(await folderKeys(ctx, id), `objects of track ${id}`).toEqual([]);
    expect(await ctx.db('mix_versions').where({ id: hostMaster.id }).first('status', 'failure_reason')).toEqual({ status: 'retired', failure_reason: RETIRED_REASON });
    expect((await ctx.db('posts').where({ id: hosted.id }).first('contributions_count')).contributions_count).toBe(0);
    // … and the host's mix rendered again without it.
    const remix = await ctx.db('mix_versions').where({ post_id: hosted.id, number: hostMaster.number + 1 }).first('id');
    expect(remix).toBeDefined();
    const rendered = await waitForVersion(ctx, remix.id);
    expect(rendered.status).toBe('ready');
    expect((await ctx.db('posts').where({ id: hosted.id }).first('master_track_id')).master_track_id).toBe(rendered.master_track_id);
    const after = await measureMaster(ctx, rendered.master_track_id, [440, 660]);
    expect(after[440]!.left - after[660]!.left).toBeGreaterThan(40);
    expect(await ctx.db('posts').where({ id: hosted.id }).first('id')).toBeDefined();
  }, 300_000);
});
