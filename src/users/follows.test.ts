import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertContribution, insertPost, insertUser } from '../../test/db-factories.js';
import { setContributionLiked } from '../contributions/like-queries.js';
import { buildUser, type SignedIn } from '../../test/factories.js';
import { setPostLiked } from '../posts/like-queries.js';
import { setFollowing } from './follow-queries.js';

let ctx: TestContext;
let fan: SignedIn;

beforeAll(async () => {
  ctx = await createTestContext();
  fan = await buildUser(ctx.app);
});
afterAll(() => ctx?.close());

const follow = (who: SignedIn, nickname: string, on: '1' | '0') =>
  who.agent.post(`/users/${nickname}/follow`).set('Accept', 'application/json').set('X-CSRF-Token', who.csrf).type('form').send({ on });
const idOf = async (nickname: string) => (await ctx.db('users').where({ nickname }).first('id')).id as number;

describe('follows', () => {
  it('follow and unfollow, each twice changing nothing the second time; counts on the profile', async () => {
    const star = await insertUser(ctx.db);
    expect((await follow(fan, star.nickname, '1')).body).toEqual({ following: true, followers: 1 });
    expect((await follow(fan, star.nickname, '1')).body).toEqual({ following: true, followers: 1 });
    const page = await fan.agent.get(`/users/${star.nickname}`);
    expect(page.text).toContain('1 follower<');
    expect(page.text).toMatch(/aria-pressed="true">Following</);
    const mine = await fan.agent.get(`/users/${fan.nickname}`);
    expect(mine.text).toContain('1 following<');
    expect(mine.text, 'no follow button on your own page').not.toContain('/follow"');
    expect((await follow(fan, star.nickname, '0')).body).toEqual({ following: false, followers: 0 });
    expect((await follow(fan, star.nickname, '0')).body).toEqual({ following: false, followers: 0 });
  });

  it('a plain form goes back to the profile (303); yourself is refused (422)', async () => {
    const star = await insertUser(ctx.db);
    const res = await fan.agent.post(`/users/${star.nickname}/follow`).type('form').send({ _csrf: fan.csrf, on: '1', back: `/users/${star.nickname}/followers` });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/users/${star.nickname}/followers`);
    const self = await follow(fan, fan.nickname, '1');
    expect(self.status).toBe(422);
    expect(self.body.error.fields.on).toBe('You cannot follow yourself.');
    expect(await ctx.db('follows').where({ follower_id: await idOf(fan.nickname), followed_id: await idOf(fan.nickname) }).first()).toBeUndefined();
    expect((await follow(fan, 'nobody-by-this-name', '1')).status).toBe(404);
  });

  it('followers and following tabs list newest first and page by keyset', async () => {
    const star = await insertUser(ctx.db);
    const fans = [];
    for (let i = 0; i < 23; i++) {
      const u = await insertUser(ctx.db);
      await setFollowing(ctx.db, u.id, star.id, true);
      fans.push(u);
      await setFollowing(ctx.db, star.id, u.id, true);
    }
    const names = (html: string) => [...html.matchAll(/<a class="post-title" href="\/users\/[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    const first = await supertest(ctx.app).get(`/users/${star.nickname}/followers`);
    expect(first.status).toBe(200);
    expect(first.text).toContain('Followers · 23');
    expect(names(first.text)).toEqual(fans.slice(3).reverse().map((u) => u.nickname));
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!.replace(/&amp;/g, '&');
    expect(names((await supertest(ctx.app).get(older)).text)).toEqual(fans.slice(0, 3).reverse().map((u) => u.nickname));
    const following = await supertest(ctx.app).get(`/users/${star.nickname}/following`);
    expect(names(following.text)).toEqual(fans.slice(3).reverse().map((u) => u.nickname));
  });

  it('the liked tab lists the songs liked, newest like first, with a working older page', async () => {
    const liker = await insertUser(ctx.db);
    const posts = [];
    for (let i = 0; i < 22; i++) {
      const p = await insertPost(ctx.db);
      await setPostLiked(ctx.db, liker.id, p.id, true);
      posts.push(p);
    }
    const titles = (html: string) => [...html.matchAll(/<a class="post-title" href="\/posts\/\d+">([^<]+)<\/a>/g)].map((m) => m[1]);
    const first = await supertest(ctx.app).get(`/users/${liker.nickname}/liked`);
    expect(titles(first.text)).toEqual(posts.slice(2).reverse().map((p) => p.title));
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!;
    expect(titles((await supertest(ctx.app).get(older)).text)).toEqual(posts.slice(0, 2).reverse().map((p) => p.title));
  });

  it('the parts tab and the liked parts list page by keyset, newest first, each part naming its song', async () => {
    const musician = await insertUser(ctx.db);
    const played = [];
    const liked = [];
    for (let i = 0; i < 22; i++) {
      const post = await insertPost(ctx.db);
      played.push({ ...(await insertContribution(ctx.db, { postId: post.id, contributorId: musician.id, included: i === 21, note: `take ${i}` })), title: post.title });
      const other = await insertPost(ctx.db);
      const part = await insertContribution(ctx.db, { postId: other.id, instrument: 'drums' });
      await setContributionLiked(ctx.db, musician.id, part.id, true);
      liked.push({ ...part, title: other.title });
    }
    const parts = (html: string) => [...html.matchAll(/<a class="post-title" href="\/posts\/(\d+)#contribution-(\d+)">[^<]+ on “([^”]+)”<\/a>/g)].map((m) => `${m[2]} ${m[3]}`);
    const expected = (rows: Array<{ id: number; title: string }>) => rows.map((r) => `${r.id} ${r.title}`).reverse();

    const first = await supertest(ctx.app).get(`/users/${musician.nickname}/parts`);
    expect(first.status).toBe(200);
    expect(parts(first.text)).toEqual(expected(played.slice(2)));
    expect(first.text).toContain('In the mix');
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!;
    expect(parts((await supertest(ctx.app).get(older)).text)).toEqual(expected(played.slice(0, 2)));

    const likedFirst = await supertest(ctx.app).get(`/users/${musician.nickname}/liked/parts`);
    expect(parts(likedFirst.text)).toEqual(expected(liked.slice(2)));
    expect(likedFirst.text).toMatch(/Drums on/);
    const likedOlder = /href="([^"]+)" rel="next"/.exec(likedFirst.text)![1]!;
    expect(parts((await supertest(ctx.app).get(likedOlder)).text)).toEqual(expected(liked.slice(0, 2)));
    // The songs list of the same tab links to the parts list and back.
    expect((await supertest(ctx.app).get(`/users/${musician.nickname}/liked`)).text).toContain(`href="/users/${musician.nickname}/liked/parts"`);
  });

  it('a tab under a nickname given up moves to the new one (301)', async () => {
    const u = await insertUser(ctx.db);
    await ctx.db('nickname_history').insert({ user_id: u.id, nickname: `${u.nickname}old` });
    const res = await supertest(ctx.app).get(`/users/${u.nickname}old/followers?before=1_1`);
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`/users/${u.nickname}/followers?before=1_1`);
  });
});
