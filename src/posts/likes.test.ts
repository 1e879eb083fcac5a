import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertContribution, insertPost, insertUser } from '../../test/db-factories.js';
import { buildUser, type SignedIn } from '../../test/factories.js';
import { setContributionLiked } from '../contributions/like-queries.js';
import { setPostLiked } from './like-queries.js';

let ctx: TestContext;
let fan: SignedIn;

beforeAll(async () => {
  ctx = await createTestContext();
  fan = await buildUser(ctx.app);
});
afterAll(() => ctx?.close());

const likesOf = async (postId: number) => ({
  counter: (await ctx.db('posts').where({ id: postId }).first('likes_count')).likes_count as number,
  rows: Number((await ctx.db('post_likes').where({ post_id: postId }).count({ n: '*' }).first())!.n),
});

describe('likes on songs', () => {
  it('50 musicians liking at once leave exactly 50, and the same likes again change nothing', async () => {
    const post = await insertPost(ctx.db);
    const users = await Promise.all(Array.from({ length: 50 }, () => insertUser(ctx.db)));
    await Promise.all(users.map((u) => setPostLiked(ctx.db, u.id, post.id, true)));
    expect(await likesOf(post.id)).toEqual({ counter: 50, rows: 50 });
    // Each of them again, twice and at once: inserts nothing, moves nothing.
    await Promise.all([...users, ...users].map((u) => setPostLiked(ctx.db, u.id, post.id, true)));
    expect(await likesOf(post.id)).toEqual({ counter: 50, rows: 50 });
    // Half take it back at once, each twice.
    const half = users.slice(0, 25);
    await Promise.all([...half, ...half].map((u) => setPostLiked(ctx.db, u.id, post.id, false)));
    expect(await likesOf(post.id)).toEqual({ counter: 25, rows: 25 });
  });

  it('a plain form post likes and goes back (303) to the page it came from', async () => {
    const post = await insertPost(ctx.db);
    const res = await fan.agent.post(`/posts/${post.id}/like`).type('form').send({ _csrf: fan.csrf, on: '1', back: '/genres/rock' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/genres/rock');
    expect(await likesOf(post.id)).toEqual({ counter: 1, rows: 1 });
    const again = await fan.agent.post(`/posts/${post.id}/like`).type('form').send({ _csrf: fan.csrf, on: '1', back: '//evil.example/' });
    expect(again.headers.location, 'no redirect off the site').toBe(`/posts/${post.id}`);
    expect(await likesOf(post.id)).toEqual({ counter: 1, rows: 1 });
  });

  it('with JavaScript: the new state and count as JSON; the page shows the pressed button', async () => {
    const post = await insertPost(ctx.db);
    const like = await fan.agent.post(`/posts/${post.id}/like`).set('Accept', 'application/json').set('X-CSRF-Token', fan.csrf).type('form').send({ on: '1' });
    expect(like.status).toBe(200);
    expect(like.body).toEqual({ liked: true, likes: 1 });
    const page = await fan.agent.get(`/posts/${post.id}`);
    expect(page.text).toMatch(/aria-pressed="true"[^>]*>[^]*?<svg[^]*?<span class="like-count">1<\/span>/);
    const visitorPage = await supertest(ctx.app).get(`/posts/${post.id}`);
    expect(visitorPage.text, 'a visitor is asked to log in').toContain(`<span class="visually-hidden">Log in to like ${post.title}</span>`);
    const unlike = await fan.agent.post(`/posts/${post.id}/like`).set('Accept', 'application/json').set('X-CSRF-Token', fan.csrf).type('form').send({ on: '0' });
    expect(unlike.body).toEqual({ liked: false, likes: 0 });
    expect((await fan.agent.get(`/posts/${post.id}`)).text).toContain('aria-pressed="false"');
  });

  it('refuses a body without a state, and a song that does not exist', async () => {
    const post = await insertPost(ctx.db);
    const bad = await fan.agent.post(`/posts/${post.id}/like`).set('Accept', 'application/json').set('X-CSRF-Token', fan.csrf).type('form').send({ on: 'toggle' });
    expect(bad.status).toBe(422);
    expect(await likesOf(post.id)).toEqual({ counter: 0, rows: 0 });
    const missing = await fan.agent.post('/posts/999999999/like').set('Accept', 'application/json').set('X-CSRF-Token', fan.csrf).type('form').send({ on: '1' });
    expect(missing.status).toBe(404);
  });
});

describe('likes on parts', () => {
  it('are exact under concurrency and shown on the post page', async () => {
    const post = await insertPost(ctx.db);
    const part = await insertContribution(ctx.db, { postId: post.id });
    const users = await Promise.all(Array.from({ length: 20 }, () => insertUser(ctx.db)));
    await Promise.all([...users, ...users].map((u) => setContributionLiked(ctx.db, u.id, part.id, true)));
    expect((await ctx.db('contributions').where({ id: part.id }).first('likes_count')).likes_count).toBe(20);
    const res = await fan.agent.post(`/contributions/${part.id}/like`).set('Accept', 'application/json').set('X-CSRF-Token', fan.csrf).type('form').send({ on: '1' });
    expect(res.body).toEqual({ liked: true, likes: 21 });
    const form = await fan.agent.post(`/contributions/${part.id}/like`).type('form').send({ _csrf: fan.csrf, on: '1' });
    expect(form.status).toBe(303);
    expect(form.headers.location).toBe(`/posts/${post.id}#contribution-${part.id}`);
    const page = await fan.agent.get(`/posts/${post.id}`);
    expect(page.text).toMatch(new RegExp(`action="/contributions/${part.id}/like"[^]*?aria-pressed="true"[^]*?<span class="like-count">21</span>`));
  });
});

describe('a musician who leaves', () => {
  it('takes their likes with them and the counters go down', async () => {
    const post = await insertPost(ctx.db);
    const part = await insertContribution(ctx.db, { postId: post.id });
    const other = await insertUser(ctx.db);
    await setPostLiked(ctx.db, other.id, post.id, true);
    const leaver = await buildUser(ctx.app);
    await leaver.agent.post(`/posts/${post.id}/like`).set('Accept', 'application/json').set('X-CSRF-Token', leaver.csrf).type('form').send({ on: '1' });
    await leaver.agent.post(`/contributions/${part.id}/like`).set('Accept', 'application/json').set('X-CSRF-Token', leaver.csrf).type('form').send({ on: '1' });
    expect(await likesOf(post.id)).toEqual({ counter: 2, rows: 2 });
    const res = await leaver.agent.post('/settings/delete-account').type('form').send({ _csrf: leaver.csrf, password: leaver.password });
    expect(res.status).toBe(303);
    expect(await likesOf(post.id)).toEqual({ counter: 1, rows: 1 });
    expect((await ctx.db('contributions').where({ id: part.id }).first('likes_count')).likes_count).toBe(0);
  });
});
