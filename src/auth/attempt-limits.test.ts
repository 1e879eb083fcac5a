import { randomInt } from 'node:crypto';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../app.js';
import { createDb, createPgPool, type Db } from '../db/knex.js';
import { createTestContext, type TestContext } from '../../test/context.js';
import { csrfFrom, uniq } from '../../test/factories.js';

const FAILURES_PER_ACCOUNT = 3;
const FAILURES_PER_ADDRESS = 4;
const SIGNUPS_PER_ADDRESS = 3;
const SIGNUPS_PER_EMAIL = 2;
const WINDOW_SECONDS = 15 * 60;

let ctx: TestContext;
/** Two instances of the app on the same database, each with its own pool, as two servers would be. */
let apps: [ReturnType<typeof createApp>, ReturnType<typeof createApp>];
let secondDb: Db;
let secondPool: ReturnType<typeof createPgPool>;

beforeAll(async () => {
  ctx = await createTestContext({
    AUTH_FAILURES_PER_ACCOUNT: String(FAILURES_PER_ACCOUNT),
    AUTH_FAILURES_PER_ADDRESS: String(FAILURES_PER_ADDRESS),
    SIGNUPS_PER_ADDRESS: String(SIGNUPS_PER_ADDRESS),
    SIGNUPS_PER_EMAIL: String(SIGNUPS_PER_EMAIL),
  });
  secondDb = createDb({ url: ctx.config.database.url });
  secondPool = createPgPool({ url: ctx.config.database.url });
  apps = [ctx.app, createApp({ ...ctx, db: secondDb, pool: secondPool })];
});
afterAll(async () => {
  await secondDb?.destroy();
  await secondPool?.end();
  await ctx?.close();
});

/** A fresh client address per use (198.18.0.0/15, the benchmarking range): no two tests share a count. */
let addressSeq = 0;
const prefix = `198.${18 + randomInt(0, 2)}.${randomInt(0, 256)}`;
const address = () => `${prefix}.${++addressSeq}`;

/** Sends the login form from `from` through app instance `instance`. */
async function logIn(instance: 0 | 1, from: string, email: string, password: string) {
  const agent = supertest.agent(apps[instance]);
  const csrf = await csrfFrom(agent, '/login');
  return agent.post('/login').set('X-Forwarded-For', from).type('form').send({ email, password, _csrf: csrf });
}

async function signUp(instance: 0 | 1, from: string, fields: { email: string; nickname: string; password?: string }) {
  const agent = supertest.agent(apps[instance]);
  const csrf = await csrfFrom(agent, '/signup');
  return agent.post('/signup').set('X-Forwarded-For', from).type('form').send({ password: 'a long enough secret', ...fields, _csrf: csrf });
}

/** A musician signed up from an address of their own (loopback would fill its sign-up count). */
async function buildUser() {
  const nickname = uniq('limited');
  const user = { email: `${nickname}@example.test`, password: 'correct horse battery' };
  const res = await signUp(0, address(), { ...user, nickname });
  if (res.status !== 303) throw new Error(`signup failed: ${res.status}`);
  return user;
}

const expectRetryAfter = (res: { headers: Record<string, string> }) => {
  const seconds = Number(res.headers['retry-after']);
  expect(seconds).toBeGreaterThan(0);
  expect(seconds).toBeLessThanOrEqual(WINDOW_SECONDS);
};

describe('sign-in limits', () => {
  it('count failures only: right passwords, however many, never fill a count', async () => {
    const user = await buildUser();
    const from = address();
    for (let i = 0; i < FAILURES_PER_ACCOUNT + FAILURES_PER_ADDRESS + 2; i++) {
      const res = await logIn((i % 2) as 0 | 1, from, user.email, user.password);
      expect(res.status, `sign-in ${i + 1}`).toBe(303);
    }
    expect(await ctx.db('rate_limits').whereIn('key', [`sign-in:account:${user.email}`, `sign-in:address:${from}`]).count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('limit an account per email across app instances, and it answers the same from another address', async () => {
    const user = await buildUser();
    const from = address();
    // Failures alternate between the two instances: one shared count.
    for (let i = 1; i < FAILURES_PER_ACCOUNT; i++) expect((await logIn((i % 2) as 0 | 1, from, user.email, `wrong password ${i}`)).status).toBe(401);
    const full = await logIn(0, from, user.email, 'wrong password, last');
    expect(full.status).toBe(429);
    expect(full.text).toContain('Too many wrong passwords for this account');
    expectRetryAfter(full);
    // Now refused before the password is checked, from any address, on either instance, even the right one.
    for (const [instance, elsewhere] of [[1, address()], [0, address()]] as const) {
      const res = await logIn(instance, elsewhere, user.email.toUpperCase(), user.password);
      expect(res.status).toBe(429);
      expectRetryAfter(res);
      expect((await supertest.agent(apps[instance]).get('/')).text).not.toContain('Log out');
    }
    // An unknown email is counted the same way, so a 429 says nothing about who has an account.
    const nobody = `${uniq('nobody')}@example.test`;
    for (let i = 1; i < FAILURES_PER_ACCOUNT; i++) expect((await logIn(1, address(), nobody, `guess number ${i}`)).status).toBe(401);
    expect((await logIn(0, address(), nobody, 'guess number last')).status).toBe(429);
  });

  it('let a right password through an address count that other people filled', async () => {
    const nat = address();
    const neighbour = await buildUser();
    // Other people behind the same address fail, on both instances, until the address is over its count.
    for (let i = 1; i <= FAILURES_PER_ADDRESS; i++) expect((await logIn((i % 2) as 0 | 1, nat, `${uniq('typo')}@example.test`, 'not it at all')).status).toBe(401);
    const over = await logIn(1, nat, `${uniq('typo')}@example.test`, 'not it at all');
    expect(over.status).toBe(429);
    expect(over.text).toContain('Too many failed sign-ins from your network');
    expectRetryAfter(over);

    // The neighbour's right password still signs in from that address, on either instance.
    for (const instance of [0, 1] as const) {
      const res = await logIn(instance, nat, neighbour.email, neighbour.password);
      expect(res.status, res.text.slice(0, 300)).toBe(303);
    }
    // Their wrong password from there gets 429, and counts against their own account.
    expect((await logIn(0, nat, neighbour.email, 'a typo of mine')).status).toBe(429);
    const [row] = await ctx.db('rate_limits').where({ key: `sign-in:account:${neighbour.email}` }).select('hits');
    expect(row).toEqual({ hits: 1 });
    // Another address is not affected by this one's count.
    expect((await logIn(1, address(), neighbour.email, 'a typo of mine')).status).toBe(401);
  });

  it('start counting again once the window has ended', async () => {
    const user = await buildUser();
    for (let i = 0; i < FAILURES_PER_ACCOUNT; i++) await logIn(0, address(), user.email, `wrong password ${i}`);
    expect((await logIn(1, address(), user.email, user.password)).status).toBe(429);
    // Move the window's end to now, as 15 minutes of waiting would.
    await ctx.db('rate_limits').where({ key: `sign-in:account:${user.email}` }).update({ reset_at: ctx.db.fn.now() });
    expect((await logIn(1, address(), user.email, user.password)).status).toBe(303);
  });
});

describe('sign-up limits', () => {
  it('count every attempt per address, across instances, with Retry-After', async () => {
    const from = address();
    for (let i = 0; i < SIGNUPS_PER_ADDRESS; i++) {
      const nickname = uniq('burst');
      expect((await signUp((i % 2) as 0 | 1, from, { email: `${nickname}@example.test`, nickname })).status).toBe(303);
    }
    const nickname = uniq('burst');
    const refused = await signUp(1, from, { email: `${nickname}@example.test`, nickname });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many sign-ups from your network');
    expectRetryAfter(refused);
    expect(await ctx.db('users').where({ nickname }).first()).toBeUndefined();
    // Someone at another address signs up as usual.
    expect((await signUp(0, address(), { email: `${nickname}@example.test`, nickname })).status).toBe(303);
  });

  it('count attempts per email from any address', async () => {
    const email = `${uniq('inbox')}@example.test`;
    for (let i = 0; i < SIGNUPS_PER_EMAIL; i++) expect((await signUp((i % 2) as 0 | 1, address(), { email, nickname: 'x' })).status).toBe(422);
    const refused = await signUp(0, address(), { email, nickname: uniq('late') });
    expect(refused.status).toBe(429);
    expect(refused.text).toContain('Too many sign-ups with this email');
    expect(await ctx.db('users').whereRaw('lower(email) = ?', [email]).first()).toBeUndefined();
  });
});
