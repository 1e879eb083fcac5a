import { mkdir } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { FACTORY_PASSWORD, insertContribution, insertPost, insertUser, type UserRow } from '../db-factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * axe-core (WCAG 2.1 A and AA rules, contrast included) on the pages a visitor and a signed-in
 * musician use, in the light and the dark theme, in English and in Korean, at a phone's and a
 * desktop's width. Any serious or critical violation fails, listed with the elements it was found on.
 * A screenshot of each page goes to SHOTS_DIR (test-results/screenshots), which CI keeps.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let author: UserRow;
let songId = 0;

beforeAll(async () => {
  ctx = await createTestContext();
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  author = await insertUser(ctx.db, { nickname: 'axe_author', bio: 'Writes songs on an upright piano.' });
  const player = await insertUser(ctx.db, { nickname: 'axe_drums' });
  const post = await insertPost(ctx.db, { authorId: author.id, title: 'Harbour lights', genre: 'jazz', instrument: 'keyboard', description: 'A slow chord loop; it needs a bass line.' });
  songId = post.id;
  await insertContribution(ctx.db, { postId: post.id, contributorId: player.id, instrument: 'drums', included: true, note: 'Brushes, quiet in the verse.' });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

/** Home, song, profile, search, sign-in and sign-up, the error page; signed in also upload and settings. */
const VISITOR_PAGES = ['/', '/login', '/signup', '/genres', '/search?q=harbour', () => `/posts/${songId}`, '/users/axe_author', '/posts/999999999'];
const SIGNED_IN_PAGES = ['/', '/posts/new', () => `/posts/${songId}`, '/settings', '/settings/account', '/notifications', '/messages'];

/** axe's serious and critical findings on one page; its screenshot goes to SHOTS_DIR as `shot`. */
async function violations(context: BrowserContext, path: string, shot: string): Promise<string[]> {
  const page = await context.newPage();
  try {
    const res = await page.goto(`${web.baseUrl}${path}`);
    expect(res?.status(), path).toBe(path === '/posts/999999999' ? 404 : 200);
    await page.evaluate(() => document.fonts.ready);
    await page.screenshot({ path: `${SHOTS}/${shot}-${path.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'home'}.png` });
    const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
    return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${path}: ${v.id} (${v.impact}) ${v.help}: ${v.nodes.slice(0, 5).map((n) => n.target.join(' ')).join(' | ')}`);
  } finally {
    await page.close();
  }
}

/** The pages most visits are: the shorter runs check these only. */
const MAIN_PAGES = new Set(['/', '/search?q=harbour', '/users/axe_author', '/posts/new', 'song']);

describe('accessibility (axe-core)', () => {
  // Each theme in each language, each at a phone's and a desktop's width. Two runs check every
  // page and two the main ones (a run of every page takes about a minute on a CI machine).
  const runs = [
    { scheme: 'light', lang: 'en', width: 1440, every: true },
    { scheme: 'dark', lang: 'ko', width: 390, every: true },
    { scheme: 'dark', lang: 'en', width: 390, every: false },
    { scheme: 'light', lang: 'ko', width: 1440, every: false },
  ] as const;
  for (const { scheme, lang, width, every } of runs) {
    const checked = (pages: Array<string | (() => string)>) => pages.filter((p) => every || MAIN_PAGES.has(typeof p === 'function' ? 'song' : p));
    it(`${scheme} theme, ${lang}, ${width} px: no WCAG 2.1 AA violation (serious or critical) on ${every ? 'every page' : 'the main pages'}, signed out and signed in`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, colorScheme: scheme });
      await context.addCookies([{ name: 'soundhub.lang', value: lang, url: web.baseUrl }]);
      const found: string[] = [];
      try {
        const shot = (who: string) => `a11y-${lang}-${scheme}-${width}-${who}`;
        for (const p of checked(VISITOR_PAGES)) found.push(...(await violations(context, typeof p === 'function' ? p() : p, shot('visitor'))));
        const page = await context.newPage();
        await logIn(page, web.baseUrl, { email: author.email, password: FACTORY_PASSWORD }, '/');
        await page.close();
        for (const p of checked(SIGNED_IN_PAGES)) found.push(...(await violations(context, typeof p === 'function' ? p() : p, shot('musician'))));
      } finally {
        await context.close();
      }
      expect(found).toEqual([]);
    }, 300_000);
  }
});
