import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertContribution, insertPost, insertUser } from '../../test/db-factories.js';
import { buildUser, type SignedIn } from '../../test/factories.js';
import { findPostById } from '../posts/queries.js';
import { commentRecipients, createComment } from './create.js';
import { listCommentsOfPost } from './queries.js';
import { formatMoment, parseMoment } from './schemas.js';

let ctx: TestContext;
let author: SignedIn;
let fan: SignedIn;
let stranger: SignedIn;
const ids = { author: 0, fan: 0, stranger: 0 };

beforeAll(async () => {
  ctx = await createTestContext();
  [author, fan, stranger] = await Promise.all([buildUser(ctx.app), buildUser(ctx.app), buildUser(ctx.app)]);
  for (const [name, u] of Object.entries({ author, fan, stranger })) ids[name as keyof typeof ids] = (await ctx.db('users').where({ nickname: u.nickname }).first('id')).id as number;
});
afterAll(() => ctx?.close());

/** A song by `author` (a 3 s author track) with one part (3 s) by a fresh musician. */
async function song() {
  const post = await insertPost(ctx.db, { authorId: ids.author });
  const part = await insertContribution(ctx.db, { postId: post.id });
  return { post, part };
}

const comment = (user: SignedIn, postId: number, fields: Record<string, string>) => user.agent.post(`/posts/${postId}/comments`).type('form').send({ _csrf: user.csrf, ...fields });
const commentJson = (user: SignedIn, postId: number, fields: Record<string, string>) =>
  user.agent.post(`/posts/${postId}/comments`).set('Accept', 'application/json').set('X-CSRF-Token', user.csrf).type('form').send(fields);
const remove = (user: SignedIn, id: number) => user.agent.post(`/comments/${id}/delete`).set('Accept', 'application/json').set('X-CSRF-Token', user.csrf).type('form').send({});
const rowsOf = (postId: number) => ctx.db('comments').where({ post_id: postId }).orderBy('id').select('id', 'contribution_id', 'parent_id', 'author_id', 'body', 'at_ms', 'deleted_at');

describe('moments', () => {
  it('reads 1:02, 62, 1:02:03 and 62.5, and refuses what is not a moment', () => {
    expect(parseMoment('1:02')).toBe(62_000);
    expect(parseMoment(' 62 ')).toBe(62_000);
    expect(parseMoment('1:02:03')).toBe(3_723_000);
    expect(parseMoment('62.5')).toBe(62_500);
    expect(parseMoment('')).toBeNull();
    for (const bad of ['1:75', 'abc', '-3', '1:2:3:4', '1,5']) expect(parseMoment(bad), bad).toBe('invalid');
    expect(formatMoment(62_999)).toBe('1:02');
    expect(formatMoment(3_723_000)).toBe('1:02:03');
  });
});

describe('commenting', () => {
  it('a plain form comments on the song at a moment and goes back to the comment; the page shows it with its marker data', async () => {
    const { post } = await song();
    const res = await comment(fan, post.id, { body: 'Love the chord at the start', at: '0:02' });
    expect(res.status).toBe(303);
    const [row] = await rowsOf(post.id);
    expect(row).toMatchObject({ contribution_id: null, parent_id: null, author_id: ids.fan, body: 'Love the chord at the start', at_ms: 2000, deleted_at: null });
    expect(res.headers.location).toBe(`/posts/${post.id}#comment-${row.id}`);

    const page = await supertest(ctx.app).get(`/posts/${post.id}`);
    const li = new RegExp(`<li class="comment" id="comment-${row.id}"[^]*?</li>`).exec(page.text)?.[0] ?? '';
    expect(li).toContain(`href="/users/${fan.nickname}">${fan.nickname}</a>`);
    expect(li).toContain('Love the chord at the start');
    expect(li).toContain('just now');
    // The marker's data: the author track's lane in the mixer, 2000 ms, and the song's player without it.
    expect(li).toContain(`data-seek-ms="2000" data-seek-track="${post.author_track_id}" data-seek-scope="song" data-seek-audio="#listen [data-play]"`);
    expect(li).toContain(`href="/tracks/${post.author_track_id}/stream#t=2.0"`);
    expect(li).toMatch(/>at 0:02</);
    expect(page.text, 'a visitor is asked to log in').toMatch(/<a href="\/login\?next=[^"]+">Log in<\/a> to comment/);
  });

  it('with JavaScript: 201 and the comment as the page renders it, on a part', async () => {
    const { post, part } = await song();
    const res = await commentJson(fan, post.id, { body: 'Nice fill', at: '1', contribution: String(part.id) });
    expect(res.status).toBe(201);
    expect(res.body.comment).toMatchObject({ contributionId: part.id, parentId: null, atMs: 1000 });
    expect(res.body.html).toContain(`id="comment-${res.body.comment.id}"`);
    expect(res.body.html).toContain(`data-seek-track="${part.track_id}" data-seek-scope="part"`);
    expect(res.body.html, 'the new comment can be answered at once').toContain('name="parent"');
    const page = await fan.agent.get(`/posts/${post.id}`);
    const partBlock = new RegExp(`id="contribution-${part.id}"[^]*?id="comment-${res.body.comment.id}"`).exec(page.text);
    expect(partBlock, 'the comment sits under its part').not.toBeNull();
  });

  it('bad input: a clear message, the form filled in again, nothing stored', async () => {
    const { post, part } = await song();
    const empty = await comment(fan, post.id, { body: '   ', at: '0:01' });
    expect(empty.status).toBe(422);
    expect(empty.text).toContain('Write something to comment.');
    expect(empty.text).toMatch(/name="at"[^>]*value="0:01"/);
    const long = await comment(fan, post.id, { body: 'x'.repeat(2001) });
    expect(long.status).toBe(422);
    expect(long.text).toContain('A comment can have at most 2000 characters.');
    expect(long.text).toContain('x'.repeat(2001));
    const garbled = await commentJson(fan, post.id, { body: 'hi', at: 'soon' });
    expect(garbled.status).toBe(422);
    expect(garbled.body.error.fields.at).toBe('Write the moment as minutes:seconds (1:02) or seconds (62).');
    // Past the end: the song and the part are 3 s long.
    const late = await comment(fan, post.id, { body: 'The ending!', at: '0:04', contribution: String(part.id) });
    expect(late.status).toBe(422);
    expect(late.text).toContain('The track is only 0:03 long: pick a moment inside it.');
    expect(late.text, 'the part form is open again with what was typed').toMatch(new RegExp(`<details class="comment-new" open><summary class="small">Comment on this part</summary>[^]*?name="contribution" value="${part.id}"[^]*?>The ending!</textarea>`));
    const otherSong = await song();
    const wrongPart = await commentJson(fan, post.id, { body: 'hi', contribution: String(otherSong.part.id) });
    expect(wrongPart.status).toBe(422);
    expect(wrongPart.body.error.fields.contribution).toBe('That part is not on this song any more.');
    expect(await rowsOf(post.id)).toEqual([]);
  });

  it('must be signed in and have confirmed their address', async () => {
    const { post } = await song();
    const visitor = supertest.agent(ctx.app);
    const anon = await visitor.post(`/posts/${post.id}/comments`).set('Accept', 'application/json').type('form').send({ body: 'hi' });
    expect(anon.status, 'no session, no token: refused by CSRF').toBe(403);
    const unverified = await buildUser(ctx.app, { verified: false });
    const res = await commentJson(unverified, post.id, { body: 'hi' });
    expect(res.status).toBe(403);
    const page = await unverified.agent.get(`/posts/${post.id}`);
    expect(page.text).toContain('Confirm your email address to comment');
    expect(await rowsOf(post.id)).toEqual([]);
  });
});

describe('replies', () => {
  it('one level: a reply to a reply joins the thread of the top-level comment, and takes no moment', async () => {
    const { post, part } = await song();
    const top = (await commentJson(fan, post.id, { body: 'Top', contribution: String(part.id), at: '0:01' })).body.comment.id as number;
    const reply = await commentJson(author, post.id, { body: 'Thanks', parent: String(top) });
    expect(reply.status).toBe(201);
    expect(reply.body.comment).toMatchObject({ parentId: top, contributionId: part.id, atMs: null });
    const deeper = await commentJson(stranger, post.id, { body: 'Me too', parent: String(reply.body.comment.id) });
    expect(deeper.status).toBe(201);
    expect(deeper.body.comment.parentId, 'attached to the top-level comment').toBe(top);
    const timed = await commentJson(stranger, post.id, { body: 'at 2', parent: String(top), at: '0:02' });
    expect(timed.status).toBe(422);
    expect(timed.body.error.fields.at).toBe('A reply has no moment of its own: it answers the comment above.');
    const elsewhere = await song();
    const foreign = await commentJson(stranger, elsewhere.post.id, { body: 'hi', parent: String(top) });
    expect(foreign.status).toBe(422);
    expect(await rowsOf(elsewhere.post.id)).toEqual([]);

    const page = await fan.agent.get(`/posts/${post.id}`);
    const thread = new RegExp(`id="comment-${top}"[^]*?<ol class="comment-replies" data-replies>([^]*?)</ol>`).exec(page.text)?.[1] ?? '';
    expect(thread.indexOf('Thanks'), 'replies oldest first').toBeLessThan(thread.indexOf('Me too'));
    expect(thread).toContain('Me too');
  });

  it('tells who should hear of it: the song author, the part contributor, the one answered', async () => {
    const { post, part } = await song();
    const summary = (await findPostById(ctx.db, post.id))!;
    const actor = { id: ids.stranger, nickname: stranger.nickname, email: stranger.email, verified: true };
    const top = await createComment(summary, { body: 'On the part', at: null, contribution: part.id, parent: null }, { db: ctx.db, actor: { ...actor, id: ids.fan } });
    expect(top.audience).toEqual({ songAuthorId: ids.author, partContributorId: part.contributor_id, repliedToAuthorId: null });
    const reply = await createComment(summary, { body: 'Agreed', at: null, contribution: null, parent: top.comment.id }, { db: ctx.db, actor });
    expect(reply.audience).toEqual({ songAuthorId: ids.author, partContributorId: part.contributor_id, repliedToAuthorId: ids.fan });
    expect(commentRecipients(reply).sort()).toEqual([ids.author, part.contributor_id, ids.fan].sort());
    const own = await createComment(summary, { body: 'My own song', at: null, contribution: null, parent: null }, { db: ctx.db, actor: { ...actor, id: ids.author } });
    expect(commentRecipients(own), 'nobody is told of their own comment').toEqual([]);
  });

  it('through the site: a comment on a part tells its song author and contributor, a reply tells the one answered, each once', async () => {
    const { post, part } = await song();
    const top = (await commentJson(fan, post.id, { body: 'Lovely fill', contribution: String(part.id), at: '0:01' })).body.comment.id as number;
    const reply = (await commentJson(stranger, post.id, { body: 'Agreed', parent: String(top) })).body.comment.id as number;
    const told = await ctx.db('notifications').whereIn('subject_id', [top, reply]).whereIn('kind', ['comment', 'reply']).orderBy(['subject_id', 'recipient_id']).select('recipient_id', 'kind', 'subject_id', 'actor_id');
    expect(told).toEqual(
      [
        { recipient_id: ids.author, kind: 'comment', subject_id: top, actor_id: ids.fan },
        { recipient_id: part.contributor_id, kind: 'comment', subject_id: top, actor_id: ids.fan },
        { recipient_id: ids.author, kind: 'comment', subject_id: reply, actor_id: ids.stranger },
        { recipient_id: part.contributor_id, kind: 'comment', subject_id: reply, actor_id: ids.stranger },
        { recipient_id: ids.fan, kind: 'reply', subject_id: reply, actor_id: ids.stranger },
      ].sort((a, b) => a.subject_id - b.subject_id || a.recipient_id - b.recipient_id),
    );
    const page = await author.agent.get('/notifications');
    expect(page.text).toContain(`/posts/${post.id}#comment-${top}`);
  });

  it('a musician the viewer blocked: their comments are hidden from the viewer alone, and tell the viewer nothing', async () => {
    const post = await insertPost(ctx.db, { authorId: ids.stranger });
    const blocked = await stranger.agent.post(`/users/${fan.nickname}/block`).type('form').send({ _csrf: stranger.csrf, on: '1' });
    expect(blocked.status).toBe(303);
    const said = await commentJson(fan, post.id, { body: 'You will not see this' });
    expect(said.status).toBe(201);
    expect((await stranger.agent.get(`/posts/${post.id}`)).text).not.toContain('You will not see this');
    expect((await author.agent.get(`/posts/${post.id}`)).text).toContain('You will not see this');
    expect(await ctx.db('notifications').where({ recipient_id: ids.stranger, subject_id: said.body.comment.id }).select('id')).toEqual([]);
  });
});

describe('deleting', () => {
  it('the commenter and the song author may; anyone else gets 403 and nothing changes', async () => {
    const { post } = await song();
    const a = (await commentJson(fan, post.id, { body: 'one' })).body.comment.id as number;
    const b = (await commentJson(fan, post.id, { body: 'two' })).body.comment.id as number;
    const refused = await remove(stranger, a);
    expect(refused.status).toBe(403);
    expect((await rowsOf(post.id)).map((r) => r.id)).toEqual([a, b]);
    expect((await remove(fan, a)).body).toEqual({ kind: 'removed', removedIds: [a] });
    const plain = await author.agent.post(`/comments/${b}/delete`).type('form').send({ _csrf: author.csrf });
    expect(plain.status).toBe(303);
    expect(plain.headers.location).toBe(`/posts/${post.id}#comments`);
    expect(await rowsOf(post.id)).toEqual([]);
    expect((await remove(fan, a)).status, 'gone is gone').toBe(404);
  });

  it('a top-level comment with replies stays as "Comment deleted." above them, until its last reply goes', async () => {
    const { post } = await song();
    const top = (await commentJson(fan, post.id, { body: 'Secret words', at: '0:01' })).body.comment.id as number;
    const reply = (await commentJson(stranger, post.id, { body: 'A reply', parent: String(top) })).body.comment.id as number;
    expect((await remove(fan, top)).body).toEqual({ kind: 'placeholder' });
    const page = await fan.agent.get(`/posts/${post.id}`);
    const li = new RegExp(`<li class="comment is-deleted" id="comment-${top}"[^]*?</ol>`).exec(page.text)?.[0] ?? '';
    expect(li).toContain('Comment deleted.');
    expect(li).toContain('A reply');
    expect(page.text).not.toContain('Secret words');
    expect(li, 'no marker for a deleted comment').not.toContain('data-seek-ms');
    expect((await commentJson(stranger, post.id, { body: 'late', parent: String(top) })).status, 'a placeholder takes no replies').toBe(422);
    expect((await remove(stranger, reply)).body).toEqual({ kind: 'removed', removedIds: [reply, top] });
    expect(await rowsOf(post.id)).toEqual([]);
  });
});

describe('the post page loads comments in one query', () => {
  it('can leave out the comments of musicians the viewer blocked (hiddenAuthorIds), replies under theirs too', async () => {
    const { post } = await song();
    const [blocked, other] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db)]);
    const summary = (await findPostById(ctx.db, post.id))!;
    const as = (id: number) => ({ db: ctx.db, actor: { id, nickname: 'x', email: 'x@example.test', verified: true } });
    const theirs = await createComment(summary, { body: 'by blocked', at: null, contribution: null, parent: null }, as(blocked.id));
    await createComment(summary, { body: 'reply under blocked', at: null, contribution: null, parent: theirs.comment.id }, as(other.id));
    const mine = await createComment(summary, { body: 'by other', at: null, contribution: null, parent: null }, as(other.id));
    await createComment(summary, { body: 'blocked replies', at: null, contribution: null, parent: mine.comment.id }, as(blocked.id));
    await createComment(summary, { body: 'other replies', at: null, contribution: null, parent: mine.comment.id }, as(other.id));
    expect((await listCommentsOfPost(ctx.db, post.id)).map((c) => c.body)).toEqual(['by blocked', 'reply under blocked', 'by other', 'blocked replies', 'other replies']);
    expect((await listCommentsOfPost(ctx.db, post.id, { hiddenAuthorIds: [blocked.id] })).map((c) => c.body)).toEqual(['by other', 'other replies']);
  });
});
