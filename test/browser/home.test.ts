import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refreshTrending } from '../../src/feed/trending.js';
import { setPostLiked } from '../../src/posts/like-queries.js';
import { setLookingFor } from '../../src/posts/looking-for-queries.js';
import { setFollowing } from '../../src/users/follow-queries.js';
import { createTestContext, type TestContext } from '../context.js';
import { FACTORY_PASSWORD, insertContribution, insertPost, insertUser, type UserRow } from '../db-factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * The home page at a phone's and a desktop's width, signed in (every section) and out: no
 * horizontal scrolling, every section with its cards. Screenshots go to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let reader: UserRow;

beforeAll(async () => {
  ctx = await createTestContext();
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  const id = async (table: 'instruments', slug: string) => (await ctx.db(table).where({ slug }).first('id')).id as number;
  const [bass, drums, vocal] = [await id('instruments', 'bass'), await id('instruments', 'drums'), await id('instruments', 'vocal')];
  reader = await insertUser(ctx.db, { nickname: 'mina_keys' });
  await ctx.db('user_instruments').insert({ user_id: reader.id, instrument_id: bass });
  const names = ['jun_drums', 'sara_sings', 'omar_strings', 'lena_lofi'];
  const musicians = await Promise.all(names.map((nickname) => insertUser(ctx.db, { nickname })));
  const titles = ['Sunrise in C', 'Night bus home', 'Paper lanterns', 'Slow river', 'Neon rain', 'Kitchen dance', 'Harbour lights', 'Last train'];
  const genres = ['pop', 'lo-fi', 'jazz', 'folk', 'electronic', 'funk', 'soul', 'rock'];
  for (const [i, title] of titles.entries()) {
    const author = musicians[i % musicians.length]!;
    const post = await insertPost(ctx.db, { authorId: author.id, title, genre: genres[i], createdAt: new Date(Date.now() - (i + 1) * 3_600_000) });
    await ctx.db('posts').where({ id: post.id }).update({ bpm: 80 + i * 7, key: i % 2 ? 'A minor' : 'C major' });
    if (i % 3 !== 2) await setLookingFor(ctx.db, post.id, i % 2 ? [bass, drums] : [vocal, bass]);
    for (let n = 0; n < 8 - i; n++) await setPostLiked(ctx.db, (await insertUser(ctx.db)).id, post.id, true);
    if (i < 4) await insertContribution(ctx.db, { postId: post.id, contributorId: musicians[(i + 1) % musicians.length]!.id, instrument: 'drums' });
  }
  for (const m of musicians.slice(0, 3)) await setFollowing(ctx.db, reader.id, m.id, true);
  await refreshTrending(ctx.db);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

describe('the home page in the browser', () => {
  for (const width of [390, 1440]) {
    it(`at ${width} px, signed in and out: every section with its cards, nothing wider than the screen`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: width < 500 ? 2 : 1 });
      const page = await context.newPage();
      try {
        await page.goto(`${web.baseUrl}/`);
        for (const id of ['trending', 'new', 'looking-for']) expect(await page.locator(`#${id} .post-card`).count(), id).toBeGreaterThan(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}/home-visitor-${width}.png`, fullPage: true });

        await logIn(page, web.baseUrl, { email: reader.email, password: FACTORY_PASSWORD }, '/');
        for (const id of ['following', 'for-you', 'trending', 'new', 'looking-for']) expect(await page.locator(`#${id} .post-card`).count(), id).toBeGreaterThan(0);
        expect(await page.locator('#following .card-note').first().textContent()).toMatch(/added drums|posted a new song/);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}/home-signed-in-${width}.png`, fullPage: true });

        await page.goto(`${web.baseUrl}/looking-for/bass?genre=&bpmMin=80`);
        expect(await page.locator('.post-card').count()).toBeGreaterThan(0);
        expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}/looking-for-${width}.png`, fullPage: true });
      } finally {
        await context.close();
      }
    });
  }
});
