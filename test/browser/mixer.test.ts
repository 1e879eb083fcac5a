import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { addContribution, waitForTrack } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { controlsWithoutName, launchChromium, listen, logIn } from './browser.js';

/**
 * The mixer in Chromium against the real app and a real worker: an author track (440 Hz)
 * and an included bass part (660 Hz) load, play in sync, and a fader move saved by the
 * author becomes a master version the worker renders.
 */
const SHOTS = process.env.SHOTS_DIR ?? '/tmp/shots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let author: SignedIn;
let bassist: SignedIn;
let postId: number;
let partTrackId: string;
let authorTrackId: string;

const mixerState = (page: Page) => page.evaluate(() => document.querySelector<HTMLElement>('#mixer')!.dataset);

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });

  author = await buildUser(ctx.app);
  bassist = await buildUser(ctx.app);
  const post = await buildPost(author, { instrument: 'guitar' }, { buffer: await makeTone({ frequency: 440, seconds: 8 }), name: 'idea.mp3' });
  postId = post.id;
  const part = await addContribution(bassist, postId, { buffer: await makeTone({ frequency: 660, seconds: 8 }), name: 'bass.mp3' }, { instrument: 'bass', note: 'root notes' });
  partTrackId = part.trackId;
  const included = await author.agent.post(`/contributions/${part.id}/include`).type('form').send({ _csrf: author.csrf });
  expect(included.status).toBe(303);
  authorTrackId = (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id;
  await waitForTrack(ctx, authorTrackId);
  await waitForTrack(ctx, partTrackId);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

describe('the mixer on the post page', () => {
  it('loads every track, plays them, and saves a fader move that the worker renders into a master', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const pageErrors: string[] = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('console', (msg) => msg.type() === 'error' && pageErrors.push(msg.text()));
    await logIn(page, web.baseUrl, author, `/posts/${postId}`);

    // Loads: both tracks decoded, one row each, with waveforms and the author's tools.
    await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
    const mixer = page.locator('#mixer');
    await expect(mixer.locator('.mixer-track').count()).resolves.toBe(2);
    const bassLabel = `Bass · ${bassist.nickname}`;
    await expect(mixer.locator('.track-name').allTextContents()).resolves.toEqual([`Guitar · ${author.nickname}`, bassLabel]);
    expect(Number((await mixerState(page)).durationMs)).toBeGreaterThan(7500);
    await expect(mixer.getByRole('button', { name: 'Save mix' }).isVisible()).resolves.toBe(true);

    // Every control in the mixer has an accessible name, as Chromium computes it.
    expect(await controlsWithoutName(page, '#mixer')).toEqual([]);

    // Plays: the AudioContext runs and the position moves on.
    await mixer.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => {
      const d = document.querySelector<HTMLElement>('#mixer')!.dataset;
      return d.state === 'playing' && d.audioState === 'running' && Number(d.positionMs) > 300;
    });
    const first = Number((await mixerState(page)).positionMs);
    await page.waitForFunction((from) => Number(document.querySelector<HTMLElement>('#mixer')!.dataset.positionMs) > from + 500, first);
    await expect(page.evaluate(() => (window as unknown as { soundhubMixer: { audioState: string } }).soundhubMixer.audioState)).resolves.toBe('running');

    // Seek with the keyboard on the timeline: → jumps 5 s.
    await mixer.getByRole('button', { name: 'Pause' }).click();
    await page.waitForSelector('#mixer[data-state="paused"]');
    const paused = Number((await mixerState(page)).positionMs);
    await mixer.getByRole('slider', { name: 'Timeline position' }).press('ArrowRight');
    expect(Number((await mixerState(page)).positionMs)).toBeCloseTo(paused + 5000, -2);

    // The bass fader to −6 dB with the keyboard: Home is −24 dB, each → adds 0.5 dB.
    const gain = mixer.getByRole('slider', { name: `Gain, ${bassLabel}` });
    const authorGain = Number(await mixer.getByRole('slider', { name: `Gain, Guitar · ${author.nickname}` }).inputValue());
    await gain.press('Home');
    for (let i = 0; i < 36; i++) await gain.press('ArrowRight');
    await expect(gain.inputValue()).resolves.toBe('-6');
    await expect(gain.getAttribute('aria-valuetext')).resolves.toBe('minus 6.0 dB');

    // Save: the recipe holds the new gain; the page follows the render to the end.
    await mixer.getByRole('button', { name: 'Save mix' }).click();
    await page.waitForSelector('#mixer[data-save-state="rendering"]');
    const version = await ctx.db('mix_versions').where({ post_id: postId }).orderBy('number', 'desc').first();
    expect(version).toMatchObject({ number: 1 });
    const recipe = await ctx.db('mix_version_tracks').where({ mix_version_id: version.id }).orderBy('position');
    expect(recipe.map((r) => ({ trackId: r.track_id, gainDb: r.gain_db, pan: r.pan, muted: r.muted }))).toEqual([
      { trackId: authorTrackId, gainDb: authorGain, pan: 0, muted: false },
      { trackId: partTrackId, gainDb: -6, pan: 0, muted: false },
    ]);

    await page.waitForSelector('#mixer[data-save-state="ready"]', { timeout: 90_000 });
    await expect(mixer.getByRole('status').first().textContent()).resolves.toBe('Master v1 is ready.');
    expect((await ctx.db('mix_versions').where({ id: version.id }).first()).status).toBe('ready');
    // The versions list appeared without a reload, with the rendered master to play.
    const versions = page.locator('#versions');
    await expect(versions.locator(`li[data-version-id="${version.id}"]`).textContent()).resolves.toContain('v1');
    await expect(versions.locator('audio').count()).resolves.toBe(1);
    await expect(page.evaluate(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state)).resolves.toBe('paused');

    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/mixer-1280.png`, fullPage: true });
    await page.setViewportSize({ width: 375, height: 812 });
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.waitForTimeout(100); // one frame for the waveforms to redraw at the new width
    await page.screenshot({ path: `${SHOTS}/mixer-375.png`, fullPage: true });
    await mixer.screenshot({ path: `${SHOTS}/mixer-375-mixer.png` });
    // Nothing in the mixer spills sideways on a phone.
    const spill = await page.evaluate(() => {
      const box = document.querySelector('#mixer')!.getBoundingClientRect();
      const inside = [...document.querySelectorAll('#mixer *')].filter((el) => el.getBoundingClientRect().right > box.right + 0.5);
      return { right: box.right, inside: inside.map((el) => el.outerHTML.slice(0, 80)) };
    });
    expect(spill.right).toBeLessThanOrEqual(375);
    expect(spill.inside).toEqual([]);

    expect(pageErrors).toEqual([]);
    await page.close();
  });

  it('is a private playground for everyone else: no save, same controls', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await logIn(page, web.baseUrl, bassist, `/posts/${postId}`);
    await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
    const mixer = page.locator('#mixer');
    await expect(mixer.getByRole('button', { name: 'Save mix' }).count()).resolves.toBe(0);
    await expect(mixer.textContent()).resolves.toContain('only the author’s mix is saved');
    // Mute the author's part with the keyboard and play along.
    const mute = mixer.getByRole('button', { name: `Mute Guitar · ${author.nickname}` });
    await mute.focus();
    await page.keyboard.press('Enter');
    await expect(mute.getAttribute('aria-pressed')).resolves.toBe('true');
    // Space plays when the focus is not in a text field.
    await page.locator('body').focus();
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press(' ');
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state === 'playing');
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#mixer')!.dataset.positionMs) > 1000);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: `${SHOTS}/mixer-375-playground.png`, fullPage: true });
    await page.close();
  });
});
