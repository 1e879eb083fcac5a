import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { FACTORY_PASSWORD, insertContribution, insertMixVersion, insertPost, insertTrack, insertUser, type UserRow } from '../../test/db-factories.js';
import { csrfFrom, uniq } from '../../test/factories.js';
import { notifyComment, notifyFollowed, notifyNewMaster, notifyPartAdded, notifyPartLiked, notifyPartsInMix, notifySongLiked } from './rules.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

const notificationsOf = (recipientId: number) =>
  ctx.db('notifications').where({ recipient_id: recipientId }).orderBy('id').select('kind', 'subject_id', 'actor_id', 'actors_count', 'post_id', 'contribution_id', 'read_at');

/** A musician of the factories, signed in through the real log-in form. */
async function signIn(user: UserRow) {
  const agent = supertest.agent(ctx.app);
  const csrf = await csrfFrom(agent, '/login');
  const res = await agent.post('/login').type('form').send({ _csrf: csrf, email: user.email, password: FACTORY_PASSWORD });
  expect(res.status).toBe(303);
  return { agent, csrf: await csrfFrom(agent, '/') };
}

/** A song by `author` with a part by `contributor`, both in a rendered mix version made by the author. */
async function songWithMixedPart() {
  const [author, player] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db)]);
  const song = await insertPost(ctx.db, { authorId: author.id, title: uniq('Sunrise ') });
  const part = await insertContribution(ctx.db, { postId: song.id, contributorId: player.id, instrument: 'bass', included: true });
  const authorTrack = (await ctx.db('posts').where({ id: song.id }).first('author_track_id')).author_track_id as string;
  const recipe = [
    { trackId: authorTrack, role: 'author' as const, musician: author.nickname, instrument: 'Guitar' },
    { trackId: part.track_id, contributionId: part.id, role: 'contribution' as const, musician: player.nickname, instrument: 'Bass' },
  ];
  return { author, player, song, part, recipe };
}

describe('each rule fires once, and never for the musician\'s own doing', () => {
  it('a part added to a song tells its author once it plays, once however often it runs', async () => {
    const author = await insertUser(ctx.db);
    const song = await insertPost(ctx.db, { authorId: author.id });
    const part = await insertContribution(ctx.db, { postId: song.id });
    await ctx.db('tracks').where({ id: part.track_id }).update({ status: 'processing' });
    expect(await notifyPartAdded(ctx.db, part.track_id), 'still processing: nothing to hear yet').toBe(0);
    await ctx.db('tracks').where({ id: part.track_id }).update({ status: 'ready' });
    expect(await notifyPartAdded(ctx.db, part.track_id)).toBe(1);
    expect(await notifyPartAdded(ctx.db, part.track_id), 'a retried job').toBe(0);
    // A new take of the same part is the same part.
    const take = await insertTrack(ctx.db, { ownerId: part.contributor_id, kind: 'contribution' });
    await ctx.db('contributions').where({ id: part.id }).update({ track_id: take.id });
    expect(await notifyPartAdded(ctx.db, take.id)).toBe(0);
    expect(await notificationsOf(author.id)).toMatchObject([{ kind: 'part_added', subject_id: part.id, actor_id: part.contributor_id, post_id: song.id, contribution_id: part.id }]);
    // The author's own part on their own song tells nobody.
    const own = await insertContribution(ctx.db, { postId: song.id, contributorId: author.id });
    expect(await notifyPartAdded(ctx.db, own.track_id)).toBe(0);
  });

  it('a part in a saved mix tells its contributor once, not the author of their own part', async () => {
    const { author, player, song, part, recipe } = await songWithMixedPart();
    const own = await insertContribution(ctx.db, { postId: song.id, contributorId: author.id, included: true });
    const v1 = await insertMixVersion(ctx.db, { postId: song.id, createdBy: author.id, recipe: [...recipe, { trackId: own.track_id, contributionId: own.id, role: 'contribution', musician: author.nickname, instrument: 'Bass' }] });
    expect(await notifyPartsInMix(ctx.db, v1.id)).toBe(1);
    expect(await notifyPartsInMix(ctx.db, v1.id), 'a double submit').toBe(0);
    // The next version keeps the part: it is not newly in the mix.
    const v2 = await insertMixVersion(ctx.db, { postId: song.id, createdBy: author.id, recipe });
    expect(await notifyPartsInMix(ctx.db, v2.id)).toBe(0);
    expect(await notificationsOf(player.id)).toMatchObject([{ kind: 'part_in_mix', subject_id: part.id, actor_id: author.id, post_id: song.id }]);
    expect(await notificationsOf(author.id)).toEqual([]);
  });

  it('a new master tells the musicians on it once per version, not its author nor who just heard their part went in', async () => {
    const { author, player, song, recipe } = await songWithMixedPart();
    const v1 = await insertMixVersion(ctx.db, { postId: song.id, createdBy: author.id, recipe });
    await notifyPartsInMix(ctx.db, v1.id);
    expect(await notifyNewMaster(ctx.db, v1.id), 'told of the part in this mix already').toBe(0);
    const v2 = await insertMixVersion(ctx.db, { postId: song.id, createdBy: author.id, recipe });
    await ctx.db('mix_versions').where({ id: v2.id }).update({ status: 'rendering' });
    expect(await notifyNewMaster(ctx.db, v2.id), 'not rendered yet').toBe(0);
    await ctx.db('mix_versions').where({ id: v2.id }).update({ status: 'ready' });
    expect(await notifyNewMaster(ctx.db, v2.id)).toBe(1);
    expect(await notifyNewMaster(ctx.db, v2.id), 'a retried render job').toBe(0);
    expect((await notificationsOf(player.id)).map((n) => [n.kind, n.subject_id])).toEqual([['part_in_mix', recipe[1]!.contributionId], ['new_master', v2.id]]);
    expect(await notificationsOf(author.id)).toEqual([]);
  });

  it('a comment tells the song\'s author and the part\'s contributor; a reply tells the comment\'s author, once each', async () => {
    const { author, player, song, part } = await songWithMixedPart();
    const listener = await insertUser(ctx.db);
    // Comment ids are whatever the comments table gives; the rule only needs them to be unique.
    expect(await notifyComment(ctx.db, { commentId: 9001, postId: song.id, actorId: listener.id })).toBe(1);
    expect(await notifyComment(ctx.db, { commentId: 9001, postId: song.id, actorId: listener.id }), 'a double submit').toBe(0);
    expect(await notifyComment(ctx.db, { commentId: 9002, postId: song.id, contributionId: part.id, actorId: listener.id })).toBe(2);
    // The player answers the listener on the part: the listener hears of a reply, the author of a comment, the player nothing.
    expect(await notifyComment(ctx.db, { commentId: 9003, postId: song.id, contributionId: part.id, parentAuthorId: listener.id, actorId: player.id })).toBe(2);
    // The author answers their own comment on their own song: nobody.
    expect(await notifyComment(ctx.db, { commentId: 9004, postId: song.id, parentAuthorId: author.id, actorId: author.id })).toBe(0);
    // A reply to the author on their own song is one notification, a reply.
    expect(await notifyComment(ctx.db, { commentId: 9005, postId: song.id, parentAuthorId: author.id, actorId: listener.id })).toBe(1);
    expect((await notificationsOf(author.id)).map((n) => [n.kind, n.subject_id])).toEqual([['comment', 9001], ['comment', 9002], ['comment', 9003], ['reply', 9005]]);
    expect((await notificationsOf(player.id)).map((n) => [n.kind, n.subject_id])).toEqual([['comment', 9002]]);
    expect((await notificationsOf(listener.id)).map((n) => [n.kind, n.subject_id])).toEqual([['reply', 9003]]);
  });

  it('a follow through the button tells the followed musician once, however often they unfollow and follow again', async () => {
    const [follower, followed] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db)]);
    const me = await signIn(follower);
    for (const on of ['1', '0', '1', '1']) {
      expect((await me.agent.post(`/users/${followed.nickname}/follow`).type('form').send({ _csrf: me.csrf, on })).status).toBe(303);
    }
    expect(await notificationsOf(followed.id)).toMatchObject([{ kind: 'follower', subject_id: follower.id, actor_id: follower.id }]);
    expect(await notifyFollowed(ctx.db, { followerId: followed.id, followedId: followed.id })).toBe(0);
    expect(await notificationsOf(follower.id)).toEqual([]);
  });
});

describe('likes are grouped', () => {
  it('one row per liked song, counting each liker once: "5 people liked", "Ana and 4 others"', async () => {
    const author = await insertUser(ctx.db);
    const title = uniq('Sunrise in C ');
    const song = await insertPost(ctx.db, { authorId: author.id, title });
    const likers = await Promise.all(Array.from({ length: 4 }, () => insertUser(ctx.db)));
    for (const liker of likers) await notifySongLiked(ctx.db, { postId: song.id, actorId: liker.id });
    // Liking, unliking and liking again through the button counts the liker once.
    const ana = await insertUser(ctx.db, { nickname: uniq('Ana') });
    const anaIn = await signIn(ana);
    for (const on of ['1', '0', '1']) expect((await anaIn.agent.post(`/posts/${song.id}/like`).type('form').send({ _csrf: anaIn.csrf, on })).status).toBe(303);
    await notifySongLiked(ctx.db, { postId: song.id, actorId: author.id });
    expect(await notificationsOf(author.id)).toMatchObject([{ kind: 'song_liked', subject_id: song.id, actors_count: 5, actor_id: ana.id }]);
    expect(await ctx.db('notification_actors').join('notifications', 'notifications.id', 'notification_actors.notification_id').where('notifications.recipient_id', author.id).count({ n: '*' }).first()).toEqual({ n: 5 });

    const page = await (await signIn(author)).agent.get('/notifications');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`5 people liked ${title}`);
    expect(page.text).toContain(`${ana.nickname} and 4 others`);
  });

  it('likes on a part group on the part and tell its contributor; one liker reads as their name', async () => {
    const { player, part, song } = await songWithMixedPart();
    const fan = await insertUser(ctx.db);
    const fanIn = await signIn(fan);
    expect((await fanIn.agent.post(`/contributions/${part.id}/like`).type('form').send({ _csrf: fanIn.csrf, on: '1' })).status).toBe(303);
    await notifyPartLiked(ctx.db, { contributionId: part.id, actorId: fan.id });
    await notifyPartLiked(ctx.db, { contributionId: part.id, actorId: player.id });
    expect((await notificationsOf(player.id)).filter((n) => n.kind === 'part_liked')).toMatchObject([{ subject_id: part.id, actors_count: 1, post_id: song.id }]);
    const page = await (await signIn(player)).agent.get('/notifications');
    expect(page.text).toContain(`${fan.nickname} liked your bass part in`);
    expect(page.text).toContain(`href="/posts/${song.id}#contribution-${part.id}"`);
  });

  it('a new liker makes a read like notification unread again and moves it to the top', async () => {
    const author = await insertUser(ctx.db);
    const [older, newer] = [await insertPost(ctx.db, { authorId: author.id }), await insertPost(ctx.db, { authorId: author.id })];
    await notifySongLiked(ctx.db, { postId: older.id, actorId: (await insertUser(ctx.db)).id });
    await notifySongLiked(ctx.db, { postId: newer.id, actorId: (await insertUser(ctx.db)).id });
    await ctx.db('notifications').where({ recipient_id: author.id }).update({ read_at: new Date() });
    await notifySongLiked(ctx.db, { postId: older.id, actorId: (await insertUser(ctx.db)).id });
    const rows = await ctx.db('notifications').where({ recipient_id: author.id }).orderBy([{ column: 'updated_at', order: 'desc' }, { column: 'id', order: 'desc' }]).select('subject_id', 'read_at', 'actors_count');
    expect(rows).toMatchObject([{ subject_id: older.id, read_at: null, actors_count: 2 }, { subject_id: newer.id, actors_count: 1 }]);
    expect(rows[1]!.read_at).not.toBeNull();
  });
});

describe('the page and the badge', () => {
  /** `n` followers of `user`, one second apart, the newest last. */
  async function followers(user: UserRow, n: number) {
    const made: UserRow[] = [];
    for (let i = 0; i < n; i++) {
      const follower = await insertUser(ctx.db);
      await notifyFollowed(ctx.db, { followerId: follower.id, followedId: user.id });
      await ctx.db('notifications').where({ recipient_id: user.id, subject_id: follower.id }).update({ created_at: new Date(Date.now() - (n - i) * 1000), updated_at: new Date(Date.now() - (n - i) * 1000) });
      made.push(follower);
    }
    return made;
  }
  const badge = (html: string) => /<span class="badge" data-unread>([^<]*)<\/span>/.exec(html)?.[1];

  it('lists newest first a page at a time, unread marked, each linking to its thing, and reading them clears the badge', async () => {
    const me = await insertUser(ctx.db);
    const made = await followers(me, 25);
    const { agent } = await signIn(me);
    const home = await agent.get('/');
    expect(badge(home.text), 'the count stops at 9+').toBe('9+');

    const first = await agent.get('/notifications');
    expect(first.status).toBe(200);
    const links = [...first.text.matchAll(/<li class="card notification( unread)?">[\s\S]*?<a href="([^"]+)">/g)].map((m) => [Boolean(m[1]), m[2]]);
    expect(links).toEqual(made.slice(5).reverse().map((f) => [true, `/users/${f.nickname}`]));
    const older = /href="(\/notifications\?before=[^"]+)" rel="next"/.exec(first.text)?.[1];
    expect(older).toBeDefined();
    // The page shown is read now; the five older ones are not yet.
    expect(badge(first.text)).toBe('5');

    const second = await agent.get(older!.replaceAll('&amp;', '&'));
    const rest = [...second.text.matchAll(/<li class="card notification( unread)?">[\s\S]*?<a href="([^"]+)">/g)].map((m) => m[2]);
    expect(rest).toEqual(made.slice(0, 5).reverse().map((f) => `/users/${f.nickname}`));
    expect(second.text).not.toContain('rel="next"');
    expect(badge(second.text)).toBeUndefined();

    const again = await agent.get('/notifications');
    expect(again.text).not.toContain('notification unread');
    expect(await ctx.db('notifications').where({ recipient_id: me.id }).whereNull('read_at').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('shows the exact count under ten, none for a visitor, and only each musician\'s own', async () => {
    const [me, other] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db)]);
    await followers(me, 3);
    await followers(other, 2);
    expect(badge((await (await signIn(me)).agent.get('/')).text)).toBe('3');
    expect(badge((await (await signIn(other)).agent.get('/')).text)).toBe('2');
    expect(badge((await supertest(ctx.app).get('/')).text)).toBeUndefined();
    expect((await supertest(ctx.app).get('/notifications')).headers.location).toBe('/login?next=%2Fnotifications');
  });
});

describe('settings', () => {
  it('turns the digest mail off and on again', async () => {
    const me = await insertUser(ctx.db);
    const { agent, csrf } = await signIn(me);
    expect((await agent.get('/settings/notifications')).text).toContain('Turn the digest mail off');
    const off = await agent.post('/settings/notifications').type('form').send({ _csrf: csrf, digest: '0' });
    expect(off.status).toBe(200);
    expect(off.text).toContain('Turn the digest mail on');
    expect(await ctx.db('digest_opt_outs').where({ user_id: me.id }).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect((await agent.post('/settings/notifications').type('form').send({ _csrf: csrf, digest: 'maybe' })).status).toBe(422);
    await agent.post('/settings/notifications').type('form').send({ _csrf: csrf, digest: '1' });
    expect(await ctx.db('digest_opt_outs').where({ user_id: me.id }).count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});
