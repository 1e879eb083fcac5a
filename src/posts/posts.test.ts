import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertPost, insertPosts, insertUser } from '../../test/db-factories.js';
import { buildPost, buildUser, makeTone, uniq, type SignedIn } from '../../test/factories.js';
import { expectNothingStored, watchWrites } from '../../test/objects.js';
import { headObject } from '../storage/s3.js';

let ctx: TestContext;
let musician: SignedIn;
beforeAll(async () => {
  ctx = await createTestContext({ MAX_UPLOAD_MB: '2' });
  musician = await buildUser(ctx.app);
});
afterAll(() => ctx.close());

/** Titles of the post cards on a list page, top to bottom. */
const cardTitles = (html: string) => [...html.matchAll(/class="post-title" href="[^"]*">([^<]*)</g)].map((m) => m[1]!);
const olderLink = (html: string) => /href="([^"]*\?before=[^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

/** Follows a list's "older" links from `url`; returns the card titles of each page. */
async function walkPages(url: string): Promise<string[][]> {
  const pages: string[][] = [];
  for (let next: string | undefined = url; next; ) {
    const res = await supertest(ctx.app).get(next);
    expect(res.status, next).toBe(200);
    pages.push(cardTitles(res.text));
    next = olderLink(res.text);
    if (pages.length > 20) throw new Error(`more than 20 pages from ${url}`);
  }
  return pages;
}

/** `mine` (newest first) shows once each, in that order, across full pages of 20. */
function expectPagedNewestFirst(pages: string[][], mine: string[]) {
  expect(pages.length).toBeGreaterThan(1);
  for (const p of pages.slice(0, -1)) expect(p).toHaveLength(20);
  const all = pages.flat();
  expect(new Set(all).size, 'no card on two pages').toBe(all.length);
  expect(all.filter((t) => mine.includes(t))).toEqual(mine);
}

function postForm(user: SignedIn, fields: Record<string, string>) {
  const req = user.agent.post('/posts').set('X-CSRF-Token', user.csrf);
  for (const [k, v] of Object.entries(fields)) req.field(k, v);
  return req;
}

describe('posting a song', () => {
  it('stores the MP3 in S3 and the post and track rows, then shows the post page', async () => {
    const mp3 = await makeTone({ seconds: 3, format: 'mp3' });
    const res = await postForm(musician, { title: 'Morning sketch', description: 'Needs drums', genre: 'jazz', instrument: 'keyboard', bpm: '92', key: 'D minor' }).attach('audio', mp3, 'morning sketch.mp3');
    expect(res.status).toBe(303);
    const id = Number(res.headers.location!.replace('/posts/', ''));

    const post = await ctx.db('posts').where({ id }).first();
    expect(post).toMatchObject({ title: 'Morning sketch', description: 'Needs drums', bpm: 92, key: 'D minor' });
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
    expect(track).toMatchObject({ kind: 'author', original_name: 'morning sketch.mp3', original_bytes: mp3.length, channels: 2 });
    expect(track.duration_ms).toBeGreaterThan(2900);
    expect(track.duration_ms).toBeLessThan(3200);
    expect(track.original_key).toBe(`tracks/${track.id}/original.mp3`);
    const head = await headObject(ctx.storage, track.original_key);
    expect(head?.ContentLength).toBe(mp3.length);

    const page = await musician.agent.get(res.headers.location!);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Morning sketch');
    expect(page.text).toContain(`data-play="/tracks/${track.id}/stream"`);
    expect(page.text).toContain('Jazz');
    expect(page.text).toContain('92 BPM');
  });

  it('accepts WAV too', async () => {
    const wav = await makeTone({ seconds: 2, format: 'wav' });
    const { id } = await buildPost(musician, {}, { buffer: wav, name: 'take.wav' });
    const post = await ctx.db('posts').where({ id }).first();
    const track = await ctx.db('tracks').where({ id: post.author_track_id }).first();
    expect(track.codec).toMatch(/pcm/);
    expect(track.original_key).toMatch(/original\.wav$/);
  });

  it('refuses a text file named .mp3 with 415, leaving neither row nor object', async () => {
    const title = uniq('Fake ');
    const writes = watchWrites(ctx);
    const res = await postForm(musician, { title, genre: 'rock', instrument: 'guitar' })
      .set('Accept', 'text/html')
      .attach('audio', Buffer.from('this is not audio at all, just words\n'.repeat(200)), 'song.mp3');
    expect(res.status).toBe(415);
    expect(res.text).toContain('is not an audio file we can play');
    expect(await ctx.db('posts').where({ title }).first()).toBeUndefined();
    // The file reached S3 (it is sniffed there) and its folder is gone again.
    expect(writes.trackIds()).toHaveLength(1);
    await expectNothingStored(ctx, writes.trackIds());
  });

  it('refuses a file over MAX_UPLOAD_MB with 413, leaving nothing behind', async () => {
    const title = uniq('Too big ');
    const writes = watchWrites(ctx);
    const big = Buffer.alloc(3 * 1024 * 1024, 1);
    const res = await postForm(musician, { title, genre: 'rock', instrument: 'guitar' }).attach('audio', big, 'big.wav');
    expect(res.status).toBe(413);
    expect(res.text).toContain('larger than 2 MB');
    expect(await ctx.db('posts').where({ title }).first()).toBeUndefined();
    // The upload may be cut off before its first write; whatever it started is gone.
    await expectNothingStored(ctx, writes.trackIds());
  });

  it('re-renders the form with 422 for bad fields, and removes the uploaded object', async () => {
    const writes = watchWrites(ctx);
    const res = await postForm(musician, { title: '', genre: 'rock', instrument: 'guitar', bpm: 'fast' }).set('Accept', 'text/html').attach('audio', await makeTone({ seconds: 1 }), 'a.mp3');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Give your song a title.');
    expect(res.text).toContain('BPM must be a number.');
    expect(writes.trackIds()).toHaveLength(1);
    await expectNothingStored(ctx, writes.trackIds());

    const title = uniq('Polka ');
    const second = watchWrites(ctx);
    const unknownGenre = await postForm(musician, { title, genre: 'polka-step', instrument: 'guitar' }).set('Accept', 'text/html').attach('audio', await makeTone({ seconds: 1 }), 'a.mp3');
    expect(unknownGenre.status).toBe(422);
    expect(unknownGenre.text).toContain('Pick a genre from the list.');
    expect(await ctx.db('posts').where({ title }).first()).toBeUndefined();
    expect(second.trackIds()).toHaveLength(1);
    await expectNothingStored(ctx, second.trackIds());
  });

  it('asks for a file when none is sent', async () => {
    const res = await postForm(musician, { title: 'No file', genre: 'rock', instrument: 'guitar' }).set('Accept', 'text/html');
    expect(res.status).toBe(422);
    expect(res.text).toContain('Choose an audio file to upload.');
  });

  it('refuses an upload without a CSRF token before anything reaches S3', async () => {
    const title = uniq('Forged ');
    const writes = watchWrites(ctx);
    const res = await musician.agent.post('/posts').field('title', title).field('genre', 'rock').field('instrument', 'guitar').attach('audio', await makeTone({ seconds: 1 }), 'x.mp3');
    expect(res.status).toBe(403);
    expect(writes.keys()).toEqual([]);
    expect(await ctx.db('posts').where({ title }).first()).toBeUndefined();
  });

  it('sends a visitor who is not signed in to log in', async () => {
    const res = await supertest(ctx.app).get('/posts/new').set('Accept', 'text/html');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Fposts%2Fnew');
  });

  it('answers 404 for a post that does not exist', async () => {
    const res = await supertest(ctx.app).get('/posts/999999').set('Accept', 'text/html');
    expect(res.status).toBe(404);
    expect(res.text).toContain('This song does not exist');
  });
});

describe('pages', () => {
  it('new songs (/new) list newest first, 20 a page, with an "older" link (keyset pagination)', async () => {
    const mine = (await insertPosts(ctx.db, 45, { titlePrefix: uniq('Home ') })).map((p) => p.title);
    const pages = await walkPages('/new');
    // Nothing newer was made meanwhile in this file, so ours open the first page.
    expect(pages[0]).toEqual(mine.slice(0, 20));
    expectPagedNewestFirst(pages, mine);
  });

  it('a musician page pages through all their songs, newest first', async () => {
    const author = await insertUser(ctx.db);
    const mine = (await insertPosts(ctx.db, 23, { authorId: author.id })).map((p) => p.title);
    await insertPost(ctx.db, { title: uniq('Not theirs ') });
    const pages = await walkPages(`/users/${author.nickname}`);
    expect(pages.flat()).toEqual(mine);
    expectPagedNewestFirst(pages, mine);
  });

  it('a musician page shows them and their posts; an unknown one is 404', async () => {
    const author = await insertUser(ctx.db, { bio: 'Plays in the park' });
    const { title } = await insertPost(ctx.db, { authorId: author.id });
    const res = await supertest(ctx.app).get(`/users/${author.nickname}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(author.nickname);
    expect(res.text).toContain('Plays in the park');
    expect(cardTitles(res.text)).toEqual([title]);
    expect((await supertest(ctx.app).get(`/users/${uniq('nobody')}`)).status).toBe(404);
  });

  it('escapes what users type', async () => {
    const author = await buildUser(ctx.app);
    const { location } = await buildPost(author, { title: '<script>alert(1)</script>' });
    const res = await supertest(ctx.app).get(location);
    expect(res.text).not.toContain('<script>alert(1)</script>');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });
});

describe('genre and instrument pages', () => {
  it('page through every song of a genre, and only those', async () => {
    const others = await insertPosts(ctx.db, 3, { genre: 'blues' });
    const mine = (await insertPosts(ctx.db, 22, { genre: 'reggae' })).map((p) => p.title);
    const pages = await walkPages('/genres/reggae');
    expectPagedNewestFirst(pages, mine);
    for (const other of others) expect(pages.flat()).not.toContain(other.title);
  });

  it('page through every song started on an instrument, and only those', async () => {
    const others = await insertPosts(ctx.db, 3, { instrument: 'woodwind' });
    const mine = (await insertPosts(ctx.db, 22, { instrument: 'brass' })).map((p) => p.title);
    const pages = await walkPages('/instruments/brass');
    expectPagedNewestFirst(pages, mine);
    for (const other of others) expect(pages.flat()).not.toContain(other.title);
  });

  it('list only the songs of that genre or instrument, and 404 for an unknown one', async () => {
    const funky = await insertPost(ctx.db, { title: uniq('Funky keys '), genre: 'funk', instrument: 'keyboard' });
    const folk = await insertPost(ctx.db, { title: uniq('Folk guitar '), genre: 'folk', instrument: 'guitar' });

    const funk = await supertest(ctx.app).get('/genres/funk');
    expect(funk.status).toBe(200);
    expect(funk.text).toContain('Funk songs');
    expect(cardTitles(funk.text)).toContain(funky.title);
    expect(cardTitles(funk.text)).not.toContain(folk.title);

    const keys = await supertest(ctx.app).get('/instruments/keyboard');
    expect(keys.status).toBe(200);
    expect(cardTitles(keys.text)).toContain(funky.title);
    expect(cardTitles(keys.text)).not.toContain(folk.title);

    expect((await supertest(ctx.app).get('/genres/no-such-genre')).status).toBe(404);
    expect((await supertest(ctx.app).get('/instruments/theremin-9')).status).toBe(404);
  });
});
