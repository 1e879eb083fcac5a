import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildUser, csrfFrom, uniq } from '../../test/factories.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

describe('sign up', () => {
  it('creates the account unverified, stores an argon2id hash, and asks the musician to check their inbox', async () => {
    const agent = supertest.agent(ctx.app);
    const nickname = uniq('Ana');
    const csrf = await csrfFrom(agent);
    const res = await agent.post('/signup').type('form').send({ email: `${nickname}@Example.TEST`, nickname, password: 'a long enough secret', _csrf: csrf, next: '/genres/rock' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent?next=%2Fgenres%2Frock');
    const sent = await agent.get(res.headers.location!);
    expect(sent.text).toContain('Check your inbox');
    expect(sent.text).toContain('href="/login?next=%2Fgenres%2Frock"');
    const row = await ctx.db('users').where({ nickname }).first();
    expect(row.email).toBe(`${nickname.toLowerCase()}@example.test`);
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.verified).toBe(false);
    // Not signed in by the sign-up itself: a taken email must get the very same answer.
    expect((await agent.get('/')).text).not.toContain('Log out');
    const login = await agent.post('/login').type('form').send({ email: row.email, password: 'a long enough secret', _csrf: csrf });
    expect(login.status).toBe(303);
    const cookie = login.headers['set-cookie']![0]!;
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    const home = await agent.get('/');
    expect(home.text).toContain(nickname);
    expect(home.text).toContain('Log out');
  });

  it('answers a taken email as a new one and creates nothing; a taken nickname is a 422 that keeps the typed values', async () => {
    const taken = await buildUser(ctx.app);
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent);
    const again = await agent.post('/signup').type('form').send({ email: taken.email.toUpperCase(), nickname: uniq('other'), password: 'another long secret', _csrf: csrf });
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/signup/sent?next=%2F');
    expect(again.text).not.toContain('already');
    expect(await ctx.db('users').whereRaw('lower(email) = ?', [taken.email]).count({ n: '*' })).toEqual([{ n: 1 }]);

    const res = await agent.post('/signup').type('form').send({ email: `${uniq('new')}@example.test`, nickname: taken.nickname.toUpperCase(), password: 'another long secret', _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('This nickname is taken');
    expect(res.text).toContain(`value="${taken.nickname.toUpperCase()}"`);
    expect(await ctx.db('users').whereRaw('lower(nickname) = lower(?)', [taken.nickname]).count({ n: '*' })).toEqual([{ n: 1 }]);
  });

  it('refuses missing fields and a weak password with 422 and a message per field', async () => {
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent);
    const res = await agent.post('/signup').type('form').send({ email: 'not-an-email', nickname: 'x', password: 'short', _csrf: csrf });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Enter a valid email address.');
    expect(res.text).toContain('Nickname needs at least 3 characters.');
    expect(res.text).toContain('Password needs at least 10 characters.');
    const res2 = await agent.post('/signup').type('form').send({ _csrf: csrf });
    expect(res2.status).toBe(422);
  });
});

describe('log in and out', () => {
  it('logs in with the right password, with a new session id, and logs out', async () => {
    const user = await buildUser(ctx.app);
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent, '/login');
    const before = (await agent.get('/login')).headers['set-cookie'];
    const res = await agent.post('/login').type('form').send({ email: user.email, password: user.password, _csrf: csrf });
    expect(res.status).toBe(303);
    const after = res.headers['set-cookie']![0]!.split(';')[0];
    expect(after).not.toBe(before?.[0]?.split(';')[0]);
    expect((await agent.get('/')).text).toContain(user.nickname);

    const token = await csrfFrom(agent, '/');
    const out = await agent.post('/logout').type('form').send({ _csrf: token });
    expect(out.status).toBe(303);
    const home = await agent.get('/');
    expect(home.text).toContain('Log in');
    expect(home.text).not.toContain('Log out');
  });

  it('refuses a wrong password with 401 and a message, without saying which part was wrong', async () => {
    const user = await buildUser(ctx.app);
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ email: user.email, password: 'wrong password!!', _csrf: csrf });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Wrong email or password.');
    const unknown = await agent.post('/login').type('form').send({ email: 'nobody@example.test', password: 'whatever12345', _csrf: csrf });
    expect(unknown.status).toBe(401);
    expect(unknown.text).toContain('Wrong email or password.');
  });

  it('only follows same-site "next" paths after login', async () => {
    const user = await buildUser(ctx.app);
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent, '/login');
    const res = await agent.post('/login').type('form').send({ email: user.email, password: user.password, _csrf: csrf, next: '//evil.example/' });
    expect(res.headers.location).toBe('/');
  });
});

describe('CSRF', () => {
  it('refuses a form post without a token with 403 and creates nothing', async () => {
    const nickname = uniq('nocsrf');
    const res = await supertest(ctx.app).post('/signup').type('form').send({ email: `${nickname}@example.test`, nickname, password: 'a long enough secret' });
    expect(res.status).toBe(403);
    expect(await ctx.db('users').where({ nickname }).first()).toBeUndefined();
  });

  it('refuses a token from another session', async () => {
    const a = await buildUser(ctx.app);
    const b = await buildUser(ctx.app);
    const res = await a.agent.post('/logout').type('form').send({ _csrf: b.csrf });
    expect(res.status).toBe(403);
    // Refused, so nothing happened: `a` is still signed in.
    expect((await a.agent.get('/')).text).toContain('Log out');
  });

  it('accepts the token in the X-CSRF-Token header', async () => {
    const user = await buildUser(ctx.app);
    const res = await user.agent.post('/logout').set('X-CSRF-Token', user.csrf);
    expect(res.status).toBe(303);
    expect((await user.agent.get('/')).text).not.toContain('Log out');
  });
});

describe('where a musician goes next', () => {
  it('sends a signed-in musician on from /login and /signup, only ever inside the site', async () => {
    const user = await buildUser(ctx.app);
    for (const page of ['/login', '/signup']) {
      const plain = await user.agent.get(page);
      expect(plain.status).toBe(303);
      expect(plain.headers.location).toBe('/');
      const on = await user.agent.get(`${page}?next=${encodeURIComponent('/genres/rock?sort=new')}`);
      expect(on.headers.location).toBe('/genres/rock?sort=new');
      for (const evil of ['//evil.example', '/\\evil.example', 'https://evil.example/', '/\t/evil.example']) {
        expect((await user.agent.get(`${page}?next=${encodeURIComponent(evil)}`)).headers.location, evil).toBe('/');
      }
    }
  });

  it('keeps next from the log-in page to sign-up and back, and on to the page after signing up', async () => {
    const next = '/genres/jazz?sort=new';
    const agent = supertest.agent(ctx.app);
    const login = await agent.get(`/login?next=${encodeURIComponent(next)}`);
    // The page's own link (the header's plain one comes first).
    const signupHref = /href="(\/signup[^"]*)"/.exec(login.text.slice(login.text.indexOf('<main')))![1]!;
    expect(signupHref).toBe(`/signup?next=${encodeURIComponent(next)}`);
    const signup = await agent.get(signupHref);
    expect(signup.text).toContain(`name="next" value="${next}"`);
    expect(/href="(\/login[^"]*)"/.exec(signup.text.slice(signup.text.indexOf('<main')))![1]).toBe(`/login?next=${encodeURIComponent(next)}`);

    const nickname = uniq('follower');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(signup.text)![1]!;
    const made = await agent.post('/signup').type('form').send({ email: `${nickname}@example.test`, nickname, password: 'a long enough secret', next, _csrf: csrf });
    expect(made.status).toBe(303);
    // Sign-up no longer signs in (the address is confirmed first); the next page keeps next.
    expect(made.headers.location).toBe(`/signup/sent?next=${encodeURIComponent(next)}`);
    const sent = await agent.get(made.headers.location!);
    expect(sent.text).toContain(`/login?next=${encodeURIComponent(next)}`);
  });

  it('drops a next that leaves the site on every page that carries it', async () => {
    const agent = supertest.agent(ctx.app);
    const login = await agent.get(`/login?next=${encodeURIComponent('//evil.example')}`);
    expect(login.text).toContain('name="next" value="/"');
    expect(login.text).not.toContain('evil.example');
    const signup = await agent.get(`/signup?next=${encodeURIComponent('/\\evil.example')}`);
    expect(signup.text).not.toContain('evil.example');
  });
});

describe('an idle session', () => {
  it('ends once its row has expired (30 days without a visit), and the cookie no longer signs in', async () => {
    const user = await buildUser(ctx.app);
    const sessionOf = () => ctx.db('sessions').whereRaw(`sess->'passport'->>'user' = (select id::text from users where nickname = ?)`, [user.nickname]);
    const [row] = await sessionOf().select('expire');
    // Sign-up set the 30-day expiry; an idle session keeps it (sessions.test.ts: each visit extends it).
    expect(Math.abs(row.expire.getTime() - (Date.now() + 30 * 24 * 3600 * 1000))).toBeLessThan(60_000);
    await sessionOf().update({ expire: new Date(Date.now() - 1000) });
    const home = await user.agent.get('/');
    expect(home.text).toContain('Log in');
    expect(home.text).not.toContain(user.nickname);
  });
});
