import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * Pictures as a browser shows them, at a desktop and a phone width: every <img> on the
 * home page, a profile, a post page and the pictures settings has loaded (uploaded WebP or
 * a drawn SVG), and nothing is wider than the screen. Screenshots go to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';
const WIDTHS = [1440, 390];

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let musician: SignedIn;
let withArt: number;

/** A photo-like picture: a diagonal gradient with a circle, so crops and sizes can be seen. */
const photo = (width: number, height: number, hue: string) =>
  sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><defs><linearGradient id="g" x2="1" y2="1"><stop offset="0" stop-color="${hue}"/><stop offset="1" stop-color="#111"/></linearGradient></defs><rect width="100%" height="100%" fill="url(#g)"/><circle cx="50%" cy="50%" r="30%" fill="#fff" opacity=".35"/></svg>`))
    .jpeg()
    .toBuffer();

beforeAll(async () => {
  ctx = await createTestContext();
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  musician = await buildUser(ctx.app, { nickname: `Marta_Keys${Date.now() % 10000}` });
  const tone = await makeTone({ seconds: 2 });
  for (const [url, field, picture] of [['/settings/avatar', 'avatar', await photo(600, 600, '#e0803a')], ['/settings/cover', 'cover', await photo(1800, 600, '#3a7fe0')]] as const) {
    const res = await musician.agent.post(url).set('X-CSRF-Token', musician.csrf).attach(field, picture, `${field}.jpg`);
    expect(res.status).toBe(303);
  }
  await buildPost(musician, { title: 'A song without any cover art yet', genre: 'jazz' }, { buffer: tone, name: 'a.mp3' });
  const other = await buildUser(ctx.app);
  await buildPost(other, { title: 'Night Drive', genre: 'electronic' }, { buffer: tone, name: 'b.mp3' });
  const post = await buildPost(musician, { title: 'Sunrise over the harbour', genre: 'rock' }, { buffer: tone, name: 'c.mp3' });
  withArt = post.id;
  const res = await musician.agent.post(`/posts/${withArt}/cover`).set('X-CSRF-Token', musician.csrf).attach('cover', await photo(1400, 1000, '#d03a8f'), 'art.jpg');
  expect(res.status).toBe(303);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

/** Images that did not load, and how much wider than the screen the page is. */
async function check(page: Page) {
  await page.evaluate(async () => {
    for (const img of document.images) img.loading = 'eager';
    await Promise.all([...document.images].map((img) => (img.complete ? Promise.resolve() : new Promise((r) => img.addEventListener('load', r, { once: true }) ?? img.addEventListener('error', r, { once: true })))));
  });
  return page.evaluate(() => ({
    broken: [...document.images].filter((img) => !img.closest('[hidden]')).filter((img) => !img.complete || img.naturalWidth === 0).map((img) => img.currentSrc.slice(0, 80)),
    images: document.images.length,
    overflow: document.documentElement.scrollWidth - window.innerWidth,
  }));
}

describe('pictures in the browser', () => {
  for (const width of WIDTHS) {
    it(`at ${width} px: home, profile, post page and the pictures settings show every picture, none wider than the screen`, async () => {
      const context = await browser.newContext({ viewport: { width, height: 900 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      try {
        await logIn(page, web.baseUrl, musician, '/settings/pictures');
        for (const [name, url] of [['home', '/'], ['profile', `/users/${musician.nickname}`], ['post', `/posts/${withArt}`], ['settings-pictures', '/settings/pictures'], ['edit', `/posts/${withArt}/edit`]] as const) {
          await page.goto(`${web.baseUrl}${url}`);
          const result = await check(page);
          expect(result.broken, `${name}: images that did not load`).toEqual([]);
          expect(result.images, `${name}: has pictures`).toBeGreaterThan(0);
          expect(result.overflow, `${name}: wider than the screen by`).toBeLessThanOrEqual(0);
          await page.screenshot({ path: path.join(SHOTS, `pictures-${name}-${width}.png`), fullPage: true });
        }
      } finally {
        await context.close();
      }
    });
  }
});
