import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { addContribution, waitForTrack } from '../../test/coproduction.js';
import { insertContribution, insertPost, insertUser, type InsertedPost } from '../../test/db-factories.js';
import { buildPost, buildUser, makeTone, uniq, type SignedIn } from '../../test/factories.js';
import { countPlayOfTrack } from '../contributions/plays.js';
import { setLookingFor } from '../posts/looking-for-queries.js';
import { setFollowing } from '../users/follow-queries.js';
import { refreshTrending } from './trending.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx?.close());

/** Titles of the post cards on a page, top to bottom. */
const cardTitles = (html: string) => [...html.matchAll(/class="post-title" href="[^"]*">([^<]*)</g)].map((m) => m[1]!);
/** The line above each card ("bob added bass · …", "ana posted a new song"). */
const cardNotes = (html: string) => [...html.matchAll(/class="card-note small">([^<]*)</g)].map((m) => m[1]!.replace(/&#39;/g, "'"));
const olderLink = (html: string) => /href="([^"]*\?[^"]*before=[^"]+)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
const idOf = async (user: SignedIn) => (await ctx.db('users').where({ nickname: user.nickname }).first('id')).id as number;
const instrumentId = async (slug: string) => (await ctx.db('instruments').where({ slug }).first('id')).id as number;
const ago = (ms: number) => new Date(Date.now() - ms);
const DAY = 86_400_000;

/** Follows the "older" links from `url` as `agent`; the titles and notes of each page. */
async function walk(agent: ReturnType<typeof supertest.agent>, url: string) {
  const pages: Array<{ titles: string[]; notes: string[] }> = [];
  for (let next: string | undefined = url; next; ) {
    const res = await agent.get(next);
    expect(res.status, next).toBe(200);
    pages.push({ titles: cardTitles(res.text), notes: cardNotes(res.text) });
    next = olderLink(res.text);
    if (pages.length > 20) throw new Error(`more than 20 pages from ${url}`);
  }
  return pages;
}

describe('the Following feed', () => {
  it('shows only new songs and parts by followed musicians, newest first, paged without duplicates or gaps', async () => {
    const reader = await buildUser(ctx.app);
    const readerId = await idOf(reader);
    const [songwriter, bassist, stranger] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db), insertUser(ctx.db)]);
    await setFollowing(ctx.db, readerId, songwriter.id, true);
    await setFollowing(ctx.db, readerId, bassist.id, true);
    const strangersSong = await insertPost(ctx.db, { authorId: stranger.id, title: uniq('Stranger '), createdAt: ago(1000) });
    // 15 songs by the songwriter and 15 parts by the bassist (on the stranger's song), interleaved in time.
    const expected: string[] = [];
    for (let i = 0; i < 15; i++) {
      const song = await insertPost(ctx.db, { authorId: songwriter.id, title: uniq(`Followed ${i} `), createdAt: ago(60_000 * (2 * i + 1)) });
      const part = await insertContribution(ctx.db, { postId: strangersSong.id, contributorId: bassist.id, instrument: 'bass' });
      await ctx.db('contributions').where({ id: part.id }).update({ created_at: ago(60_000 * (2 * i + 2)) });
      expected.push(`song ${song.title}`, `part ${strangersSong.title}`);
    }
    // Not followed: the stranger's own songs and parts, and one part at the very same moment as a followed song.
    await insertPost(ctx.db, { authorId: stranger.id, title: uniq('Unfollowed '), createdAt: ago(30_000) });
    await insertContribution(ctx.db, { postId: strangersSong.id, contributorId: stranger.id });

    const pages = await walk(reader.agent, '/following');
    expect(pages.map((p) => p.titles.length)).toEqual([20, 10]);
    const seen = pages.flatMap((p) => p.titles.map((t, i) => `${p.notes[i]!.includes('added') ? 'part' : 'song'} ${t}`));
    expect(seen).toEqual(expected);
    const notes = pages.flatMap((p) => p.notes);
    expect(notes[0]).toBe(`${songwriter.nickname} posted a new song`);
    expect(notes[1]).toMatch(new RegExp(`^${bassist.nickname} added bass · `));
    expect(seen.some((s) => s.includes('Unfollowed'))).toBe(false);
  });

  it('a song and a part of the same millisecond are both shown once across a page break', async () => {
    const reader = await buildUser(ctx.app);
    const readerId = await idOf(reader);
    const musician = await insertUser(ctx.db);
    await setFollowing(ctx.db, readerId, musician.id, true);
    const at = ago(5000);
    const titles: string[] = [];
    for (let i = 0; i < 20; i++) titles.push((await insertPost(ctx.db, { authorId: musician.id, title: uniq(`Same ${i} `), createdAt: at })).title);
    const host = await insertPost(ctx.db, { title: uniq('Host '), createdAt: ago(DAY) });
    const part = await insertContribution(ctx.db, { postId: host.id, contributorId: musician.id });
    await ctx.db('contributions').where({ id: part.id }).update({ created_at: at });
    const pages = await walk(reader.agent, '/following');
    const all = pages.flatMap((p) => p.titles);
    expect(all).toHaveLength(21);
    expect(new Set(all).size).toBe(21);
    expect(all.at(-1)).toBe(host.title);
  });

  it('asks a visitor to log in', async () => {
    const res = await supertest(ctx.app).get('/following');
    expect(res.status).toBe(302);
    expect(res.headers.location).toBe('/login?next=%2Ffollowing');
  });
});

describe('trending', () => {
  it('counts likes, plays and new parts of the last 7 days only, and pages on (score, id) without duplicates or gaps', async () => {
    const likers = await Promise.all(Array.from({ length: 4 }, () => insertUser(ctx.db)));
    const like = (postId: number, user: number, at: Date) => ctx.db('post_likes').insert({ user_id: user, post_id: postId, created_at: at });
    // Old: 4 likes, 3 parts and 50 plays, all 8 or more days ago.
    const old = await insertPost(ctx.db, { title: uniq('Old hit ') });
    for (const u of likers) await like(old.id, u.id, ago(8 * DAY));
    for (let i = 0; i < 3; i++) await ctx.db('contributions').where({ id: (await insertContribution(ctx.db, { postId: old.id })).id }).update({ created_at: ago(9 * DAY) });
    await ctx.db('post_play_hours').insert({ post_id: old.id, hour: ago(10 * DAY), plays: 50 });
    // Fresh: 2 likes yesterday (+6), one part two days ago (+5), 2 plays counted now (+2), one old like (no).
    const fresh = await insertPost(ctx.db, { title: uniq('Fresh ') });
    await like(fresh.id, likers[0]!.id, ago(DAY));
    await like(fresh.id, likers[1]!.id, ago(DAY));
    await like(fresh.id, likers[2]!.id, ago(8 * DAY));
    await ctx.db('contributions').where({ id: (await insertContribution(ctx.db, { postId: fresh.id })).id }).update({ created_at: ago(2 * DAY) });
    const freshTrack = (await ctx.db('posts').where({ id: fresh.id }).first('author_track_id')).author_track_id as string;
    await ctx.db.transaction((trx) => countPlayOfTrack(trx, freshTrack));
    await ctx.db.transaction((trx) => countPlayOfTrack(trx, freshTrack));
    expect(await ctx.db('post_play_hours').where({ post_id: fresh.id }).sum({ n: 'plays' }).first()).toEqual({ n: 2 });

    await refreshTrending(ctx.db);
    expect(await ctx.db('trending_songs').where({ post_id: old.id }).first()).toBeUndefined();
    expect(await ctx.db('trending_songs').where({ post_id: fresh.id }).first('score', 'likes', 'plays', 'parts')).toEqual({ score: 13, likes: 2, plays: 2, parts: 1 });

    // 25 more songs with one to five likes this week: many ties, so the id decides within a score.
    const ranked: InsertedPost[] = [];
    for (let i = 0; i < 25; i++) {
      const song = await insertPost(ctx.db, { title: uniq(`Ranked ${i} `) });
      for (const u of likers.slice(0, 1 + (i % 4))) await like(song.id, u.id, ago(3 * DAY));
      ranked.push(song);
    }
    await refreshTrending(ctx.db);
    const scores = new Map((await ctx.db('trending_songs').select('post_id', 'score')).map((r: { post_id: number; score: number }) => [r.post_id, r.score]));
    const order = [fresh, ...ranked].sort((a, b) => scores.get(b.id)! - scores.get(a.id)! || b.id - a.id).map((p) => p.title);
    expect(order).toHaveLength(26);

    const pages = await walk(supertest.agent(ctx.app), '/trending');
    const all = pages.flatMap((p) => p.titles);
    expect(pages[0]!.titles).toHaveLength(20);
    expect(new Set(all).size, 'no song on two pages').toBe(all.length);
    expect(all.filter((t) => order.includes(t))).toEqual(order);
    expect(all).not.toContain(old.title);
  });
});

describe('looking for a part', () => {
  it('the author marks instruments on the edit page; a part of one entering the mix ticks it off, and only then', async () => {
    const worker = await ctx.startWorker();
    try {
      const author = await buildUser(ctx.app);
      const contributor = await buildUser(ctx.app);
      const tone = await makeTone({ seconds: 2 });
      const post = await buildPost(author, { title: uniq('Needs a band ') }, { buffer: tone, name: 'idea.mp3' });
      const edit = await author.agent
        .post(`/posts/${post.id}/edit`)
        .type('form')
        .send({ _csrf: author.csrf, title: 'Needs a band', genre: 'rock', instrument: 'guitar', description: '', lookingFor: ['', 'bass', 'drums'] });
      expect(edit.status).toBe(303);
      const lookingFor = async () => (await ctx.db('post_looking_for as lf').join('instruments as i', 'i.id', 'lf.instrument_id').where('lf.post_id', post.id).orderBy('i.slug').pluck('i.slug')) as string[];
      expect(await lookingFor()).toEqual(['bass', 'drums']);
      const page = await supertest(ctx.app).get(`/posts/${post.id}`);
      expect(page.text).toMatch(/Looking for:<\/span> <a href="\/looking-for\/bass">bass<\/a>, <a href="\/looking-for\/drums">drums<\/a>/);
      expect((await author.agent.get(`/posts/${post.id}/edit`)).text).toMatch(/value="drums" checked/);

      // An unknown instrument: the form again with the message, nothing changed.
      const bad = await author.agent.post(`/posts/${post.id}/edit`).type('form').send({ _csrf: author.csrf, title: 'Needs a band', genre: 'rock', instrument: 'guitar', lookingFor: ['bass', 'theremin'] });
      expect(bad.status).toBe(422);
      expect(bad.text).toContain('Pick the instruments you are looking for from the list.');
      expect(await lookingFor()).toEqual(['bass', 'drums']);

      const authorTrack = (await ctx.db('posts').where({ id: post.id }).first('author_track_id')).author_track_id as string;
      const bass = await addContribution(contributor, post.id, { buffer: tone, name: 'bass.mp3' }, { instrument: 'bass' });
      const guitar = await addContribution(contributor, post.id, { buffer: tone, name: 'guitar.mp3' }, { instrument: 'guitar' });
      await waitForTrack(ctx, bass.trackId);
      await waitForTrack(ctx, guitar.trackId);
      expect(await lookingFor(), 'an uploaded part is not in the mix yet').toEqual(['bass', 'drums']);

      const save = (tracks: Array<{ trackId: string; included?: boolean; muted?: boolean }>) =>
        author.agent
          .post(`/posts/${post.id}/mix`)
          .set('X-CSRF-Token', author.csrf)
          .set('Accept', 'application/json')
          .send({ tracks: [{ trackId: authorTrack, gainDb: 0, pan: 0, muted: false }, ...tracks.map((t) => ({ gainDb: 0, pan: 0, muted: false, ...t }))] });
      // The bass part in the mix but muted, and the guitar in: neither is a bass or drums heard.
      expect((await save([{ trackId: bass.trackId, included: true, muted: true }, { trackId: guitar.trackId, included: true }])).status).toBe(202);
      expect(await lookingFor()).toEqual(['bass', 'drums']);
      // The bass heard: bass is ticked off, drums still wanted.
      expect((await save([{ trackId: bass.trackId, included: true }, { trackId: guitar.trackId, included: true }])).status).toBe(202);
      expect(await lookingFor()).toEqual(['drums']);
      // Asked for bass again while that part stays in the mix: a new save does not tick it off (it did not enter).
      await setLookingFor(ctx.db, post.id, [await instrumentId('bass'), await instrumentId('drums')]);
      expect((await save([{ trackId: bass.trackId, included: true, muted: false }, { trackId: guitar.trackId, included: true }])).status).toBe(202);
      expect(await lookingFor()).toEqual(['bass', 'drums']);
    } finally {
      await worker.stop();
    }
  });

  it('/looking-for/:instrument lists the songs looking for it, filtered by genre, BPM range and key, paged without gaps', async () => {
    const drums = await instrumentId('drums');
    const brass = await instrumentId('brass');
    const base = Date.now();
    const song = async (title: string, fields: { genre: string; bpm: number; key: string }, wants: number[], msBefore: number) => {
      const p = await insertPost(ctx.db, { title: uniq(title), genre: fields.genre, createdAt: new Date(base - msBefore) });
      await ctx.db('posts').where({ id: p.id }).update({ bpm: fields.bpm, key: fields.key, bpm_source: 'author', key_source: 'author' });
      await setLookingFor(ctx.db, p.id, wants);
      return p.title;
    };
    const slowJazz = await song('Slow jazz ', { genre: 'jazz', bpm: 70, key: 'D minor' }, [drums], 1000);
    const fastJazz = await song('Fast jazz ', { genre: 'jazz', bpm: 150, key: 'D minor' }, [drums, brass], 2000);
    const slowRock = await song('Slow rock ', { genre: 'rock', bpm: 72, key: 'E major' }, [drums], 3000);
    const brassOnly = await song('Brass only ', { genre: 'jazz', bpm: 70, key: 'D minor' }, [brass], 4000);
    const titles = async (url: string) => {
      const res = await supertest(ctx.app).get(url);
      expect(res.status, url).toBe(200);
      return cardTitles(res.text).filter((t) => [slowJazz, fastJazz, slowRock, brassOnly].includes(t));
    };
    expect(await titles('/looking-for/drums')).toEqual([slowJazz, fastJazz, slowRock]);
    expect(await titles('/looking-for/drums?genre=jazz')).toEqual([slowJazz, fastJazz]);
    expect(await titles('/looking-for/drums?bpmMin=60&bpmMax=100')).toEqual([slowJazz, slowRock]);
    expect(await titles('/looking-for/drums?genre=jazz&bpmMin=100')).toEqual([fastJazz]);
    expect(await titles(`/looking-for/drums?key=${encodeURIComponent('E major')}`)).toEqual([slowRock]);
    expect(await titles('/looking-for/brass?genre=&bpmMin=&key=')).toEqual([fastJazz, brassOnly]);
    // Every instrument: a song looking for two is listed once.
    expect(await titles('/looking-for?genre=jazz')).toEqual([slowJazz, fastJazz, brassOnly]);

    for (const [query, message] of [
      ['bpmMin=10', 'Lowest BPM must be at least 20.'],
      ['bpmMin=120&bpmMax=90', 'Lowest BPM must not be above highest BPM.'],
      ['key=H+major', 'Pick a key from the list.'],
      ['genre=polka-metal', 'There is no such genre: pick one from the list.'],
      ['bpmMax=fast', 'Highest BPM must be a number.'],
    ] as const) {
      const res = await supertest(ctx.app).get(`/looking-for/drums?${query}`);
      expect(res.status, query).toBe(422);
      expect(res.text, query).toContain(message);
      expect(cardTitles(res.text), query).toEqual([]);
    }
    expect((await supertest(ctx.app).get('/looking-for/theremin')).status).toBe(404);

    // 30 more songs looking for drums in reggae, one of them for brass too: pages of 20, each once, newest first.
    const reggae: string[] = [];
    for (let i = 0; i < 30; i++) reggae.push(await song(`Reggae ${i} `, { genre: 'reggae', bpm: 90, key: 'A minor' }, i === 7 ? [drums, brass] : [drums], 10_000 + i));
    const pages = await walk(supertest.agent(ctx.app), '/looking-for/drums?genre=reggae&bpmMin=80');
    expect(pages.map((p) => p.titles.length)).toEqual([20, 10]);
    expect(pages.flatMap((p) => p.titles)).toEqual(reggae);
    const any = await walk(supertest.agent(ctx.app), '/looking-for?genre=reggae');
    expect(any.flatMap((p) => p.titles)).toEqual(reggae);
  });
});

describe('the home page', () => {
  it('shows a signed-in musician the songs by others looking for the instruments they play', async () => {
    const musician = await buildUser(ctx.app);
    const musicianId = await idOf(musician);
    await ctx.db('user_instruments').insert([{ user_id: musicianId, instrument_id: await instrumentId('vocal') }]);
    const wantsVocal = await insertPost(ctx.db, { title: uniq('Wants a singer ') });
    await setLookingFor(ctx.db, wantsVocal.id, [await instrumentId('vocal'), await instrumentId('drums')]);
    const wantsDrums = await insertPost(ctx.db, { title: uniq('Wants drums ') });
    await setLookingFor(ctx.db, wantsDrums.id, [await instrumentId('drums')]);
    const own = await insertPost(ctx.db, { authorId: musicianId, title: uniq('My own ') });
    await setLookingFor(ctx.db, own.id, [await instrumentId('vocal')]);

    const home = await musician.agent.get('/');
    expect(home.status).toBe(200);
    const section = /<section id="for-you"[^]*?<\/section>/.exec(home.text)?.[0] ?? '';
    expect(section).toContain('Looking for your instruments');
    expect(cardTitles(section)).toEqual([wantsVocal.title]);
    expect(section).toMatch(/Looking for:<\/span> <a href="\/looking-for\/drums">drums<\/a>, <a href="\/looking-for\/vocal">vocal<\/a>|Looking for:<\/span> <a href="\/looking-for\/vocal">vocal<\/a>, <a href="\/looking-for\/drums">drums<\/a>/);
    const full = await musician.agent.get('/for-you');
    expect(cardTitles(full.text)).toContain(wantsVocal.title);
    expect(cardTitles(full.text)).not.toContain(wantsDrums.title);
    expect(cardTitles(full.text)).not.toContain(own.title);
  });

  it('shows everyone trending, new songs and songs looking for a part, a few each with a "more" link', async () => {
    for (let i = 0; i < 5; i++) {
      const p = await insertPost(ctx.db, { title: uniq('Home ') });
      await setLookingFor(ctx.db, p.id, [await instrumentId('keyboard')]);
    }
    const res = await supertest(ctx.app).get('/');
    expect(res.status).toBe(200);
    for (const id of ['trending', 'new', 'looking-for']) expect(res.text, id).toContain(`<section id="${id}"`);
    expect(res.text).not.toContain('<section id="following"');
    expect(res.text).toContain('href="/new"');
    expect(res.text).toContain('href="/looking-for"');
    const fresh = /<section id="new"[^]*?<\/section>/.exec(res.text)![0];
    expect(cardTitles(fresh)).toHaveLength(4);
  });
});
