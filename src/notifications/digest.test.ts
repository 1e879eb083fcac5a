import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { insertContribution, insertPost, insertUser, type UserRow } from '../../test/db-factories.js';
import { uniq } from '../../test/factories.js';
import { startMailServer, type MailServer } from '../../test/mail-server.js';
import { createMailer } from '../mail/mailer.js';
import { sendDigestMail } from './digest.js';
import { notifyFollowed, notifyPartAdded, notifySongLiked } from './rules.js';

/**
 * The digest end to end: the worker's own scheduled run finds due notifications, queues the
 * mail, and the mail job delivers it to a real SMTP server. No delay, so nothing waits.
 */
const SITE = 'http://soundhub.test';
let smtp: MailServer;
let ctx: TestContext;

beforeAll(async () => {
  smtp = await startMailServer();
  ctx = await createTestContext(
    { MAIL_TRANSPORT: 'smtp', SMTP_URL: smtp.url, MAIL_FROM: 'SoundHub <no-reply@soundhub.test>', PUBLIC_URL: SITE, NOTIFICATION_DIGEST_DELAY_SECONDS: '0' },
    { worker: true },
  );
}, 60_000);
afterAll(async () => {
  await ctx?.close();
  await smtp?.close();
});

const mailsTo = (user: UserRow) => smtp.received.filter((m) => m.to.toLowerCase() === user.email.toLowerCase());

/** Until the worker has finished `runs` more digest runs, started after now. */
async function digestRunsPass(runs = 2) {
  const since = new Date();
  await eventually(
    async () => Number((await ctx.db('pgboss.job').where({ name: 'notification-digests', state: 'completed' }).where('started_on', '>', since).count({ n: '*' }).first())!.n),
    { until: (n) => n >= runs, what: `${runs} digest runs` },
  );
}

/** The musician's last digest as if it went out an hour ago: the next one may go. */
const anHourLater = (user: UserRow) => ctx.db('notification_digests').where({ user_id: user.id }).update({ created_at: ctx.db.raw("now() - interval '61 minutes'") });

describe('the notification digest', () => {
  it('mails the mailed kinds once, at most one digest an hour, with an unsubscribe link and headers', async () => {
    const me = await insertUser(ctx.db);
    const title = uniq('Sunrise in C ');
    const song = await insertPost(ctx.db, { authorId: me.id, title });
    const player = await insertUser(ctx.db);
    const part = await insertContribution(ctx.db, { postId: song.id, contributorId: player.id, instrument: 'drums' });
    const follower = await insertUser(ctx.db);
    await notifyPartAdded(ctx.db, part.track_id);
    await notifyFollowed(ctx.db, { followerId: follower.id, followedId: me.id });
    await notifySongLiked(ctx.db, { postId: song.id, actorId: follower.id });

    const mail = await smtp.next(me.email, /SoundHub/);
    expect(mail.subject).toBe('SoundHub: 2 new things on your songs');
    expect(mail.text).toContain(`${player.nickname} added a drums part to ${title}\n  ${SITE}/posts/${song.id}#contribution-${part.id}`);
    expect(mail.text).toContain(`${follower.nickname} started following you\n  ${SITE}/users/${follower.nickname}`);
    expect(mail.text, 'likes are not mailed').not.toContain('liked');
    expect(mail.html).toContain(`href="${SITE}/posts/${song.id}#contribution-${part.id}"`);
    const unsubscribe = /http:\/\/soundhub\.test\/notifications\/unsubscribe\?\S+/.exec(mail.text)?.[0];
    expect(unsubscribe).toBeDefined();
    expect(mail.headers['list-unsubscribe']).toBe(`<${unsubscribe}>`);
    expect(mail.headers['list-unsubscribe-post']).toBe('List-Unsubscribe=One-Click');
    const digests = await ctx.db('notification_digests').where({ user_id: me.id }).select('id', 'sent_at');
    expect(digests).toHaveLength(1);
    expect(digests[0]!.sent_at).not.toBeNull();

    // A second follower within the hour waits: runs pass, no second mail.
    const second = await insertUser(ctx.db);
    await notifyFollowed(ctx.db, { followerId: second.id, followedId: me.id });
    await digestRunsPass();
    expect(mailsTo(me)).toHaveLength(1);
    // A retried mail job of the digest already sent sends nothing.
    const before = smtp.attempts();
    const mailer = createMailer(ctx.config.mail);
    await sendDigestMail({ kind: 'notification-digest', digestId: digests[0]!.id }, { ...ctx, mailer });
    mailer.close();
    expect(smtp.attempts()).toBe(before);

    // An hour on, the next digest carries only what was not mailed.
    await anHourLater(me);
    const next = await smtp.next(me.email, /SoundHub/, { after: smtp.received.indexOf(mail) + 1 });
    expect(next.subject).toBe(`SoundHub: ${second.nickname} started following you`);
    expect(next.text).not.toContain(player.nickname);
    expect(mailsTo(me)).toHaveLength(2);
  });

  it('a read notification is not mailed, nor one to a musician who turned the digest off in settings', async () => {
    const [reader, quiet] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db)]);
    await ctx.db('digest_opt_outs').insert({ user_id: quiet.id });
    // Written read, as if the page was open: the digest run must leave it alone.
    await ctx.db('notifications').insert({ recipient_id: reader.id, kind: 'follower', subject_id: quiet.id, actor_id: quiet.id, read_at: new Date() });
    await notifyFollowed(ctx.db, { followerId: reader.id, followedId: quiet.id });
    await digestRunsPass();
    expect(mailsTo(reader)).toEqual([]);
    expect(mailsTo(quiet)).toEqual([]);
    expect(await ctx.db('notification_digests').whereIn('user_id', [reader.id, quiet.id]).count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('the unsubscribe link works signed out, from a mail program in one click, and stops further digests', async () => {
    const me = await insertUser(ctx.db);
    await notifyFollowed(ctx.db, { followerId: (await insertUser(ctx.db)).id, followedId: me.id });
    const mail = await smtp.next(me.email, /SoundHub/);
    const link = new URL(/http:\/\/soundhub\.test\/notifications\/unsubscribe\?\S+/.exec(mail.text)![0]);
    const path = link.pathname + link.search;

    // Opening it (a person, or a mail scanner) only asks.
    const page = await supertest(ctx.app).get(path);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Stop the notification digest?');
    expect(await ctx.db('digest_opt_outs').where({ user_id: me.id }).first()).toBeUndefined();

    // Someone else's id with this token, or a changed token: refused, nothing changes.
    const other = await insertUser(ctx.db);
    for (const bad of [path.replace(`user=${me.id}`, `user=${other.id}`), path.replace(/token=./, 'token=A'), '/notifications/unsubscribe']) {
      expect((await supertest(ctx.app).post(bad).type('form').send('List-Unsubscribe=One-Click')).status, bad).toBe(403);
      expect((await supertest(ctx.app).get(bad)).status, bad).toBe(403);
    }
    expect(await ctx.db('digest_opt_outs').whereIn('user_id', [me.id, other.id]).count({ n: '*' }).first()).toEqual({ n: 0 });

    // The mail program's one-click POST: no session, no CSRF token (RFC 8058).
    const click = await supertest(ctx.app).post(path).type('form').send('List-Unsubscribe=One-Click');
    expect(click.status).toBe(200);
    expect(click.text).toContain('You are unsubscribed');
    expect(click.headers['set-cookie'], 'no session is made for it').toBeUndefined();
    expect(await ctx.db('digest_opt_outs').where({ user_id: me.id }).count({ n: '*' }).first()).toEqual({ n: 1 });

    // No more digests, however much happens.
    await anHourLater(me);
    await notifyFollowed(ctx.db, { followerId: (await insertUser(ctx.db)).id, followedId: me.id });
    await digestRunsPass();
    expect(mailsTo(me)).toHaveLength(1);
  });

  it('a digest refused by the mail server is sent by the retry, once', async () => {
    const me = await insertUser(ctx.db);
    smtp.refuse(1);
    await notifyFollowed(ctx.db, { followerId: (await insertUser(ctx.db)).id, followedId: me.id });
    await smtp.next(me.email, /SoundHub/);
    await digestRunsPass();
    expect(mailsTo(me)).toHaveLength(1);
    expect(await ctx.db('notification_digests').where({ user_id: me.id }).whereNotNull('sent_at').count({ n: '*' }).first()).toEqual({ n: 1 });
  });
});
