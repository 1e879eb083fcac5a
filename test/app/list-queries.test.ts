import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setContributionLiked } from '../../src/contributions/like-queries.js';
import { notifyFollowed, notifySongLiked } from '../../src/notifications/rules.js';
import { setPostLiked } from '../../src/posts/like-queries.js';
import { refreshTrending } from '../../src/feed/trending.js';
import { setLookingFor } from '../../src/posts/looking-for-queries.js';
import { setFollowing } from '../../src/users/follow-queries.js';
import { insertMessage, openConversation } from '../../src/messages/queries.js';
import { createTestContext, type TestContext } from '../context.js';
import { insertContribution, insertPost, insertPosts, insertUser, type UserRow } from '../db-factories.js';
import { buildUser, csrfFrom, type SignedIn } from '../factories.js';
import supertest from 'supertest';
import { FACTORY_PASSWORD } from '../db-factories.js';

/**
 * Each list page runs the same number of SQL queries with 5 items as with 50: no query per
 * card, per follower or per part. Counted with knex's 'query' event, for a signed-in viewer
 * who liked some of what is shown (their pressed likes are part of the page).
 */
let ctx: TestContext;
let viewer: SignedIn;
let viewerId: number;
let bassId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  viewer = await buildUser(ctx.app);
  viewerId = (await ctx.db('users').where({ nickname: viewer.nickname }).first('id')).id as number;
  bassId = (await ctx.db('instruments').where({ slug: 'bass' }).first('id')).id as number;
  // The viewer plays bass: their home and /for-you list the songs looking for it.
  await ctx.db('user_instruments').insert({ user_id: viewerId, instrument_id: bassId });
  // The taxonomy is read once per process (posts/taxonomy.ts): read it before counting, so the
  // first page counted is not charged for it.
  expect((await supertest(ctx.app).get('/genres/jazz')).status).toBe(200);
});
afterAll(() => ctx?.close());

async function queriesOf(url: string, as: 'viewer' | 'visitor' = 'viewer'): Promise<number> {
  let n = 0;
  const count = () => n++;
  ctx.db.on('query', count);
  try {
    const res = await (as === 'viewer' ? viewer.agent : supertest(ctx.app)).get(url);
    expect(res.status, url).toBe(200);
  } finally {
    ctx.db.off('query', count);
  }
  return n;
}

/**
 * A musician with `n` songs, `n` liked songs, `n` followers, following `n`, followed by the
 * viewer; each song is looking for bass and liked this week (so it trends, once refreshed);
 * a song with `n` parts and 3n comments.
 */
async function musicianWith(db: Knex, n: number, genre: string): Promise<UserRow & { postId: number }> {
  const user = await insertUser(db);
  const posts = await insertPosts(db, n, { authorId: user.id, genre });
  await setFollowing(db, viewerId, user.id, true);
  for (const p of posts) {
    await setLookingFor(db, p.id, [bassId]);
    await setPostLiked(db, user.id, p.id, true);
    await setPostLiked(db, viewerId, p.id, true);
    const other = await insertUser(db);
    await setFollowing(db, other.id, user.id, true);
    await setFollowing(db, user.id, other.id, true);
  }
  const song = await insertPost(db, { authorId: user.id, genre });
  for (let i = 0; i < n; i++) {
    const part = await insertContribution(db, { postId: song.id });
    if (i % 2) await setContributionLiked(db, viewerId, part.id, true);
    // Their own parts on other songs, and parts they liked: the profile's parts and liked-parts tabs.
    const played = await insertContribution(db, { contributorId: user.id });
    await setContributionLiked(db, user.id, part.id, true);
    await setContributionLiked(db, viewerId, played.id, true);
    // A timed comment on the part, one on the song with a reply (each by someone else).
    const commenter = await insertUser(db);
    await db('comments').insert({ post_id: song.id, contribution_id: part.id, author_id: commenter.id, body: `On part ${i}`, at_ms: 1000 });
    const [top] = await db('comments').insert({ post_id: song.id, author_id: commenter.id, body: `On the song ${i}` }).returning('id');
    await db('comments').insert({ post_id: song.id, parent_id: top.id, author_id: user.id, body: `Thanks ${i}` });
  }
  await refreshTrending(db);
  return { ...user, postId: song.id };
}

/** The lists whose every page grows with the site (the home's sections, the full lists). */
const sitePages = {
  'home, signed in': ['/', 'viewer'],
  'home, signed out': ['/', 'visitor'],
  following: ['/following', 'viewer'],
  trending: ['/trending', 'visitor'],
  'new songs': ['/new', 'visitor'],
  'looking for bass': ['/looking-for/bass', 'visitor'],
  'looking for a part': ['/looking-for', 'visitor'],
  'looking for your instruments': ['/for-you', 'viewer'],
} as const;
const countSitePages = async () => {
  const counts: Record<string, number> = {};
  for (const [name, [url, as]] of Object.entries(sitePages)) counts[name] = await queriesOf(url, as);
  return counts;
};

describe('list pages run a bounded number of queries', () => {
  it('the same with 5 items as with 50, page by page', async () => {
    const small = await musicianWith(ctx.db, 5, 'jazz');
    const siteSmall = await countSitePages();
    const big = await musicianWith(ctx.db, 50, 'blues');
    const siteBig = await countSitePages();
    const pages = (m: UserRow & { postId: number }, genre: string) => ({
      genre: `/genres/${genre}`,
      profile: `/users/${m.nickname}`,
      parts: `/users/${m.nickname}/parts`,
      liked: `/users/${m.nickname}/liked`,
      'liked parts': `/users/${m.nickname}/liked/parts`,
      followers: `/users/${m.nickname}/followers`,
      following: `/users/${m.nickname}/following`,
      'post page with its parts and comments': `/posts/${m.postId}`,
    });
    const counts: Record<string, [number, number]> = Object.fromEntries(Object.keys(sitePages).map((name) => [name, [siteSmall[name]!, siteBig[name]!]]));
    const smallPages = pages(small, 'jazz');
    const bigPages = pages(big, 'blues');
    for (const name of Object.keys(smallPages) as Array<keyof typeof smallPages>) counts[name] = [await queriesOf(smallPages[name]), await queriesOf(bigPages[name])];
    console.log('queries per page (5 items, 50 items):', counts);
    for (const [name, [five, fifty]] of Object.entries(counts)) {
      expect(five, name).toBeGreaterThan(0);
      expect(fifty, `${name}: ${five} queries with 5 items, ${fifty} with 50`).toBe(five);
    }
  });

  it('/notifications the same with 5 notifications as with 50', async () => {
    /** A musician with `n` notifications of two kinds (followers and grouped likes), signed in. */
    const withNotifications = async (n: number) => {
      const user = await insertUser(ctx.db);
      for (let i = 0; i < n; i++) {
        const other = await insertUser(ctx.db);
        if (i % 2) await notifyFollowed(ctx.db, { followerId: other.id, followedId: user.id });
        else await notifySongLiked(ctx.db, { postId: (await insertPost(ctx.db, { authorId: user.id })).id, actorId: other.id });
      }
      const agent = supertest.agent(ctx.app);
      const csrf = await csrfFrom(agent, '/login');
      expect((await agent.post('/login').type('form').send({ _csrf: csrf, email: user.email, password: FACTORY_PASSWORD })).status).toBe(303);
      return agent;
    };
    const queriesAs = async (agent: ReturnType<typeof supertest.agent>) => {
      let n = 0;
      const count = () => n++;
      ctx.db.on('query', count);
      try {
        expect((await agent.get('/notifications')).status).toBe(200);
      } finally {
        ctx.db.off('query', count);
      }
      return n;
    };
    // Each page is counted unread (its first visit marks it read, which is one query either way).
    const five = await queriesAs(await withNotifications(5));
    const fifty = await queriesAs(await withNotifications(50));
    console.log('queries of /notifications (5 items, 50 items):', [five, fifty]);
    expect(five).toBeGreaterThan(0);
    expect(fifty).toBe(five);
  });

  it('the inbox and a conversation: the same with 5 conversations or messages as with 50', async () => {
    /** `n` messages from `other` to the viewer (unread), one conversation. */
    const writeToViewer = async (other: UserRow, n: number) => {
      await ctx.db.transaction(async (trx) => {
        const { id } = await openConversation(trx, other.id, viewerId, new Date());
        for (let i = 0; i < n; i++) await insertMessage(trx, { conversationId: id, senderId: other.id, body: `message ${i}` });
      });
    };
    const partners: UserRow[] = [];
    const more = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const other = await insertUser(ctx.db);
        await writeToViewer(other, 1);
        partners.push(other);
      }
    };
    await more(5);
    const inboxFive = await queriesOf('/messages');
    await more(45);
    const inboxFifty = await queriesOf('/messages');
    const [few, many] = [await insertUser(ctx.db), await insertUser(ctx.db)];
    await writeToViewer(few, 5);
    await writeToViewer(many, 50);
    const counts = { inbox: [inboxFive, inboxFifty], conversation: [await queriesOf(`/messages/${few.nickname}`), await queriesOf(`/messages/${many.nickname}`)] };
    console.log('queries per messages page (5 items, 50 items):', counts);
    for (const [name, [five, fifty]] of Object.entries(counts)) {
      expect(five, name).toBeGreaterThan(0);
      expect(fifty, `${name}: ${five} queries with 5 items, ${fifty} with 50`).toBe(five);
    }
  });
});
