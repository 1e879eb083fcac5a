import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { insertPost, insertUser } from '../../test/db-factories.js';
import { buildUser, uniq } from '../../test/factories.js';
import type { Request, Response } from 'express';
import { sharedReads, type SharedRead } from './shared-reads.js';

// The app's default window (2 s), not the test suite's 0: this file is about the sharing.
let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext({ SHARED_READ_SECONDS: '2' });
});
afterAll(() => ctx.close());

/** A visitor with a cookie (their theme) but no session: nginx's page cache would not serve them. */
const visitor = () => supertest(ctx.app).get('/').set('Cookie', 'soundhub.theme=dark');

describe('reads shared between viewers for a moment', () => {
  it('shows visitors a new song by someone else within the window, not necessarily at once', async () => {
    const before = await visitor();
    expect(before.status).toBe(200);
    const author = await insertUser(ctx.db);
    const title = uniq('Shared read song ');
    await insertPost(ctx.db, { authorId: author.id, title });
    // Inside the window the home page is still the one read before the song existed…
    const soon = await visitor();
    expect(soon.text).not.toContain(title);
    // …and after it, every visitor sees the song.
    await eventually(async () => (await visitor()).text.includes(title), { timeoutMs: 10_000, what: 'the new song on the home page' });
  });

  it('shows a musician their own change at once: a state change sets the cookie that reads afresh', async () => {
    const me = await buildUser(ctx.app);
    const profile = `/users/${encodeURIComponent(me.nickname)}`;
    // A visitor's read of the profile fills the shared copy.
    expect((await supertest(ctx.app).get(profile)).status).toBe(200);
    const bio = uniq('A bio written just now ');
    const saved = await me.agent.post('/settings').type('form').send({ _csrf: me.csrf, nickname: me.nickname, bio });
    expect(saved.status).toBe(303);
    const cookie = String(saved.headers['set-cookie']);
    expect(cookie).toMatch(/soundhub\.wrote=1; Max-Age=5;/);
    expect(cookie).toContain('HttpOnly');
    // The musician sees the new bio at once; the shared copy others get may be a moment old.
    expect((await me.agent.get(profile)).text).toContain(bio);
    expect((await supertest(ctx.app).get(profile)).text).not.toContain(bio);
    await eventually(async () => (await supertest(ctx.app).get(profile)).text.includes(bio), { timeoutMs: 10_000, what: 'the new bio on the profile' });
  });

  it('never shares what is the viewer’s own: another musician’s like stays theirs', async () => {
    const author = await buildUser(ctx.app);
    const post = await insertPost(ctx.db, { authorId: (await ctx.db('users').where({ nickname: author.nickname }).first('id')).id, title: uniq('Liked song ') });
    const fan = await buildUser(ctx.app);
    const liked = await fan.agent.post(`/posts/${post.id}/like`).set('Accept', 'application/json').send({ _csrf: fan.csrf, on: '1' });
    expect(liked.status).toBeLessThan(400);
    const other = await buildUser(ctx.app);
    // The fan's page has the button pressed; the other musician's, read in the same window, has not.
    const pressed = (res: supertest.Response) => new RegExp(`action="/posts/${post.id}/like"[^>]*>[\\s\\S]{0,1200}?aria-pressed="true"`).test(res.text);
    expect(pressed(await fan.agent.get(`/posts/${post.id}`))).toBe(true);
    expect(pressed(await other.agent.get(`/posts/${post.id}`))).toBe(false);
  });

  it('shares a visitor’s whole page only when nothing in it is theirs: their theme, no form token, no cookie', async () => {
    const dark = await supertest(ctx.app).get('/genres').set('Cookie', 'soundhub.theme=dark');
    const light = await supertest(ctx.app).get('/genres').set('Cookie', 'soundhub.theme=light');
    expect(dark.text).toContain('data-theme="dark"');
    expect(light.text).toContain('data-theme="light"');
    const again = await supertest(ctx.app).get('/genres').set('Cookie', 'soundhub.theme=dark');
    expect(again.text).toBe(dark.text);
    expect(again.headers['content-type']).toBe(dark.headers['content-type']);
    expect(again.headers['content-language']).toBe('en');
    expect(again.headers['set-cookie']).toBeUndefined();
    // A page with a form mints a token into a new session: each visitor gets their own.
    const tokenOf = (res: supertest.Response) => /name="csrf-token" content="([^"]+)"/.exec(res.text)?.[1];
    const first = await supertest(ctx.app).get('/login').set('Cookie', 'soundhub.theme=dark');
    const second = await supertest(ctx.app).get('/login').set('Cookie', 'soundhub.theme=dark');
    expect(tokenOf(first)).toBeDefined();
    expect(tokenOf(second)).not.toBe(tokenOf(first));
    expect(second.headers['set-cookie']).toBeDefined();
  });
});


describe('one shared read', () => {
  /** The `req.shared` a GET without cookies gets from a 1-second window. */
  function sharedOf(): SharedRead {
    const req = { method: 'GET', headers: {} } as unknown as Request;
    sharedReads(1)(req, {} as Response, () => undefined);
    return req.shared;
  }
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('is read once for a burst, served for the window, then for as long again while read afresh, never older', async () => {
    const shared = sharedOf();
    let reads = 0;
    const load = async () => {
      reads++;
      await sleep(50);
      return reads;
    };
    expect(await Promise.all([shared('k', load), shared('k', load), shared('k', load)])).toEqual([1, 1, 1]);
    expect(reads).toBe(1);
    await sleep(1100);
    // Past its second: the last value at once, and one read afresh behind it.
    expect(await shared('k', load)).toBe(1);
    await sleep(100);
    expect(await shared('k', load)).toBe(2);
    expect(reads).toBe(2);
    // Past twice the window nothing old is served: the request waits for the read.
    await sleep(2100);
    expect(await shared('k', load)).toBe(3);
  });

  it('passes a failed read to the request that made it, and keeps nothing of it', async () => {
    const shared = sharedOf();
    await expect(shared('bad', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    expect(await shared('bad', () => Promise.resolve('back'))).toBe('back');
  });
});
