import type { Knex } from 'knex';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertUser, type UserRow } from '../../test/db-factories.js';
import { buildUser, type SignedIn } from '../../test/factories.js';
import { setBlocked } from '../users/block-queries.js';

// Small limits for this file, so a test can reach them; every test sends from musicians of its own.
const PER_HOUR = 8;
const NEW_PER_DAY = 3;

let ctx: TestContext;

beforeAll(async () => {
  ctx = await createTestContext({ MESSAGES_PER_HOUR: String(PER_HOUR), NEW_CONVERSATIONS_PER_DAY: String(NEW_PER_DAY) });
});
afterAll(() => ctx?.close());

const idOf = async (nickname: string) => (await ctx.db('users').where({ nickname }).first('id')).id as number;
const send = (from: SignedIn, to: string, body: unknown) => from.agent.post(`/messages/${to}`).type('form').send({ _csrf: from.csrf, body });
const sendJson = (from: SignedIn, to: string, body: unknown) => from.agent.post(`/messages/${to}`).set('Accept', 'application/json').set('X-CSRF-Token', from.csrf).send({ body });
const messagesBetween = async (a: string, b: string) =>
  ctx.db('messages as m')
    .join('conversations as c', 'c.id', 'm.conversation_id')
    .whereIn('c.first_user_id', [await idOf(a), await idOf(b)])
    .whereIn('c.second_user_id', [await idOf(a), await idOf(b)])
    .orderBy('m.id')
    .pluck('m.body');
/** The header's count as printed (0 when there is no badge). */
const headerUnread = async (who: SignedIn) => {
  const html = (await who.agent.get('/posts/new')).text;
  return Number(/data-unread-messages>(\d+)</.exec(html)?.[1] ?? 0);
};
const inboxNames = (html: string) => [...html.matchAll(/<span class="inbox-name">([^<]+)<\/span>/g)].map((m) => m[1]);
const shownBodies = (html: string) => [...html.matchAll(/<p class="message-body">([^<]*)<\/p>/g)].map((m) => m[1]);

/** A conversation written straight into the tables: `count` messages, one a minute up to `endAt`, from `a` and `b` in turn. */
async function converse(db: Knex, a: UserRow, b: UserRow, count: number, endAt: Date, unreadFor: 'a' | 'b' | 'none' = 'none') {
  const [first, second] = a.id < b.id ? [a.id, b.id] : [b.id, a.id];
  const [conversation] = await db('conversations').insert({ first_user_id: first, second_user_id: second }).returning('id');
  const id = (conversation as { id: number }).id;
  const at = (i: number) => new Date(endAt.getTime() - (count - 1 - i) * 60_000);
  await db('messages').insert(Array.from({ length: count }, (_, i) => ({ conversation_id: id, sender_id: i % 2 ? b.id : a.id, body: `${a.nickname} says ${i}`, created_at: at(i) })));
  await db('conversation_members').insert([
    { conversation_id: id, user_id: a.id, other_user_id: b.id, last_message_at: endAt, unread_count: unreadFor === 'a' ? count : 0 },
    { conversation_id: id, user_id: b.id, other_user_id: a.id, last_message_at: endAt, unread_count: unreadFor === 'b' ? count : 0 },
  ]);
  return id;
}

describe('direct messages', () => {
  it('a message reaches the other musician: their inbox and header count it unread until they open it, then the sender sees "Seen"', async () => {
    const [ana, ben] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    const sent = await send(ana, ben.nickname, '  Love your bassline — want drums on it?  ');
    expect(sent.status).toBe(303);
    const id = (await ctx.db('messages').where({ sender_id: await idOf(ana.nickname) }).first('id')).id as number;
    expect(sent.headers.location).toBe(`/messages/${ben.nickname}#message-${id}`);
    expect(await messagesBetween(ana.nickname, ben.nickname), 'stored trimmed').toEqual(['Love your bassline — want drums on it?']);

    expect(await headerUnread(ben)).toBe(1);
    expect(await headerUnread(ana), 'your own message is not unread to you').toBe(0);
    const benInbox = await ben.agent.get('/messages');
    expect(inboxNames(benInbox.text)).toEqual([ana.nickname]);
    expect(benInbox.text).toContain('Love your bassline — want drums on it?');
    expect(benInbox.text).toContain('aria-label="1 unread"');
    const anaInbox = await ana.agent.get('/messages');
    expect(anaInbox.text).toContain('You: Love your bassline');
    expect(anaInbox.text).not.toContain('unread"');

    const before = await ana.agent.get(`/messages/${ben.nickname}`);
    expect(before.text).not.toContain('· Seen');
    const opened = await ben.agent.get(`/messages/${ana.nickname}`);
    expect(opened.status).toBe(200);
    expect(shownBodies(opened.text)).toEqual(['Love your bassline — want drums on it?']);
    expect(await headerUnread(ben)).toBe(0);
    expect(await ctx.db('conversation_members').where({ user_id: await idOf(ben.nickname) }).first('unread_count')).toEqual({ unread_count: 0 });
    expect((await ana.agent.get(`/messages/${ben.nickname}`)).text).toContain('· Seen');
  });

  it('one conversation per pair whoever writes first; the newest message is at the bottom; JSON answers 201', async () => {
    const [ana, ben] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    const first = await sendJson(ben, ana.nickname, 'hi');
    expect(first.status).toBe(201);
    expect(first.body.message).toMatchObject({ from: ben.nickname, body: 'hi' });
    expect((await sendJson(ana, ben.nickname, 'hello back')).status).toBe(201);
    expect((await sendJson(ben, ana.nickname, 'shall we jam?')).status).toBe(201);
    const [a, b] = [await idOf(ana.nickname), await idOf(ben.nickname)];
    expect(await ctx.db('conversations').whereIn('first_user_id', [a, b]).whereIn('second_user_id', [a, b]).count({ n: '*' }).first()).toEqual({ n: 1 });
    expect(shownBodies((await ana.agent.get(`/messages/${ben.nickname}`)).text)).toEqual(['hi', 'hello back', 'shall we jam?']);
    expect(await ctx.db('conversation_members').where({ user_id: b }).first('unread_count'), 'ben read up to his own last message').toEqual({ unread_count: 0 });
  });

  it('two first messages at the same moment still make one conversation', async () => {
    const [ana, ben] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    const answers = await Promise.all([sendJson(ana, ben.nickname, 'at once 1'), sendJson(ben, ana.nickname, 'at once 2')]);
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    const [a, b] = [await idOf(ana.nickname), await idOf(ben.nickname)];
    const conversations = await ctx.db('conversations').whereIn('first_user_id', [a, b]).whereIn('second_user_id', [a, b]).pluck('id');
    expect(conversations).toHaveLength(1);
    expect(await ctx.db('messages').where({ conversation_id: conversations[0] }).count({ n: '*' }).first()).toEqual({ n: 2 });
    // Whoever wrote second answered the first: one unread for the other, none for them.
    const unread = await ctx.db('conversation_members').where({ conversation_id: conversations[0] }).pluck('unread_count');
    expect(unread.sort()).toEqual([0, 1]);
  });

  it('an empty, blank or too long message is refused with 422, the text kept, nothing stored', async () => {
    const [ana, ben] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    for (const body of ['', '   \n ']) {
      const res = await send(ana, ben.nickname, body);
      expect(res.status).toBe(422);
      expect(res.text).toContain('Write a message first.');
    }
    const long = `${'la '.repeat(700)}end`;
    const tooLong = await send(ana, ben.nickname, long);
    expect(tooLong.status).toBe(422);
    expect(tooLong.text).toContain('A message can be at most 2000 characters.');
    expect(tooLong.text, 'what was typed is still in the box').toContain(`${long}</textarea>`);
    const json = await sendJson(ana, ben.nickname, 42);
    expect(json.status).toBe(422);
    expect(json.body.error.fields.body).toBe('Write a message first.');
    expect(await messagesBetween(ana.nickname, ben.nickname)).toEqual([]);
    expect(await ctx.db('conversations').where({ first_user_id: Math.min(await idOf(ana.nickname), await idOf(ben.nickname)) }).first(), 'no empty conversation left').toBeUndefined();
  });

  it('you cannot message yourself; an unknown musician is 404; an old nickname moves to the new one', async () => {
    const ana = await buildUser(ctx.app);
    const self = await sendJson(ana, ana.nickname, 'me to me');
    expect(self.status).toBe(422);
    expect(self.body.error.fields.body).toBe('You cannot message yourself.');
    expect(await ctx.db('messages').where({ sender_id: await idOf(ana.nickname) }).first()).toBeUndefined();
    const own = await ana.agent.get(`/messages/${ana.nickname}`);
    expect([own.status, own.headers.location]).toEqual([303, '/messages']);
    expect((await ana.agent.get('/messages/nobody-by-this-name')).status).toBe(404);
    expect((await sendJson(ana, 'nobody-by-this-name', 'hello')).status).toBe(404);
    const renamed = await insertUser(ctx.db);
    await ctx.db('nickname_history').insert({ user_id: renamed.id, nickname: `${renamed.nickname}old` });
    const moved = await ana.agent.get(`/messages/${renamed.nickname}old`);
    expect([moved.status, moved.headers.location]).toEqual([301, `/messages/${renamed.nickname}`]);
  });

  it('visitors are sent to log in, and an unconfirmed address is refused', async () => {
    const visitor = await supertest(ctx.app).get('/messages');
    expect([visitor.status, visitor.headers.location]).toEqual([302, '/login?next=%2Fmessages']);
    const unconfirmed = await buildUser(ctx.app, { verified: false });
    expect((await unconfirmed.agent.get('/messages')).status).toBe(403);
    expect((await sendJson(unconfirmed, (await insertUser(ctx.db)).nickname, 'hi')).status).toBe(403);
  });
});

describe('blocking and messages', () => {
  it('blocked both ways: 403 with a clear message, nothing stored; the blocker still reads the conversation; unblocking restores it', async () => {
    const [ana, ben] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    expect((await send(ana, ben.nickname, 'before the block')).status).toBe(303);
    expect(await headerUnread(ben)).toBe(1);
    const block = await ben.agent.post(`/users/${ana.nickname}/block`).type('form').send({ _csrf: ben.csrf, on: '1' });
    expect(block.status).toBe(303);

    const fromBlocked = await sendJson(ana, ben.nickname, 'let me in');
    expect(fromBlocked.status).toBe(403);
    expect(fromBlocked.body.error.message).toBe(`${ben.nickname} is not accepting messages from you.`);
    const fromBlockedForm = await send(ana, ben.nickname, 'let me in');
    expect(fromBlockedForm.status).toBe(403);
    expect(fromBlockedForm.text).toContain(`${ben.nickname} is not accepting messages from you.`);
    expect(fromBlockedForm.text, 'no send form for a refused musician').not.toContain('data-message-form');
    const fromBlocker = await sendJson(ben, ana.nickname, 'actually');
    expect(fromBlocker.status).toBe(403);
    expect(fromBlocker.body.error.message).toBe(`You blocked ${ana.nickname}. Unblock them to send a message.`);
    expect(await messagesBetween(ana.nickname, ben.nickname)).toEqual(['before the block']);

    expect(inboxNames((await ben.agent.get('/messages')).text), 'hidden from the blocker\'s inbox').toEqual([]);
    expect(await headerUnread(ben), 'and from the header count').toBe(0);
    const readable = await ben.agent.get(`/messages/${ana.nickname}`);
    expect(readable.status).toBe(200);
    expect(shownBodies(readable.text)).toEqual(['before the block']);
    expect(readable.text).toContain(`action="/users/${ana.nickname}/block"`);
    expect(inboxNames((await ana.agent.get('/messages')).text), 'the blocked musician still has it').toEqual([ben.nickname]);

    const unblock = await ben.agent.post(`/users/${ana.nickname}/block`).type('form').send({ _csrf: ben.csrf, on: '0', back: `/messages/${ana.nickname}` });
    expect([unblock.status, unblock.headers.location]).toEqual([303, `/messages/${ana.nickname}`]);
    expect((await sendJson(ana, ben.nickname, 'after the unblock')).status).toBe(201);
    expect((await sendJson(ben, ana.nickname, 'welcome back')).status).toBe(201);
    expect(inboxNames((await ben.agent.get('/messages')).text)).toEqual([ana.nickname]);
  });
});

describe('sending limits', () => {
  it(`a musician may send ${PER_HOUR} messages an hour; the next is 429 with Retry-After, the text kept, nothing stored`, async () => {
    const [ana, ben] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app)]);
    for (let i = 1; i <= PER_HOUR; i++) expect((await sendJson(ana, ben.nickname, `message ${i}`)).status).toBe(201);
    const over = await send(ana, ben.nickname, 'one too many');
    expect(over.status).toBe(429);
    expect(Number(over.headers['retry-after'])).toBeGreaterThan(0);
    expect(over.text).toContain(`You have sent ${PER_HOUR} messages in the last hour.`);
    expect(over.text).toContain('one too many</textarea>');
    expect(await messagesBetween(ana.nickname, ben.nickname)).toHaveLength(PER_HOUR);
    expect((await sendJson(ben, ana.nickname, 'I can still answer')).status, 'the limit is the sender\'s own').toBe(201);
  });

  it(`a musician may start ${NEW_PER_DAY} conversations a day, and still write in the ones they have`, async () => {
    const ana = await buildUser(ctx.app);
    const others = await Promise.all(Array.from({ length: NEW_PER_DAY + 1 }, () => insertUser(ctx.db)));
    for (const other of others.slice(0, NEW_PER_DAY)) expect((await sendJson(ana, other.nickname, 'hello')).status).toBe(201);
    const over = await sendJson(ana, others[NEW_PER_DAY]!.nickname, 'hello');
    expect(over.status).toBe(429);
    expect(over.body.error.message).toContain(`You have started ${NEW_PER_DAY} new conversations today.`);
    expect(await ctx.db('conversation_members').where({ user_id: others[NEW_PER_DAY]!.id }).first()).toBeUndefined();
    expect((await sendJson(ana, others[0]!.nickname, 'a follow-up')).status).toBe(201);
  });
});

describe('paging', () => {
  it('the inbox lists conversations by newest activity, 20 a page, with an older page', async () => {
    const me = await buildUser(ctx.app);
    const meRow = { id: await idOf(me.nickname), nickname: me.nickname, email: me.email };
    const others: UserRow[] = [];
    for (let i = 0; i < 24; i++) {
      const other = await insertUser(ctx.db);
      await converse(ctx.db, other, meRow, 1, new Date(Date.now() - (24 - i) * 3600_000), 'b');
      others.push(other);
    }
    const blocked = await insertUser(ctx.db);
    await converse(ctx.db, blocked, meRow, 1, new Date(), 'b');
    await setBlocked(ctx.db, meRow.id, blocked.id, true);
    const first = await me.agent.get('/messages');
    const newestFirst = others.map((o) => o.nickname).reverse();
    expect(inboxNames(first.text)).toEqual(newestFirst.slice(0, 20));
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!;
    const second = await me.agent.get(older);
    expect(inboxNames(second.text)).toEqual(newestFirst.slice(20));
    expect(second.text).not.toContain('rel="next"');
    expect(await headerUnread(me), 'the blocked musician\'s message is not counted').toBe(24);
  });

  it('a conversation shows its newest 30 messages, oldest at the top, and pages back in time', async () => {
    const me = await buildUser(ctx.app);
    const meRow = { id: await idOf(me.nickname), nickname: me.nickname, email: me.email };
    const other = await insertUser(ctx.db);
    await converse(ctx.db, other, meRow, 35, new Date(), 'b');
    expect(await headerUnread(me)).toBe(35);
    const first = await me.agent.get(`/messages/${other.nickname}`);
    const all = Array.from({ length: 35 }, (_, i) => `${other.nickname} says ${i}`);
    expect(shownBodies(first.text)).toEqual(all.slice(5));
    expect(await headerUnread(me)).toBe(0);
    const older = /href="([^"]+)" rel="prev"/.exec(first.text)![1]!;
    const second = await me.agent.get(older);
    expect(shownBodies(second.text)).toEqual(all.slice(0, 5));
    expect(second.text).not.toContain('rel="prev"');
  });
});
