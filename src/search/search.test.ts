import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../../test/context.js';
import { insertPost, insertPosts, insertUser } from '../../test/db-factories.js';
import { uniq } from '../../test/factories.js';

let ctx: TestContext;
beforeAll(async () => {
  ctx = await createTestContext();
});
afterAll(() => ctx.close());

/** Titles of the post cards on a page, top to bottom. */
const cardTitles = (html: string) => [...html.matchAll(/class="post-title" href="\/posts\/[^"]*">([^<]*)</g)].map((m) => m[1]!);
const musicianNames = (html: string) => [...html.matchAll(/class="post-title" href="\/users\/[^"]*">([^<]*)</g)].map((m) => m[1]!);
const moreLink = (html: string) => /href="([^"]*)" rel="next"/.exec(html)?.[1]?.replace(/&amp;/g, '&');

async function search(query: Record<string, string>) {
  const res = await supertest(ctx.app).get('/search').query(query);
  expect(res.status, res.text.slice(0, 500)).toBe(200);
  return res.text;
}

/** The SQL queries the app sends while answering one GET. */
async function queriesOf(url: string): Promise<number> {
  let n = 0;
  const count = () => n++;
  ctx.db.on('query', count);
  try {
    const res = await supertest(ctx.app).get(url);
    expect(res.status).toBe(200);
  } finally {
    ctx.db.off('query', count);
  }
  return n;
}

describe('search for songs', () => {
  it('finds a title with a misspelt word ("guitr" finds guitar)', async () => {
    const tag = uniq('t');
    const post = await insertPost(ctx.db, { title: `Slow guitar ballad ${tag}`, instrument: 'keyboard', genre: 'soul' });
    const html = await search({ q: 'slow guitr ballad' });
    expect(cardTitles(html)).toContain(post.title);
    expect(cardTitles(await search({ q: 'guitr' }))).toContain(post.title);
  });

  it('finds a Korean title by a Korean word in it, or by the start of one', async () => {
    const post = await insertPost(ctx.db, { title: '서울의 밤 노래', description: '새벽에 녹음한 기타' });
    for (const q of ['서울의', '노래', '서울', '밤 노래', '기타']) expect(cardTitles(await search({ q })), q).toContain(post.title);
    expect(cardTitles(await search({ q: '부산의' }))).not.toContain(post.title);
  });

  it('finds songs by a word of their description', async () => {
    const word = uniq('theremin');
    const post = await insertPost(ctx.db, { description: `Recorded with a ${word} in the kitchen.` });
    expect(cardTitles(await search({ q: word }))).toEqual([post.title]);
  });

  it("finds a musician's songs by their nickname, and the musician with the instruments they play", async () => {
    const author = await insertUser(ctx.db, { nickname: uniq('Mingus') });
    const [bassId]: number[] = await ctx.db('instruments').where({ slug: 'bass' }).pluck('id');
    await ctx.db('user_instruments').insert({ user_id: author.id, instrument_id: bassId });
    const post = await insertPost(ctx.db, { authorId: author.id, title: 'Untitled sketch' });
    const html = await search({ q: author.nickname });
    expect(cardTitles(html)).toContain(post.title);
    expect(musicianNames(html)[0]).toBe(author.nickname);
    expect(html).toMatch(new RegExp(`${author.nickname}</a>\\s*<div class="tags"><span class="tag muted">Bass</span>`));
    // Among the bass players, with the instrument filter and no words.
    expect(musicianNames(await search({ instrument: 'bass' }))).toContain(author.nickname);
  });

  it('puts the exact title first, then the closest', async () => {
    const word = uniq('velvet');
    const exact = await insertPost(ctx.db, { title: `${word} moon`, createdAt: new Date(Date.now() - 60_000) });
    const longer = await insertPost(ctx.db, { title: `${word} moon serenade` });
    const other = await insertPost(ctx.db, { title: `Once a ${word} moon, twice` });
    const titles = cardTitles(await search({ q: `${word} Moon` }));
    expect(titles[0]).toBe(exact.title);
    expect(titles.slice(1).sort()).toEqual([longer.title, other.title].sort());
  });

  it('filters by genre, instrument, BPM range and key', async () => {
    const word = uniq('filtered');
    const make = async (title: string, fields: { genre: string; instrument: string; bpm: number; key: string }) => {
      const p = await insertPost(ctx.db, { title: `${word} ${title}`, genre: fields.genre, instrument: fields.instrument });
      await ctx.db('posts').where({ id: p.id }).update({ bpm: fields.bpm, key: fields.key });
      return p.title;
    };
    const a = await make('a', { genre: 'jazz', instrument: 'bass', bpm: 90, key: 'D minor' });
    const b = await make('b', { genre: 'jazz', instrument: 'drums', bpm: 120, key: 'D minor' });
    const c = await make('c', { genre: 'funk', instrument: 'bass', bpm: 100, key: 'E major' });
    const found = async (filters: Record<string, string>) => cardTitles(await search({ q: word, ...filters })).sort();
    expect(await found({})).toEqual([a, b, c].sort());
    expect(await found({ genre: 'jazz' })).toEqual([a, b].sort());
    expect(await found({ instrument: 'bass' })).toEqual([a, c].sort());
    expect(await found({ bpmMin: '95', bpmMax: '120' })).toEqual([b, c].sort());
    expect(await found({ key: 'D minor', bpmMax: '100' })).toEqual([a]);
    expect(await found({ genre: 'funk', key: 'D minor' })).toEqual([]);
  });

  it('pages through every match once, 20 to a page', async () => {
    const word = uniq('paged');
    const posts = await insertPosts(ctx.db, 45, { titlePrefix: word });
    const pages: string[][] = [];
    for (let url: string | undefined = `/search?q=${word}`; url; ) {
      const res = await supertest(ctx.app).get(url);
      expect(res.status).toBe(200);
      pages.push(cardTitles(res.text));
      url = moreLink(res.text);
      if (pages.length > 5) throw new Error('too many pages');
    }
    expect(pages.map((p) => p.length)).toEqual([20, 20, 5]);
    expect(pages.flat().sort()).toEqual(posts.map((p) => p.title).sort());
  });

  it('shows help for an empty search, and says when nothing matches', async () => {
    const empty = await search({ q: '  ' });
    expect(empty).toContain('A misspelt word still finds');
    expect(cardTitles(empty)).toEqual([]);
    expect(await search({ q: uniq('nothing-like-this') })).toContain('No songs match.');
  });

  it('answers bad input with 400 and a message, never 500', async () => {
    const cases: Array<[string, RegExp]> = [
      ['/search?q=a&bpmMin=5', /Lowest BPM must be at least 20/],
      ['/search?q=a&bpmMax=900', /Highest BPM must be at most 400/],
      ['/search?q=a&bpmMin=fast', /Lowest BPM must be a number/],
      ['/search?q=a&bpmMin=150&bpmMax=100', /Lowest BPM must not be above highest BPM/],
      ['/search?q=a%00b', /NUL/],
      ['/search?q=a&q=b', /one piece of text/],
      ['/search?q=a&key=H%20major', /Pick a key from the list/],
      ['/search?q=a&genre=polka', /no such genre/],
      ['/search?q=a&instrument=kazoo', /no such instrument/],
      ['/search?q=a&page=11', /at most 10 pages/],
      [`/search?q=${'x'.repeat(201)}`, /at most 200 characters/],
    ];
    for (const [url, message] of cases) {
      const res = await supertest(ctx.app).get(url);
      expect(res.status, url).toBe(400);
      expect(res.text, url).toMatch(message);
    }
    // Query syntax is text, not a query: these find nothing and break nothing.
    for (const q of ["a & | ! ( ) :* '", '%', '_', '\\']) expect((await supertest(ctx.app).get('/search').query({ q })).status, q).toBe(200);
  });

  it('runs the same number of queries for 5 results as for 50', async () => {
    const few = uniq('few');
    const many = uniq('many');
    await insertPosts(ctx.db, 5, { titlePrefix: few });
    await insertPosts(ctx.db, 50, { titlePrefix: many });
    const atFive = await queriesOf(`/search?q=${few}`);
    const atFifty = await queriesOf(`/search?q=${many}`);
    expect(atFive).toBeGreaterThan(0);
    expect(atFifty).toBe(atFive);
  });
});

describe('genre and instrument index pages', () => {
  /** The count shown beside the item linking to `href`. */
  const countOf = (html: string, href: string) => new RegExp(`href="${href}"><span class="index-name">[^<]*</span> <span class="muted small">(\\d+) songs?<`).exec(html)?.[1];

  it('lists every genre with its song count, linking to its page', async () => {
    const genres: string[] = await ctx.db('genres').pluck('slug');
    await insertPosts(ctx.db, 3, { genre: 'reggae' });
    const html = (await supertest(ctx.app).get('/genres').expect(200)).text;
    for (const slug of genres) expect(html, slug).toContain(`href="/genres/${slug}"`);
    expect(countOf(html, '/genres/reggae')).toBe('3');
    expect(countOf(html, '/genres/country')).toBe('0');
  });

  it('lists every instrument with the count of songs started on it', async () => {
    const instruments: string[] = await ctx.db('instruments').pluck('slug');
    await insertPosts(ctx.db, 2, { instrument: 'woodwind' });
    const html = (await supertest(ctx.app).get('/instruments').expect(200)).text;
    for (const slug of instruments) expect(html, slug).toContain(`href="/instruments/${slug}"`);
    expect(countOf(html, '/instruments/woodwind')).toBe('2');
  });

  it('runs the same number of queries with 5 songs in a genre as with 50', async () => {
    await insertPosts(ctx.db, 5, { genre: 'ambient' });
    const atFive = await queriesOf('/genres');
    await insertPosts(ctx.db, 45, { genre: 'ambient' });
    expect(await queriesOf('/genres')).toBe(atFive);
    expect(await queriesOf('/instruments')).toBe(atFive);
  });
});
