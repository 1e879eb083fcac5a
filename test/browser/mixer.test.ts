import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { addContribution, waitForTrack } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { controlsWithoutName, launchChromium, listen, logIn } from './browser.js';

/**
 * The mixer in Chromium against the real app and a real worker: an author track (440 Hz),
 * an included bass part (660 Hz) and a keys part outside the mix (550 Hz) load, play in
 * sync; the author takes keys in, moves offsets and a fader, and the save stores exactly
 * that; making v1 the master again puts v1 back into the mixer.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let author: SignedIn;
let bassist: SignedIn;
let postId: number;
let keyboardist: SignedIn;
let partTrackId: string;
let keysTrackId: string;
let keysId: number;
let authorTrackId: string;

const mixerState = (page: Page) => page.evaluate(() => document.querySelector<HTMLElement>('#mixer')!.dataset);

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });

  author = await buildUser(ctx.app);
  bassist = await buildUser(ctx.app);
  keyboardist = await buildUser(ctx.app);
  const post = await buildPost(author, { instrument: 'guitar' }, { buffer: await makeTone({ frequency: 440, seconds: 8 }), name: 'idea.mp3' });
  postId = post.id;
  const part = await addContribution(bassist, postId, { buffer: await makeTone({ frequency: 660, seconds: 8 }), name: 'bass.mp3' }, { instrument: 'bass', note: 'root notes' });
  partTrackId = part.trackId;
  const included = await author.agent.post(`/contributions/${part.id}/include`).type('form').send({ _csrf: author.csrf });
  expect(included.status).toBe(303);
  const keys = await addContribution(keyboardist, postId, { buffer: await makeTone({ frequency: 550, seconds: 6 }), name: 'keys.mp3' }, { instrument: 'keyboard', note: 'pads' });
  keysTrackId = keys.trackId;
  keysId = keys.id;
  authorTrackId = (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id;
  await waitForTrack(ctx, authorTrackId);
  await waitForTrack(ctx, partTrackId);
  await waitForTrack(ctx, keysTrackId);
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

    // Loads: every ready part, one row each, waveforms from peaks and no audio yet.
    await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
    const mixer = page.locator('#mixer');
    await expect(mixer.locator('.mixer-track').count()).resolves.toBe(3);
    const bassLabel = `Bass · ${bassist.nickname}`;
    const keysLabel = `Keyboard · ${keyboardist.nickname}`;
    await expect(mixer.locator('.track-name').allTextContents()).resolves.toEqual([`Guitar · ${author.nickname}`, bassLabel, keysLabel]);
    // The timeline spans the tracks in the mix (8 s), not the keys part outside it.
    expect(Number((await mixerState(page)).durationMs)).toBeGreaterThan(7500);
    const keysRow = mixer.locator(`li[data-track-id="${keysTrackId}"]`);
    await expect(keysRow.getAttribute('class')).resolves.toContain('is-excluded');
    await expect(keysRow.getByText('Not in the mix').isVisible()).resolves.toBe(true);
    await expect(mixer.getByRole('button', { name: 'Save mix' }).isVisible()).resolves.toBe(true);
    await expect(mixer.locator('[data-mixer-holds]').textContent()).resolves.toBe('Mixer: not saved yet');

    // Every control in the mixer has an accessible name, as Chromium computes it.
    expect(await controlsWithoutName(page, '#mixer')).toEqual([]);
    await page.evaluate(() => window.scrollTo(0, 0));
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150);
      await page.screenshot({ path: `${SHOTS}/post-${width}-before-save.png`, fullPage: true });
    }
    await page.setViewportSize({ width: 1280, height: 900 });

    console.log('[mixer test]', 'Plays: the AudioC', new Date().toISOString());
    // Plays: the AudioContext runs and the position moves on.
    await mixer.getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => {
      const d = document.querySelector<HTMLElement>('#mixer')!.dataset;
      return d.state === 'playing' && d.audioState === 'running' && Number(d.positionMs) > 300;
    }, undefined, { timeout: 30_000 });
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
    await expect(mixer.locator('[data-mixer-holds]').textContent()).resolves.toBe('Mixer: not saved yet, unsaved changes');

    // Keys into the mix with the switch (no reload, nothing saved yet), moved with the
    // arrow keys on its lane (120 ms later: Shift+→ is 100 ms, → 10 ms); the bass 40 ms early
    // with the number field. One part each way: the renderer delays one and trims the other.
    const marker = await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    await mixer.getByRole('button', { name: `In the mix: ${keysLabel}` }).click();
    await expect(keysRow.getAttribute('class')).resolves.not.toContain('is-excluded');
    expect((await ctx.db('contributions').where({ id: keysId }).first()).included).toBe(false);
    const keysLane = mixer.getByRole('slider', { name: `Offset, ${keysLabel}` });
    await keysLane.press('Shift+ArrowRight');
    for (let i = 0; i < 2; i++) await keysLane.press('ArrowRight');
    await expect(keysLane.getAttribute('aria-valuenow')).resolves.toBe('120');
    await mixer.getByRole('spinbutton', { name: `Offset in milliseconds, ${bassLabel}` }).fill('-40');
    await mixer.getByRole('spinbutton', { name: `Offset in milliseconds, ${bassLabel}` }).press('Tab');

    console.log('[mixer test]', 'Save: the recipe ', new Date().toISOString());
    // Save: the recipe holds exactly what was set; the page follows the render to the end.
    await mixer.getByRole('button', { name: 'Save mix' }).click();
    await page.waitForSelector('#mixer[data-save-state="rendering"]');
    await expect(mixer.getByRole('button', { name: 'Save mix' }).isDisabled()).resolves.toBe(true);
    await expect(mixer.locator('.mixer-save-reason').textContent()).resolves.toBe('A master is rendering.');
    const version = await ctx.db('mix_versions').where({ post_id: postId }).orderBy('number', 'desc').first();
    expect(version).toMatchObject({ number: 1 });
    const recipeOf = async (id: number) =>
      (await ctx.db('mix_version_tracks').where({ mix_version_id: id }).orderBy('position')).map((r) => ({ trackId: r.track_id, gainDb: r.gain_db, pan: r.pan, muted: r.muted, offsetMs: r.offset_ms }));
    expect(await recipeOf(version.id)).toEqual([
      { trackId: authorTrackId, gainDb: authorGain, pan: 0, muted: false, offsetMs: 0 },
      { trackId: partTrackId, gainDb: -6, pan: 0, muted: false, offsetMs: -40 },
      { trackId: keysTrackId, gainDb: expect.any(Number), pan: 0, muted: false, offsetMs: 120 },
    ]);
    expect((await ctx.db('contributions').where({ id: keysId }).first()).included).toBe(true);

    await page.waitForSelector('#mixer:is([data-save-state="ready"], [data-save-state="failed"], [data-save-state="slow"])', { timeout: 150_000 });
    await expect(mixer.getByRole('status').first().textContent()).resolves.toBe('Master v1 is ready.');
    expect((await ctx.db('mix_versions').where({ id: version.id }).first()).status).toBe('ready');
    // Nothing to save now: the button says why. The versions list appeared without a reload,
    // one play button per version (no native player each), and the master player switched.
    await expect(mixer.locator('[data-mixer-holds]').textContent()).resolves.toBe('Mixer: v1');
    await expect(mixer.getByRole('button', { name: 'Save mix' }).isDisabled()).resolves.toBe(true);
    await expect(mixer.locator('.mixer-save-reason').textContent()).resolves.toBe('No changes to save.');
    // The part list says the keys part is in the mix now, without a reload.
    await expect(page.locator(`#contribution-${keysId} .part-head`).textContent()).resolves.toContain('In the mix');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    const versions = page.locator('#versions');
    await expect(versions.locator(`li[data-version-id="${version.id}"]`).textContent()).resolves.toContain('v1');
    await expect(versions.locator('audio').count()).resolves.toBe(0);
    await expect(versions.getByRole('button', { name: 'Play master v1' }).count()).resolves.toBe(1);
    const masterTrack = (await ctx.db('mix_versions').where({ id: version.id }).first()).master_track_id as string;
    await expect(page.locator('#listen [data-play]').getAttribute('data-play')).resolves.toBe(`/tracks/${masterTrack}/stream`);
    await expect(page.evaluate(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state)).resolves.toBe('paused');

    await page.evaluate(() => window.scrollTo(0, 0));
    for (const width of [1440, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForTimeout(150); // one frame for the waveforms to redraw at the new width
      await page.screenshot({ path: `${SHOTS}/post-${width}-after-save.png`, fullPage: true });
    }
    // Nothing in the mixer spills sideways on a phone.
    const spill = await page.evaluate(() => {
      const box = document.querySelector('#mixer')!.getBoundingClientRect();
      const inside = [...document.querySelectorAll('#mixer *')].filter((el) => el.getBoundingClientRect().right > box.right + 0.5);
      return { right: box.right, inside: inside.map((el) => el.outerHTML.slice(0, 80)) };
    });
    expect(spill.right).toBeLessThanOrEqual(390);
    expect(spill.inside).toEqual([]);
    await page.setViewportSize({ width: 1280, height: 900 });

    console.log('[mixer test]', 'v2: keys out agai', new Date().toISOString());
    // v2: keys out again, bass back to 0 ms.
    await mixer.getByRole('button', { name: `In the mix: ${keysLabel}` }).click();
    await mixer.getByRole('spinbutton', { name: `Offset in milliseconds, ${bassLabel}` }).fill('0');
    await mixer.getByRole('spinbutton', { name: `Offset in milliseconds, ${bassLabel}` }).press('Tab');
    await mixer.getByRole('button', { name: 'Save mix' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-mixer-holds]')!.textContent === 'Mixer: v2');
    await page.waitForSelector('#mixer[data-save-state="ready"]', { timeout: 150_000 });
    const v2 = await ctx.db('mix_versions').where({ post_id: postId, number: 2 }).first();
    expect((await recipeOf(v2.id)).map((r) => r.trackId)).toEqual([authorTrackId, partTrackId]);

    console.log('[mixer test]', 'Make v1 the maste', new Date().toISOString());
    // Make v1 the master again: the mixer holds v1's parts, levels and offsets, no reload.
    await versions.locator(`form[data-make-current="1"] button`).click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-mixer-holds]')!.textContent === 'Mixer: v1');
    await expect(keysRow.getAttribute('class')).resolves.not.toContain('is-excluded');
    await expect(keysLane.getAttribute('aria-valuenow')).resolves.toBe('120');
    await expect(mixer.getByRole('spinbutton', { name: `Offset in milliseconds, ${bassLabel}` }).inputValue()).resolves.toBe('-40');
    await expect(gain.inputValue()).resolves.toBe('-6');
    expect((await ctx.db('posts').where({ id: postId }).first()).current_mix_version_id).toBe(version.id);
    await page.waitForFunction(() => document.querySelector('#versions li.current strong')?.textContent === 'v1');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(marker); // never reloaded

    expect(pageErrors).toEqual([]);
    await page.close();
  }, 300_000);

  it('is a private playground for everyone else: no save, same controls', async () => {
    const page = await browser.newPage({ viewport: { width: 375, height: 812 } });
    await logIn(page, web.baseUrl, bassist, `/posts/${postId}`);
    await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
    const mixer = page.locator('#mixer');
    await expect(mixer.getByRole('button', { name: 'Save mix' }).count()).resolves.toBe(0);
    // Every ready part is there for a contributor too, so they hear their part with the song.
    await expect(mixer.locator('.mixer-track').count()).resolves.toBe(3);
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
