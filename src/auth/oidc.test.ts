import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createTestContext, type TestContext } from '../../test/context.js';
import { buildUser, csrfFrom, uniq } from '../../test/factories.js';
import { startIdentityProvider, type TestIdentityProvider } from '../../test/identity-provider.js';
import { freePort } from '../../test/ports.js';

// The site's public origin as the provider knows it; requests still go to the app in-process.
const SITE = 'http://soundhub.test';

let ctx: TestContext;
let idp: TestIdentityProvider;

beforeAll(async () => {
  idp = await startIdentityProvider(`${SITE}/auth/testid/callback`);
  const providers = [
    { id: 'testid', name: 'TestID', issuer: idp.issuer, clientId: idp.clientId, clientSecret: idp.clientSecret },
    { id: 'down', name: 'Down', issuer: `http://127.0.0.1:${await freePort()}`, clientId: 'x', clientSecret: 'y' },
  ];
  ctx = await createTestContext({ PUBLIC_URL: SITE, OIDC_PROVIDERS: JSON.stringify(providers) });
});
afterAll(async () => {
  await ctx?.close();
  await idp?.close();
});

type Agent = ReturnType<typeof supertest.agent>;

/** A person at the provider with a verified email. */
function providerPerson(overrides: { email?: string; email_verified?: boolean; name?: string } = {}) {
  const subject = uniq('sub-');
  const email = overrides.email ?? `${uniq('oidc')}@example.test`;
  idp.accounts.set(subject, { email, email_verified: true, name: 'Ada Lovelace', ...overrides });
  return { subject, email };
}

/** GET /auth/testid: SoundHub answers with the provider's authorization URL. */
async function startSignIn(agent: Agent, next?: string): Promise<URL> {
  const res = await agent.get(`/auth/testid${next ? `?next=${encodeURIComponent(next)}` : ''}`);
  expect(res.status, res.text.slice(0, 200)).toBe(303);
  const url = new URL(res.headers.location!);
  expect(url.origin).toBe(idp.issuer);
  return url;
}

/** The browser arrives back at SoundHub's callback. */
const arriveAt = (agent: Agent, callback: URL) => agent.get(callback.pathname + callback.search);

async function signInThrough(agent: Agent, subject: string, next?: string) {
  return arriveAt(agent, await idp.signIn((await startSignIn(agent, next)).href, subject));
}

const usersWithEmail = async (email: string) => ctx.db('users').whereRaw('lower(email) = ?', [email]).select('id', 'nickname', 'password_hash', 'verified');
const identitiesOf = (subject: string) => ctx.db('oidc_identities').where({ provider: 'testid', subject }).select('user_id', 'email');
const signedInAs = async (agent: Agent) => /class="me"[^]*?<span class="hide-narrow">([^<]+)<\/span>/.exec((await agent.get('/')).text)?.[1];

describe('the sign-in page', () => {
  it('shows a button per configured provider, keeping next; none when no provider is configured', async () => {
    const page = await supertest(ctx.app).get('/login?next=%2Fposts%2F7');
    expect(page.text).toContain('Continue with TestID');
    expect(page.text).toContain('href="/auth/testid?next=%2Fposts%2F7"');
    const plain = createApp({ ...ctx, config: { ...ctx.config, oidcProviders: [] } });
    const bare = await supertest(plain).get('/login');
    expect(bare.status).toBe(200);
    expect(bare.text).not.toContain('Continue with');
    expect((await supertest(plain).get('/auth/testid')).status).toBe(404);
  });

  it('starts with PKCE (S256), state and nonce, and answers 503 when a provider is not reachable', async () => {
    const url = await startSignIn(supertest.agent(ctx.app));
    expect(url.pathname).toBe('/auth');
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(url.searchParams.get('nonce')).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(url.searchParams.get('redirect_uri')).toBe(`${SITE}/auth/testid/callback`);
    const down = await supertest(ctx.app).get('/auth/down');
    expect(down.status).toBe(503);
    expect(down.text).toContain('not answering');
  });
});

describe('a first sign-in with a provider', () => {
  it('asks for a nickname, then makes a verified account without a password, linked to the identity', async () => {
    const { subject, email } = providerPerson({ name: 'Ada Lovelace' });
    const agent = supertest.agent(ctx.app);
    const back = await signInThrough(agent, subject, '/genres/rock');
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/auth/welcome');
    expect(await usersWithEmail(email)).toEqual([]);

    const welcome = await agent.get('/auth/welcome');
    expect(welcome.status).toBe(200);
    expect(welcome.text).toContain(email);
    expect(welcome.text).toContain('value="AdaLovelace"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(welcome.text)![1]!;

    const taken = await buildUser(ctx.app);
    const clash = await agent.post('/auth/welcome').type('form').send({ nickname: taken.nickname, _csrf: csrf });
    expect(clash.status).toBe(422);
    expect(clash.text).toContain('This nickname is taken');
    expect(await usersWithEmail(email)).toEqual([]);

    const nickname = uniq('ada');
    const made = await agent.post('/auth/welcome').type('form').send({ nickname, _csrf: csrf });
    expect(made.status).toBe(303);
    expect(made.headers.location).toBe('/genres/rock');
    const [user] = await usersWithEmail(email);
    expect(user).toMatchObject({ nickname, password_hash: null, verified: true });
    expect(await identitiesOf(subject)).toEqual([{ user_id: user.id, email }]);
    expect(await signedInAs(agent)).toBe(nickname);

    // The next time the same identity signs straight in, and no second account appears.
    const again = supertest.agent(ctx.app);
    const second = await signInThrough(again, subject);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe('/');
    expect(await signedInAs(again)).toBe(nickname);
    expect(await usersWithEmail(email)).toHaveLength(1);
    // No password to guess: email + password sign-in fails for this account.
    const login = await again.post('/logout').type('form').send({ _csrf: await csrfFrom(again, '/') });
    expect(login.status).toBe(303);
    const csrfLogin = await csrfFrom(again, '/login');
    expect((await again.post('/login').type('form').send({ email, password: 'anything at all', _csrf: csrfLogin })).status).toBe(401);
  });

  it('refuses a provider that vouches for no verified email, and makes nothing', async () => {
    const { subject, email } = providerPerson({ email_verified: false });
    const res = await signInThrough(supertest.agent(ctx.app), subject);
    expect(res.status).toBe(400);
    expect(res.text).toContain('did not share a verified email address');
    expect(await usersWithEmail(email)).toEqual([]);
    expect(await identitiesOf(subject)).toEqual([]);
  });
});

describe('a callback that does not match the sign-in started here', () => {
  it('is refused with a wrong state, and the flow cannot be used again afterwards', async () => {
    const { subject, email } = providerPerson();
    const agent = supertest.agent(ctx.app);
    const callback = await idp.signIn((await startSignIn(agent)).href, subject);
    const forged = new URL(callback);
    forged.searchParams.set('state', 'a-state-this-session-never-made');
    const res = await arriveAt(agent, forged);
    expect(res.status).toBe(400);
    expect(res.text).toContain('did not match the sign-in started here');
    // The real answer is no good now either: a flow is used once.
    const replay = await arriveAt(agent, callback);
    expect(replay.status).toBe(400);
    expect(replay.text).toContain('expired or was already used');
    expect(await identitiesOf(subject)).toEqual([]);
    expect(await usersWithEmail(email)).toEqual([]);
  });

  it('is refused when the ID token carries another nonce', async () => {
    const { subject } = providerPerson();
    const agent = supertest.agent(ctx.app);
    const authorization = await startSignIn(agent);
    authorization.searchParams.set('nonce', 'a-nonce-this-session-never-made');
    const res = await arriveAt(agent, await idp.signIn(authorization.href, subject));
    expect(res.status).toBe(400);
    expect(res.text).toContain('did not match the sign-in started here');
    expect(await identitiesOf(subject)).toEqual([]);
    expect(await signedInAs(agent)).toBeUndefined();
  });

  it('is refused when the code was issued for another PKCE challenge', async () => {
    const { subject } = providerPerson();
    const agent = supertest.agent(ctx.app);
    const authorization = await startSignIn(agent);
    // Someone else's challenge (from a second flow): the token endpoint refuses this session's verifier.
    authorization.searchParams.set('code_challenge', (await startSignIn(supertest.agent(ctx.app))).searchParams.get('code_challenge')!);
    const res = await arriveAt(agent, await idp.signIn(authorization.href, subject));
    expect(res.status).toBe(400);
    expect(await identitiesOf(subject)).toEqual([]);
  });

  it('is refused without a sign-in under way', async () => {
    const res = await supertest(ctx.app).get('/auth/testid/callback?code=abc&state=def');
    expect(res.status).toBe(400);
    expect(res.text).toContain('expired or was already used');
  });
});

describe('an existing account with the same email', () => {
  it('is linked only once its password is given, never on the provider’s word alone', async () => {
    const owner = await buildUser(ctx.app);
    const { subject } = providerPerson({ email: owner.email.toUpperCase() });
    const agent = supertest.agent(ctx.app);
    const back = await signInThrough(agent, subject, '/genres/jazz');
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe('/auth/link');
    // Not signed in and nothing linked yet.
    expect(await signedInAs(agent)).toBeUndefined();
    expect(await identitiesOf(subject)).toEqual([]);

    const page = await agent.get('/auth/link');
    expect(page.status).toBe(200);
    expect(page.text).toContain(owner.nickname);
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.text)![1]!;
    const wrong = await agent.post('/auth/link').type('form').send({ password: 'not the password', _csrf: csrf });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('not the password of this account');
    expect(await identitiesOf(subject)).toEqual([]);
    expect(await signedInAs(agent)).toBeUndefined();

    const right = await agent.post('/auth/link').type('form').send({ password: owner.password, _csrf: csrf });
    expect(right.status).toBe(303);
    expect(right.headers.location).toBe('/genres/jazz');
    const [user] = await usersWithEmail(owner.email);
    expect(await identitiesOf(subject)).toEqual([{ user_id: user.id, email: owner.email.toLowerCase() }]);
    expect(await signedInAs(agent)).toBe(owner.nickname);

    // From now on the provider signs in to that account directly.
    const later = supertest.agent(ctx.app);
    expect((await signInThrough(later, subject)).headers.location).toBe('/');
    expect(await signedInAs(later)).toBe(owner.nickname);
  });

  it('counts wrong link passwords like the login form: the account is limited from every address', async () => {
    const owner = await buildUser(ctx.app);
    const { subject } = providerPerson({ email: owner.email });
    const agent = supertest.agent(ctx.app);
    await signInThrough(agent, subject);
    const csrf = /name="_csrf" value="([^"]+)"/.exec((await agent.get('/auth/link')).text)![1]!;
    const limit = ctx.config.authLimits.failuresPerAccount;
    for (let i = 1; i < limit; i++) expect((await agent.post('/auth/link').type('form').send({ password: `wrong ${i} password`, _csrf: csrf })).status).toBe(401);
    const last = await agent.post('/auth/link').type('form').send({ password: 'wrong again password', _csrf: csrf });
    expect(last.status).toBe(429);
    expect(Number(last.headers['retry-after'])).toBeGreaterThan(0);
    // Now even the right password waits, here and on the login form.
    expect((await agent.post('/auth/link').type('form').send({ password: owner.password, _csrf: csrf })).status).toBe(429);
    const other = supertest.agent(ctx.app);
    const loginCsrf = await csrfFrom(other, '/login');
    expect((await other.post('/login').set('X-Forwarded-For', '203.0.113.77').type('form').send({ email: owner.email, password: owner.password, _csrf: loginCsrf })).status).toBe(429);
    expect(await identitiesOf(subject)).toEqual([]);
  });

  it('sends a signed-in musician on instead of starting a provider sign-in', async () => {
    const user = await buildUser(ctx.app);
    const res = await user.agent.get('/auth/testid?next=%2Fgenres%2Frock');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/genres/rock');
  });
});
