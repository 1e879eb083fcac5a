import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { setPostLiked } from '../../src/posts/like-queries.js';
import { setFollowing } from '../../src/users/follow-queries.js';
import { createTestContext, type TestContext } from '../context.js';
import { FACTORY_PASSWORD, insertPosts, insertUser, type UserRow } from '../db-factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * Likes and follows in Chromium: the button turns over and its count moves without a page
 * load (client/likes.ts), and what the server stored is what a reload shows. Screenshots of a
 * card list and a profile at desktop and phone widths go to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let fan: UserRow;
let star: UserRow;

beforeAll(async () => {
  ctx = await createTestContext();
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  [fan, star] = await Promise.all([insertUser(ctx.db), insertUser(ctx.db, { bio: 'Bass and keys, mostly funk.' })]);
  const posts = await insertPosts(ctx.db, 6, { authorId: star.id, titlePrefix: 'Groove' });
  for (const [i, p] of posts.entries()) for (let n = 0; n < i; n++) await setPostLiked(ctx.db, (await insertUser(ctx.db)).id, p.id, true);
  for (let n = 0; n < 3; n++) await setFollowing(ctx.db, (await insertUser(ctx.db)).id, star.id, true);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

describe('likes and follows in the browser', () => {
  it('like a song on the home page and follow its author, without a reload', async () => {
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await logIn(page, web.baseUrl, { email: fan.email, password: FACTORY_PASSWORD }, '/new');
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const card = page.locator('.post-card', { hasText: 'Groove 0' }).first();
    const like = card.locator('button.like');
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('false');
    const before = Number(await like.locator('.like-count').textContent());
    await like.click();
    await expect.poll(() => like.getAttribute('aria-pressed')).toBe('true');
    expect(Number(await like.locator('.like-count').textContent())).toBe(before + 1);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.screenshot({ path: `${SHOTS}/likes-home-1440.png`, fullPage: true });
    await page.reload();
    await expect.poll(() => page.locator('.post-card', { hasText: 'Groove 0' }).first().locator('button.like').getAttribute('aria-pressed')).toBe('true');

    await page.goto(`${web.baseUrl}/users/${star.nickname}`);
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const follow = page.locator('form[data-follow] button');
    expect(await follow.textContent()).toBe('Follow');
    await follow.click();
    await expect.poll(() => follow.textContent()).toBe('Following');
    expect(await follow.getAttribute('aria-pressed')).toBe('true');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    expect(await ctx.db('follows').where({ follower_id: fan.id, followed_id: star.id }).first()).toBeDefined();
    await page.screenshot({ path: `${SHOTS}/likes-profile-1440.png`, fullPage: true });
    await page.close();
  });

  it('phone width: the card list and the profile tabs', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2 });
    await page.goto(`${web.baseUrl}/new`);
    expect(await page.locator('.post-card .like').first().isVisible()).toBe(true);
    await page.screenshot({ path: `${SHOTS}/likes-home-390.png`, fullPage: true });
    await page.goto(`${web.baseUrl}/users/${star.nickname}/followers`);
    expect(await page.locator('.profile-tabs a[aria-current="page"]').textContent()).toContain('Followers');
    await page.screenshot({ path: `${SHOTS}/likes-profile-390.png`, fullPage: true });
    // No horizontal scrolling on a phone.
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.close();
  });
});
