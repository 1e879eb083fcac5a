import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setLookingFor } from '../../src/posts/looking-for-queries.js';
import { createTestContext, type TestContext } from '../context.js';
import { FACTORY_PASSWORD, insertContribution, insertPost, insertUser, type UserRow } from '../db-factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * The site's look at a small phone's, a phone's and a desktop's width, in the light and the
 * dark theme: no page scrolls sideways, the typefaces come from this origin (no request
 * leaves it), cards keep their length and part count on phones, and the header's theme
 * switch is remembered across a reload. Screenshots of each page go to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let author: UserRow;
let songId: number;

beforeAll(async () => {
  ctx = await createTestContext();
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  author = await insertUser(ctx.db, { nickname: 'ada_rhodes', bio: 'Writes songs on a battered upright piano.' });
  const players = await Promise.all(['jun_drums', 'sara_sings', 'omar_strings', 'lena_lofi'].map((nickname) => insertUser(ctx.db, { nickname })));
  const bass = (await ctx.db('instruments').where({ slug: 'bass' }).first('id')).id as number;
  const titles = ['Harbour lights at the end of a very long night', 'Kitchen dance', 'Paper lanterns'];
  for (const [i, title] of titles.entries()) {
    const post = await insertPost(ctx.db, { authorId: author.id, title, genre: ['jazz', 'funk', 'folk'][i], instrument: 'keyboard', description: 'A slow chord loop; it needs a bass line and brushes.' });
    await ctx.db('posts').where({ id: post.id }).update({ bpm: 92 + i * 10, key: 'A minor' });
    await setLookingFor(ctx.db, post.id, [bass]);
    for (const [n, player] of players.slice(0, 4 - i).entries()) await insertContribution(ctx.db, { postId: post.id, contributorId: player.id, instrument: ['drums', 'vocal', 'guitar', 'bass'][n], included: n < 2, note: n ? '' : 'Brushes, quiet in the verse.' });
    songId ??= post.id;
  }
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

/** Sideways scroll of the page in CSS pixels (0 when nothing is wider than the screen). */
const sidewaysScroll = (page: Page) => page.evaluate(() => document.scrollingElement!.scrollWidth - window.innerWidth);

async function checkPage(page: Page, name: string, path: string, shot: string | null, status = 200): Promise<void> {
  const res = await page.goto(`${web.baseUrl}${path}`);
  expect(res?.status(), path).toBe(status);
  await page.evaluate(() => document.fonts.ready);
  expect(await sidewaysScroll(page), `${name}: sideways scroll`).toBeLessThanOrEqual(0);
  const fonts = await page.evaluate(() => ({
    text: document.fonts.check('16px "Inter Variable"'),
    loaded: [...document.fonts].filter((f) => f.status === 'loaded').map((f) => f.family),
  }));
  expect(fonts.text, `${name}: Inter`).toBe(true);
  expect(fonts.loaded.some((f) => f.includes('Inter')), `${name}: Inter loaded`).toBe(true);
  if (shot) await page.screenshot({ path: `${SHOTS}/look-${shot}.png`, fullPage: true });
}

describe('the look of the site in the browser', () => {
  for (const scheme of ['light', 'dark'] as const) {
    for (const width of [360, 390, 1440]) {
      it(`${scheme} theme at ${width} px: no sideways scroll, fonts from this origin, cards with length and parts`, async () => {
        const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme, deviceScaleFactor: width < 500 ? 2 : 1 });
        const page = await context.newPage();
        const foreign: string[] = [];
        const fontFiles: string[] = [];
        page.on('request', (req) => {
          if (!req.url().startsWith(web.baseUrl) && !req.url().startsWith('data:')) foreign.push(req.url());
          if (req.resourceType() === 'font') fontFiles.push(req.url());
        });
        const shot = (name: string) => (width === 360 ? null : `${name}-${width}-${scheme}`);
        try {
          await checkPage(page, 'sign-in', '/login', shot('sign-in'));
          await checkPage(page, 'home, signed out', '/', shot('home-visitor'));
          await logIn(page, web.baseUrl, { email: author.email, password: FACTORY_PASSWORD }, '/');
          await checkPage(page, 'home', '/', shot('home'));
          if (width === 390) {
            const card = page.locator('#new .post-card').first();
            await expect.poll(() => card.locator('.duration').isVisible()).toBe(true);
            expect(await card.locator('.part-count').isVisible()).toBe(true);
            expect(await card.locator('.part-count').textContent()).toMatch(/\d+ parts?/);
            expect(await card.locator('.avatar-stack img').count()).toBeGreaterThan(0);
          }
          await checkPage(page, 'song page', `/posts/${songId}`, shot('song'));
          expect(await page.locator('#credits .credit').count()).toBe(5);
          expect(await page.locator('.hero-actions a[href="#contribute"]').isVisible()).toBe(true);
          await checkPage(page, 'profile', `/users/${author.nickname}`, shot('profile'));
          await checkPage(page, 'search', '/search?q=lanterns', shot('search'));
          await checkPage(page, 'empty search', '/search?q=zzzqqqnothing', null);
          await checkPage(page, 'upload', '/posts/new', shot('upload'));
          await checkPage(page, 'settings', '/settings', shot('settings'));
          await checkPage(page, '404', '/no-such-page', shot('404'), 404);
          // Discover is reachable on every width: in the bar, or in the header's menu.
          if (width < 1000) {
            await page.locator('.menu > summary').click();
            expect(await page.locator('.menu-panel a[href="/"]').isVisible()).toBe(true);
          } else expect(await page.locator('.nav-main a[href="/"]').isVisible()).toBe(true);
          expect(foreign, 'requests to another origin').toEqual([]);
          expect(fontFiles.length).toBeGreaterThan(0);
          for (const url of fontFiles) expect(url).toMatch(new RegExp(`^${web.baseUrl}/public/build/fonts/.+-[A-Z0-9]{8}\\.woff2$`));
        } finally {
          await context.close();
        }
      });
    }
  }

  it('the theme switch flips the theme and the choice survives a reload', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 800 }, colorScheme: 'dark' });
    const page = await context.newPage();
    try {
      await page.goto(`${web.baseUrl}/`);
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const dark = await background();
      await page.locator('[data-theme-switch]').click();
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      const light = await background();
      expect(light).not.toBe(dark);
      await page.reload();
      // The server rendered the chosen theme (no flash): the attribute is in the HTML it sent.
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('light');
      expect(await background()).toBe(light);
      await page.locator('[data-theme-switch]').click();
      await page.goto(`${web.baseUrl}/no-such-page`);
      expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
      expect(await background()).toBe(dark);
    } finally {
      await context.close();
    }
  });
});
