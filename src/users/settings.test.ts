import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildUser, csrfFrom, uniq, type SignedIn } from '../../test/factories.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

const idOf = async (user: SignedIn) => (await ctx.db('users').whereRaw('lower(email) = lower(?)', [user.email]).first('id')).id as number;
const saveProfile = (user: SignedIn, fields: Record<string, string | string[]>) =>
  user.agent.post('/settings').type('form').send({ _csrf: user.csrf, nickname: user.nickname, bio: '', ...fields });

describe('the profile settings page', () => {
  it('sends a visitor to log in, and shows a musician their profile form and the settings pages', async () => {
    const anon = await supertest(ctx.app).get('/settings');
    expect(anon.status).toBe(302);
    expect(anon.headers.location).toBe('/login?next=%2Fsettings');
    const me = await buildUser(ctx.app);
    const page = await me.agent.get('/settings');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`value="${me.nickname}"`);
    for (const href of ['/settings', '/settings/pictures', '/settings/email', '/settings/account']) expect(page.text).toContain(`href="${href}"`);
    expect(page.text).toMatch(/href="\/settings" aria-current="page"/);
  });
});

describe('a new nickname', () => {
  it('moves the profile, and the old URL answers 301 to the new one (query kept)', async () => {
    const me = await buildUser(ctx.app);
    const old = me.nickname;
    const renamed = uniq('renamed');
    const res = await saveProfile(me, { nickname: renamed });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/settings?saved=1');
    expect((await ctx.db('users').where({ id: await idOf(me) }).first('nickname')).nickname).toBe(renamed);
    expect(await ctx.db('nickname_history').where({ user_id: await idOf(me) }).pluck('nickname')).toEqual([old]);

    const moved = await supertest(ctx.app).get(`/users/${old.toUpperCase()}?before=abc`);
    expect(moved.status).toBe(301);
    expect(moved.headers.location).toBe(`/users/${renamed}?before=abc`);
    const page = await supertest(ctx.app).get(`/users/${renamed}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(`<h1>${renamed}</h1>`);
    // The header follows the new name at once.
    expect((await me.agent.get('/settings')).text).toContain(`href="/users/${renamed}"`);
    expect((await me.agent.get('/settings?saved=1')).text).toContain('Your profile is saved.');
  });

  it('keeps every old name pointing at the musician through several renames, and taking one back forgets it', async () => {
    const me = await buildUser(ctx.app);
    const [first, second, third] = [me.nickname, uniq('second'), uniq('third')];
    expect((await saveProfile(me, { nickname: second })).status).toBe(303);
    expect((await saveProfile({ ...me, nickname: second }, { nickname: third })).status).toBe(303);
    for (const old of [first, second]) expect((await supertest(ctx.app).get(`/users/${old}`)).headers.location).toBe(`/users/${third}`);
    expect((await saveProfile({ ...me, nickname: third }, { nickname: first })).status).toBe(303);
    expect((await supertest(ctx.app).get(`/users/${first}`)).status).toBe(200);
    expect(await ctx.db('nickname_history').where({ user_id: await idOf(me) }).orderBy('nickname').pluck('nickname')).toEqual([second, third].sort());
    expect((await supertest(ctx.app).get(`/users/${third}`)).headers.location).toBe(`/users/${first}`);
  });

  it('refuses a name someone else holds or gave up (422, the form kept), at settings and at sign-up', async () => {
    const [me, other, leaver] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app)]);
    const given = leaver.nickname;
    expect((await saveProfile(leaver, { nickname: uniq('moved') })).status).toBe(303);

    for (const taken of [other.nickname.toUpperCase(), given]) {
      const res = await saveProfile(me, { nickname: taken, bio: 'kept while I fix it' });
      expect(res.status).toBe(422);
      expect(res.text).toContain('This nickname is taken. Try another.');
      expect(res.text).toContain('kept while I fix it');
      expect(res.text).toContain('aria-invalid="true" aria-describedby="nickname-error"');
      expect(await ctx.db('users').where({ id: await idOf(me) }).first('nickname', 'bio')).toEqual({ nickname: me.nickname, bio: '' });
    }
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent);
    const signup = await agent.post('/signup').type('form').send({ _csrf: csrf, email: `${uniq('x')}@example.test`, nickname: given, password: 'a long enough secret' });
    expect(signup.status).toBe(422);
    expect(signup.text).toContain('This nickname is taken.');
  });

  it('may change only its case: the same URL, nothing to remember', async () => {
    const me = await buildUser(ctx.app, { nickname: uniq('lower') });
    const upper = me.nickname.toUpperCase();
    expect((await saveProfile(me, { nickname: upper })).status).toBe(303);
    expect((await ctx.db('users').where({ id: await idOf(me) }).first('nickname')).nickname).toBe(upper);
    expect(await ctx.db('nickname_history').where({ user_id: await idOf(me) }).count({ n: '*' }).first()).toEqual({ n: 0 });
    expect((await supertest(ctx.app).get(`/users/${me.nickname}`)).status).toBe(200);
  });

  it('follows the sign-up rules: a bad one is a field error', async () => {
    const me = await buildUser(ctx.app);
    const res = await saveProfile(me, { nickname: 'no spaces!' });
    expect(res.status).toBe(422);
    expect(res.text).toContain('Nickname can use letters, digits, _ and - only.');
  });
});

describe('bio, instruments and genres', () => {
  it('are saved and shown on the profile, the bio as text with its line breaks', async () => {
    const me = await buildUser(ctx.app);
    const bio = 'Bass player from Lyon.\nLoves <b>odd</b> meters & "late" grooves.';
    const res = await saveProfile(me, { bio, instruments: ['bass', 'vocal'], genres: ['jazz'] });
    expect(res.status).toBe(303);
    const form = await me.agent.get('/settings');
    expect(form.text).toMatch(/value="bass" checked/);
    expect(form.text).toMatch(/value="vocal" checked/);
    expect(form.text).toMatch(/value="jazz" checked/);
    expect(form.text).not.toMatch(/value="guitar" checked/);

    const page = await supertest(ctx.app).get(`/users/${me.nickname}`);
    expect(page.text).toContain('<p class="bio">Bass player from Lyon.\nLoves &lt;b&gt;odd&lt;/b&gt; meters &amp; &#34;late&#34; grooves.</p>');
    expect(page.text).not.toContain('<b>odd</b>');
    const [bass, vocal, jazz] = await Promise.all([
      ctx.db('instruments').where({ slug: 'bass' }).first('name'),
      ctx.db('instruments').where({ slug: 'vocal' }).first('name'),
      ctx.db('genres').where({ slug: 'jazz' }).first('name'),
    ]);
    expect(page.text).toContain(`<a class="tag" href="/instruments/bass">${bass.name}</a>`);
    expect(page.text).toContain(`<a class="tag" href="/instruments/vocal">${vocal.name}</a>`);
    expect(page.text).toContain(`<a class="tag muted" href="/genres/jazz">${jazz.name}</a>`);

    // Unticking all of them clears them.
    expect((await saveProfile(me, { bio })).status).toBe(303);
    const id = await idOf(me);
    expect(await ctx.db('user_instruments').where({ user_id: id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(await ctx.db('user_genres').where({ user_id: id }).count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('refuses an unknown instrument or a bio over 1000 characters (422), changing nothing', async () => {
    const me = await buildUser(ctx.app);
    const id = await idOf(me);
    const unknown = await saveProfile(me, { bio: 'fine', instruments: ['bass', 'theremin-9000'] });
    expect(unknown.status).toBe(422);
    expect(unknown.text).toContain('Pick instruments from the list.');
    const long = await saveProfile(me, { bio: 'x'.repeat(1001) });
    expect(long.status).toBe(422);
    expect(long.text).toContain('Bio can have at most 1000 characters.');
    expect((await ctx.db('users').where({ id }).first('bio')).bio).toBe('');
    expect(await ctx.db('user_instruments').where({ user_id: id }).count({ n: '*' }).first()).toEqual({ n: 0 });
  });
});
