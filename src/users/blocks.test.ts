import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertUser } from '../../test/db-factories.js';
import { buildUser, type SignedIn } from '../../test/factories.js';
import { blockedByQuery, hiddenAuthorIdsFor, setBlocked } from './block-queries.js';
import { isFollowing, setFollowing } from './follow-queries.js';

let ctx: TestContext;
let me: SignedIn;
let myId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  me = await buildUser(ctx.app);
  myId = (await ctx.db('users').where({ nickname: me.nickname }).first('id')).id as number;
});
afterAll(() => ctx?.close());

const block = (who: SignedIn, nickname: string, on: '1' | '0') =>
  who.agent.post(`/users/${nickname}/block`).set('Accept', 'application/json').set('X-CSRF-Token', who.csrf).type('form').send({ on });
const blocksOf = (blockerId: number) => ctx.db('blocks').where({ blocker_id: blockerId }).orderBy('blocked_id').pluck('blocked_id');

describe('blocking', () => {
  it('block and unblock, each twice changing nothing the second time; the profile says so', async () => {
    const other = await insertUser(ctx.db);
    expect((await block(me, other.nickname, '1')).body).toEqual({ blocked: true });
    expect((await block(me, other.nickname, '1')).body).toEqual({ blocked: true });
    expect(await blocksOf(myId)).toContain(other.id);
    const profile = await me.agent.get(`/users/${other.nickname}`);
    expect(profile.text).toContain(`You blocked ${other.nickname}`);
    expect(profile.text).toMatch(/name="on" value="0">[\s\S]*Unblock/);
    expect((await block(me, other.nickname, '0')).body).toEqual({ blocked: false });
    expect((await block(me, other.nickname, '0')).body).toEqual({ blocked: false });
    expect(await blocksOf(myId)).not.toContain(other.id);
    const after = await me.agent.get(`/users/${other.nickname}`);
    expect(after.text).not.toContain(`You blocked ${other.nickname}`);
    expect(after.text).toContain(`Block ${other.nickname}</button>`);
    expect(after.text).toContain(`href="/messages/${other.nickname}">Message</a>`);
  });

  it('a plain form goes back (303); yourself is refused (422); an unknown musician is 404; visitors see no block button', async () => {
    const other = await insertUser(ctx.db);
    const res = await me.agent.post(`/users/${other.nickname}/block`).type('form').send({ _csrf: me.csrf, on: '1', back: `/users/${other.nickname}/followers` });
    expect([res.status, res.headers.location]).toEqual([303, `/users/${other.nickname}/followers`]);
    const self = await block(me, me.nickname, '1');
    expect(self.status).toBe(422);
    expect(self.body.error.fields.on).toBe('You cannot block yourself.');
    expect(await ctx.db('blocks').where({ blocker_id: myId, blocked_id: myId }).first()).toBeUndefined();
    expect((await block(me, 'nobody-by-this-name', '1')).status).toBe(404);
    const visitor = await supertest(ctx.app).get(`/users/${other.nickname}`);
    expect(visitor.text).not.toContain('/block"');
    expect(visitor.text, 'a visitor may still start a message (through log-in)').toContain(`href="/messages/${other.nickname}">Message</a>`);
  });

  it('ends any follow between the two, both ways, and no new follow starts while it stands', async () => {
    const other = await buildUser(ctx.app);
    const otherId = (await ctx.db('users').where({ nickname: other.nickname }).first('id')).id as number;
    await setFollowing(ctx.db, myId, otherId, true);
    await setFollowing(ctx.db, otherId, myId, true);
    expect((await block(me, other.nickname, '1')).status).toBe(200);
    expect([await isFollowing(ctx.db, myId, otherId), await isFollowing(ctx.db, otherId, myId)]).toEqual([false, false]);
    const follow = (who: SignedIn, nickname: string) => who.agent.post(`/users/${nickname}/follow`).set('Accept', 'application/json').set('X-CSRF-Token', who.csrf).type('form').send({ on: '1' });
    const mine = await follow(me, other.nickname);
    expect([mine.status, mine.body.error.message]).toEqual([403, `You blocked ${other.nickname}. Unblock them to follow.`]);
    const theirs = await follow(other, me.nickname);
    expect([theirs.status, theirs.body.error.message]).toEqual([403, `You cannot follow ${me.nickname}.`]);
    expect([await isFollowing(ctx.db, myId, otherId), await isFollowing(ctx.db, otherId, myId)]).toEqual([false, false]);
    await block(me, other.nickname, '0');
    expect((await follow(other, me.nickname)).status).toBe(200);
  });

  it('hiddenAuthorIdsFor gives exactly whom the viewer blocked, not who blocked them; nobody for a visitor', async () => {
    const viewer = await insertUser(ctx.db);
    const [a, b, c, blocksViewer] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db), insertUser(ctx.db), insertUser(ctx.db)]);
    await setBlocked(ctx.db, viewer.id, a.id, true);
    await setBlocked(ctx.db, viewer.id, c.id, true);
    await setBlocked(ctx.db, blocksViewer.id, viewer.id, true);
    await setBlocked(ctx.db, b.id, a.id, true);
    expect((await hiddenAuthorIdsFor(ctx.db, viewer.id)).sort((x, y) => x - y)).toEqual([a.id, c.id].sort((x, y) => x - y));
    expect(await hiddenAuthorIdsFor(ctx.db, undefined)).toEqual([]);
    expect(await hiddenAuthorIdsFor(ctx.db, blocksViewer.id)).toEqual([viewer.id]);
    // The subquery form, as a list query would use it: the blocked musicians drop out.
    const shown = await ctx.db('users').whereIn('id', [a.id, b.id, c.id]).whereNotIn('id', blockedByQuery(ctx.db, viewer.id)).pluck('id');
    expect(shown).toEqual([b.id]);
    expect(await ctx.db('users').whereIn('id', [a.id, b.id]).whereNotIn('id', blockedByQuery(ctx.db, undefined)).orderBy('id').pluck('id')).toEqual([a.id, b.id].sort((x, y) => x - y));
  });

  it('settings lists the blocked musicians newest first, 30 a page, each with an unblock button that works', async () => {
    const blocker = await buildUser(ctx.app);
    const blockerId = (await ctx.db('users').where({ nickname: blocker.nickname }).first('id')).id as number;
    const blocked = [];
    for (let i = 0; i < 32; i++) {
      const u = await insertUser(ctx.db);
      await ctx.db('blocks').insert({ blocker_id: blockerId, blocked_id: u.id, created_at: new Date(Date.now() - (32 - i) * 60_000) });
      blocked.push(u.nickname);
    }
    const names = (html: string) => [...html.matchAll(/<div class="blocked-who"><a href="[^"]+">([^<]+)<\/a>/g)].map((m) => m[1]);
    const first = await blocker.agent.get('/settings/blocked');
    expect(first.status).toBe(200);
    expect(names(first.text)).toEqual(blocked.slice(2).reverse());
    const older = /href="([^"]+)" rel="next"/.exec(first.text)![1]!;
    expect(names((await blocker.agent.get(older)).text)).toEqual(blocked.slice(0, 2).reverse());
    const unblock = await blocker.agent.post(`/users/${blocked[0]}/block`).type('form').send({ _csrf: blocker.csrf, on: '0', back: '/settings/blocked' });
    expect([unblock.status, unblock.headers.location]).toEqual([303, '/settings/blocked']);
    expect(await ctx.db('blocks').where({ blocker_id: blockerId }).count({ n: '*' }).first()).toEqual({ n: 31 });
    const none = await (await buildUser(ctx.app)).agent.get('/settings/blocked');
    expect(none.text).toContain("You haven't blocked anyone.");
  });
});
