import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { insertPost } from '../../test/db-factories.js';
import { buildUser, csrfFrom, makeTone, uniq, type SignedIn } from '../../test/factories.js';
import { startMailServer, type MailServer } from '../../test/mail-server.js';

// Real mail: the app's SMTP transport, run by a real worker, delivers to an SMTP server this
// file starts; every link is followed as a musician would, from the mail's own text.

let ctx: TestContext;
let smtp: MailServer;
beforeAll(async () => {
  smtp = await startMailServer();
  ctx = await createTestContext({ MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url, MAIL_FROM: 'SoundHub <no-reply@soundhub.test>' }, { worker: true });
}, 120_000);
afterAll(async () => {
  await ctx?.close();
  await smtp?.close();
});

const pathOf = (link: string | undefined) => {
  const url = new URL(link!);
  return url.pathname + url.search;
};
const tokenOf = (link: string | undefined) => new URL(link!).searchParams.get('token')!;
const loggedIn = async (agent: ReturnType<typeof supertest.agent>) => (await agent.get('/')).text.includes('Log out');

/** Signs up through the form (unverified) and logs in; answers the agent and the verify mail. */
async function signUpUnverified() {
  const agent = supertest.agent(ctx.app);
  const nickname = uniq('fresh');
  const email = `${nickname}@example.test`;
  const password = 'a long enough secret';
  const csrf = await csrfFrom(agent);
  expect((await agent.post('/signup').type('form').send({ email, nickname, password, _csrf: csrf })).status).toBe(303);
  expect((await agent.post('/login').type('form').send({ email, password, _csrf: csrf })).status).toBe(303);
  const mail = await smtp.next(email, /Confirm your email/);
  return { agent, nickname, email, password, mail, csrf: await csrfFrom(agent, '/') };
}

describe('email verification', () => {
  it('mails a link after sign-up (text and HTML) that confirms the address once', async () => {
    const musician = await signUpUnverified();
    expect(musician.mail.text).toContain(musician.nickname);
    expect(musician.mail.html).toContain(`href="${musician.mail.link!.replace(/&/g, '&amp;')}"`);
    // The table keeps only the token's sha256.
    const row = await ctx.db('account_tokens').join('users', 'users.id', 'account_tokens.user_id').where('users.nickname', musician.nickname).first('token_hash', 'expires_at');
    expect(row.token_hash.toString('base64url')).not.toBe(tokenOf(musician.mail.link));
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(47.9 * 3600_000);

    // Opening the link only shows a button: a mail scanner's visit changes nothing.
    const page = await musician.agent.get(pathOf(musician.mail.link));
    expect(page.status).toBe(200);
    expect(page.text).toContain(musician.email);
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('verified')).verified).toBe(false);

    const done = await musician.agent.post('/verify-email').type('form').send({ token: tokenOf(musician.mail.link), _csrf: musician.csrf });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/verify-email?done=verified');
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('verified')).verified).toBe(true);
    expect((await musician.agent.get('/posts/new')).status).toBe(200);

    const again = await musician.agent.post('/verify-email').type('form').send({ token: tokenOf(musician.mail.link), _csrf: musician.csrf });
    expect(again.status).toBe(410);
    expect(again.text).toContain('This link was already used');
    expect((await musician.agent.get(pathOf(musician.mail.link))).status).toBe(410);
  });

  it('refuses an expired link with a clear page and changes nothing', async () => {
    const musician = await signUpUnverified();
    await ctx.db('account_tokens').whereIn('user_id', ctx.db('users').select('id').where({ nickname: musician.nickname })).update({ expires_at: new Date(Date.now() - 1000) });
    const page = await musician.agent.get(pathOf(musician.mail.link));
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link has expired');
    const post = await musician.agent.post('/verify-email').type('form').send({ token: tokenOf(musician.mail.link), _csrf: musician.csrf });
    expect(post.status).toBe(410);
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('verified')).verified).toBe(false);
    const bogus = await musician.agent.get('/verify-email?token=not-a-token');
    expect(bogus.status).toBe(400);
    expect(bogus.text).toContain('This link does not work');
  });

  it('lets an unverified musician listen but not post or add a part: 403 with the reason and a resend form (rate-limited)', async () => {
    const musician = await signUpUnverified();
    const song = await insertPost(ctx.db);
    expect((await musician.agent.get(`/posts/${song.id}`)).status).toBe(200);
    expect((await musician.agent.get(`/tracks/${song.author_track_id}/peaks.json`)).status).not.toBe(403);

    const form = await musician.agent.get('/posts/new');
    expect(form.status).toBe(403);
    expect(form.text).toContain('Confirm your email address first');
    expect(form.text).toContain('action="/verify-email/resend"');
    const partForm = await musician.agent.get(`/posts/${song.id}`);
    expect(partForm.text).toContain('action="/verify-email/resend"');
    expect(partForm.text).not.toContain(`action="/posts/${song.id}/contributions"`);

    const tracksBefore = await ctx.db('tracks').where({ owner_id: ctx.db('users').select('id').where({ nickname: musician.nickname }) }).count({ n: '*' });
    const tone = await makeTone({ seconds: 1 });
    const post = await musician.agent.post('/posts').set('X-CSRF-Token', musician.csrf).set('Accept', 'application/json').field('title', 'Not yet').field('genre', 'rock').field('instrument', 'guitar').attach('audio', tone, 'idea.mp3');
    expect(post.status).toBe(403);
    expect(post.body.error.message).toContain('Confirm your email address first');
    const part = await musician.agent.post(`/posts/${song.id}/contributions`).set('X-CSRF-Token', musician.csrf).field('instrument', 'bass').attach('audio', tone, 'bass.mp3');
    expect(part.status).toBe(403);
    expect(part.text).toContain('Send the link again');
    expect(await ctx.db('tracks').where({ owner_id: ctx.db('users').select('id').where({ nickname: musician.nickname }) }).count({ n: '*' })).toEqual(tracksBefore);
    expect(await ctx.db('contributions').where({ post_id: song.id }).count({ n: '*' })).toEqual([{ n: 0 }]);

    // "Send the link again": a second link arrives, and the first still works too.
    const before = smtp.received.length;
    const resend = await musician.agent.post('/verify-email/resend').type('form').send({ _csrf: musician.csrf });
    expect(resend.status).toBe(303);
    const second = await smtp.next(musician.email, /Confirm your email/, { after: before });
    expect(second.link).not.toBe(musician.mail.link);
    expect((await musician.agent.post('/verify-email/resend').type('form').send({ _csrf: musician.csrf })).status).toBe(303);
    expect((await musician.agent.post('/verify-email/resend').type('form').send({ _csrf: musician.csrf })).status).toBe(303);
    const limited = await musician.agent.post('/verify-email/resend').type('form').send({ _csrf: musician.csrf });
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBeDefined();
  });

  it('mails the owner instead when someone signs up with a taken email, and makes no account', async () => {
    const owner = await buildUser(ctx.app);
    const agent = supertest.agent(ctx.app);
    const csrf = await csrfFrom(agent);
    const res = await agent.post('/signup').type('form').send({ email: owner.email, nickname: uniq('copycat'), password: 'a long enough secret', _csrf: csrf });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/signup/sent?next=%2F');
    const notice = await smtp.next(owner.email, /tried to sign up/);
    expect(notice.text).toContain('/password/forgot');
    expect(await ctx.db('users').whereRaw('lower(email) = lower(?)', [owner.email]).count({ n: '*' })).toEqual([{ n: 1 }]);
  });
});

describe('password reset', () => {
  let musician: SignedIn;
  let other: ReturnType<typeof supertest.agent>;
  beforeAll(async () => {
    musician = await buildUser(ctx.app);
    other = supertest.agent(ctx.app);
    const csrf = await csrfFrom(other, '/login');
    expect((await other.post('/login').type('form').send({ email: musician.email, password: musician.password, _csrf: csrf })).status).toBe(303);
  });

  it('answers the same for an unknown address, and mails it nothing', async () => {
    const stranger = supertest.agent(ctx.app);
    const csrf = await csrfFrom(stranger, '/password/forgot');
    const unknown = `${uniq('nobody')}@example.test`;
    const a = await stranger.post('/password/forgot').type('form').send({ email: unknown, _csrf: csrf });
    const b = await stranger.post('/password/forgot').type('form').send({ email: musician.email, _csrf: csrf });
    expect([a.status, a.headers.location]).toEqual([303, '/password/forgot?sent=1']);
    expect([b.status, b.headers.location]).toEqual([303, '/password/forgot?sent=1']);
    await smtp.next(musician.email, /new SoundHub password/);
    await eventually(async () => Number((await ctx.db('pgboss.job').where({ name: 'mail-send' }).whereNot({ state: 'completed' }).count({ n: '*' }).first())!.n), { until: (n) => n === 0, what: 'every mail job done' });
    expect(smtp.received.filter((m) => m.to === unknown)).toEqual([]);
  });

  it('sets a new password from the link, signs this browser in, ends every other session, and works once', async () => {
    const before = smtp.received.length;
    const browser = supertest.agent(ctx.app);
    const csrf = await csrfFrom(browser, '/password/forgot');
    await browser.post('/password/forgot').type('form').send({ email: musician.email.toUpperCase(), _csrf: csrf });
    const mail = await smtp.next(musician.email, /new SoundHub password/, { after: before });
    const row = await ctx.db('account_tokens').where({ purpose: 'reset-password' }).orderBy('id', 'desc').first('expires_at');
    expect(row.expires_at.getTime() - Date.now()).toBeLessThanOrEqual(3600_000);
    expect(row.expires_at.getTime() - Date.now()).toBeGreaterThan(3500_000);

    const form = await browser.get(pathOf(mail.link));
    expect(form.status).toBe(200);
    expect(form.text).toContain('Choose a new password');
    const weak = await browser.post('/password/reset').type('form').send({ token: tokenOf(mail.link), password: 'short', _csrf: csrf });
    expect(weak.status).toBe(422);

    const done = await browser.post('/password/reset').type('form').send({ token: tokenOf(mail.link), password: 'a brand new secret', _csrf: csrf });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/password/reset?done=1');
    expect(await loggedIn(browser)).toBe(true);
    expect(await loggedIn(musician.agent)).toBe(false);
    expect(await loggedIn(other)).toBe(false);

    const fresh = supertest.agent(ctx.app);
    const freshCsrf = await csrfFrom(fresh, '/login');
    expect((await fresh.post('/login').type('form').send({ email: musician.email, password: musician.password, _csrf: freshCsrf })).status).toBe(401);
    expect((await fresh.post('/login').type('form').send({ email: musician.email, password: 'a brand new secret', _csrf: freshCsrf })).status).toBe(303);

    // Signed in now, so the session (and its CSRF token) is a new one.
    const reused = await browser.post('/password/reset').type('form').send({ token: tokenOf(mail.link), password: 'yet another secret', _csrf: await csrfFrom(browser, '/') });
    expect(reused.status).toBe(410);
    expect(reused.text).toContain('This link was already used');
    expect((await browser.get(pathOf(mail.link))).status).toBe(410);
    musician.password = 'a brand new secret';
  });

  it('refuses an expired reset link with a clear page, and the password stays', async () => {
    const before = smtp.received.length;
    const browser = supertest.agent(ctx.app);
    const csrf = await csrfFrom(browser, '/password/forgot');
    await browser.post('/password/forgot').type('form').send({ email: musician.email, _csrf: csrf });
    const mail = await smtp.next(musician.email, /new SoundHub password/, { after: before });
    const hash = (await ctx.db('users').where({ nickname: musician.nickname }).first('password_hash')).password_hash;
    await ctx.db('account_tokens').where({ purpose: 'reset-password' }).whereNull('used_at').update({ expires_at: new Date(Date.now() - 1000) });
    const page = await browser.get(pathOf(mail.link));
    expect(page.status).toBe(410);
    expect(page.text).toContain('This link has expired');
    const post = await browser.post('/password/reset').type('form').send({ token: tokenOf(mail.link), password: 'too late a secret', _csrf: csrf });
    expect(post.status).toBe(410);
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('password_hash')).password_hash).toBe(hash);
  });
});

describe('changing the email address', () => {
  it('mails a link to the new address and tells the old one; the address changes only when the link is followed', async () => {
    const musician = await buildUser(ctx.app);
    const newEmail = `${uniq('moved')}@example.test`;
    expect((await musician.agent.get('/settings/email')).status).toBe(200);
    const wrong = await musician.agent.post('/settings/email').type('form').send({ email: newEmail, password: 'not my password', _csrf: musician.csrf });
    expect(wrong.status).toBe(422);
    expect(wrong.text).toContain('That is not your current password');

    const res = await musician.agent.post('/settings/email').type('form').send({ email: newEmail, password: musician.password, _csrf: musician.csrf });
    expect(res.status).toBe(303);
    const link = await smtp.next(newEmail, /Confirm your new email/);
    const notice = await smtp.next(musician.email, /about to change/);
    expect(notice.text).toContain(newEmail);
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('email')).email).toBe(musician.email);

    const page = await musician.agent.get(pathOf(link.link));
    expect(page.status).toBe(200);
    expect(page.text).toContain(newEmail);
    const done = await musician.agent.post('/verify-email').type('form').send({ token: tokenOf(link.link), _csrf: musician.csrf });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/verify-email?done=changed');
    expect((await ctx.db('users').where({ nickname: musician.nickname }).first('email')).email).toBe(newEmail);

    const fresh = supertest.agent(ctx.app);
    const csrf = await csrfFrom(fresh, '/login');
    expect((await fresh.post('/login').type('form').send({ email: newEmail, password: musician.password, _csrf: csrf })).status).toBe(303);
    const reused = await fresh.post('/verify-email').type('form').send({ token: tokenOf(link.link), _csrf: await csrfFrom(fresh, '/') });
    expect(reused.status).toBe(410);
  });
});

describe('a failing mail server', () => {
  it('is retried by the mail job, and the request that asked for the mail succeeds at once', async () => {
    const musician = await buildUser(ctx.app);
    const before = smtp.received.length;
    const attemptsBefore = smtp.attempts();
    smtp.refuse(1);
    const browser = supertest.agent(ctx.app);
    const csrf = await csrfFrom(browser, '/password/forgot');
    const res = await browser.post('/password/forgot').type('form').send({ email: musician.email, _csrf: csrf });
    expect(res.status).toBe(303);
    const mail = await smtp.next(musician.email, /new SoundHub password/, { after: before });
    expect(smtp.attempts() - attemptsBefore).toBeGreaterThanOrEqual(2);
    // The refused attempt's token was removed: only the delivered link works.
    const tokens = await ctx.db('account_tokens').where({ purpose: 'reset-password', user_id: ctx.db('users').select('id').where({ nickname: musician.nickname }) }).count({ n: '*' });
    expect(tokens).toEqual([{ n: 1 }]);
    expect((await browser.get(pathOf(mail.link))).status).toBe(200);
  });
});
