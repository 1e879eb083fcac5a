import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, type SignedIn } from '../../test/factories.js';

// Short enough to wait out in a test; production uses 60 s (SESSION_TOUCH_SECONDS).
const TOUCH_SECONDS = 3;

let ctx: TestContext;
let author: SignedIn;
let postId: number;
let trackId: string;

beforeAll(async () => {
  ctx = await createTestContext({ SESSION_TOUCH_SECONDS: String(TOUCH_SECONDS) });
  author = await buildUser(ctx.app);
  ({ id: postId } = await buildPost(author, { genre: 'rock', instrument: 'guitar' }));
  trackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id;
});
afterAll(() => ctx.close());

const sessionRows = async () => Number((await ctx.db('sessions').count({ n: '*' }).first())!.n);
const sessionOf = (user: SignedIn): Promise<Array<{ sid: string; expire: Date }>> =>
  ctx.db('sessions').whereRaw(`sess->'passport'->>'user' = (select id::text from users where nickname = ?)`, [user.nickname]).select('sid', 'expire');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('a visitor who only reads', () => {
  it('gets no session row and no cookie from 20 views of each page', async () => {
    const pages = ['/', `/posts/${postId}`, `/users/${author.nickname}`, '/genres/rock', '/instruments/guitar', `/tracks/${trackId}/stream`];
    const before = await sessionRows();
    for (let i = 0; i < 20; i++) {
      for (const url of pages) {
        const res = await supertest(ctx.app).get(url);
        expect(res.status, url).toBe(200);
        expect(res.headers['set-cookie'], url).toBeUndefined();
        if (res.type === 'text/html') expect(res.text, url).not.toContain('name="csrf-token"');
      }
    }
    expect(await sessionRows()).toBe(before);
  });

  it('gets a session and a token where a form is shown, and the form stays protected', async () => {
    const agent = supertest.agent(ctx.app);
    const before = await sessionRows();
    const page = await agent.get('/signup');
    expect(page.headers['set-cookie']?.[0]).toMatch(/^soundhub\.sid=/);
    const token = /<input type="hidden" name="_csrf" value="([^"]+)"/.exec(page.text)?.[1];
    expect(token).toMatch(/^[0-9a-f]{64}$/); // 32 random bytes (src/web/csrf.ts)
    expect(page.text).toContain(`<meta name="csrf-token" content="${token}">`);
    expect(await sessionRows()).toBe(before + 1);
    // The same visitor reading on keeps that one session and its token.
    const home = await agent.get('/');
    expect(home.text).toContain(`<meta name="csrf-token" content="${token}">`);
    expect(await sessionRows()).toBe(before + 1);
    const forged = await agent.post('/login').type('form').send({ email: author.email, password: author.password });
    expect(forged.status).toBe(403);
  });
});

describe('a signed-in session', () => {
  it('is not rewritten on every request, and is extended once the touch interval has passed', async () => {
    const user = await buildUser(ctx.app);
    const signedInAt = Date.now();
    const [row] = await sessionOf(user);
    expect(row, 'the session row of the new user').toBeDefined();

    for (const url of ['/', `/posts/${postId}`]) {
      const res = await user.agent.get(url);
      expect(res.status).toBe(200);
      expect(res.text).toContain(`<meta name="csrf-token" content="${user.csrf}">`);
      expect(res.headers['set-cookie'], url).toBeUndefined();
    }
    expect(Date.now() - signedInAt, 'the quick requests took longer than the touch interval').toBeLessThan(TOUCH_SECONDS * 1000);
    expect((await sessionOf(user))[0]!.expire).toEqual(row!.expire);

    await sleep(TOUCH_SECONDS * 1000 + 500);
    const later = await user.agent.get('/');
    expect(later.headers['set-cookie']?.[0]).toMatch(/^soundhub\.sid=.*Expires=/);
    const [touched] = await sessionOf(user);
    expect(touched!.sid).toBe(row!.sid);
    expect(touched!.expire.getTime()).toBeGreaterThan(row!.expire.getTime());
    // 30 days from now: inactivity still ends the session.
    expect(Math.abs(touched!.expire.getTime() - (Date.now() + 30 * 24 * 3600 * 1000))).toBeLessThan(60_000);

    const next = await user.agent.get('/');
    expect(next.headers['set-cookie']).toBeUndefined();
    expect((await sessionOf(user))[0]!.expire).toEqual(touched!.expire);
  });
});
