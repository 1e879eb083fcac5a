import { mkdir } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { waitForTrack } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * A timed comment in Chromium: posted without a reload (client/comments.ts), it becomes a
 * marker on the author track's lane, and clicking the marker plays the mixer from that moment.
 * A screenshot of the page goes to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';
let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let fan: SignedIn;
let postId: number;

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  const author = await buildUser(ctx.app);
  fan = await buildUser(ctx.app);
  postId = (await buildPost(author, { instrument: 'guitar' }, { buffer: await makeTone({ seconds: 8 }), name: 'idea.mp3' })).id;
  await waitForTrack(ctx, (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id as string);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

describe('comments in the browser', () => {
  it('a comment at 0:05 becomes a marker; clicking it plays the mixer from about 5 s', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await logIn(page, web.baseUrl, fan, `/posts/${postId}`);
    await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));

    const form = page.locator('#comment-form-song');
    await form.locator('textarea[name="body"]').fill('That bend at five seconds!');
    await form.locator('input[name="at"]').fill('0:05');
    await form.getByRole('button', { name: 'Comment' }).click();
    const comment = page.locator('#comments .comment', { hasText: 'That bend at five seconds!' });
    await comment.waitFor();
    expect(await comment.locator('.comment-at').textContent()).toBe('at 0:05');
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), 'no reload').toBe(true);
    expect(await ctx.db('comments').where({ post_id: postId }).first('body', 'at_ms')).toEqual({ body: 'That bend at five seconds!', at_ms: 5000 });

    const marker = page.locator('#mixer .comment-marker');
    await expect.poll(() => marker.count()).toBe(1);
    // At 5 of the 8 seconds across the lane.
    const [lane, dot] = await Promise.all([page.locator('#mixer .track-lane').first().boundingBox(), marker.boundingBox()]);
    expect((dot!.x + dot!.width / 2 - lane!.x) / lane!.width).toBeCloseTo(5 / 8, 1);

    await marker.click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state === 'playing', undefined, { timeout: 30_000 });
    const position = Number(await page.locator('#mixer').getAttribute('data-position-ms'));
    expect(position).toBeGreaterThanOrEqual(4900);
    expect(position).toBeLessThan(7000);

    // "At current time" fills the form from where the mixer is.
    await page.locator('#mixer').getByRole('button', { name: 'Pause' }).click();
    await form.getByRole('button', { name: 'At current time' }).click();
    expect(await form.locator('input[name="at"]').inputValue()).toMatch(/^0:0[5-7]$/);
    expect(errors).toEqual([]);
    await page.screenshot({ path: `${SHOTS}/comments-1280.png`, fullPage: true });
    await page.close();
  });
});
