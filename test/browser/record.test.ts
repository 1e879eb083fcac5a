import { randomBytes } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channelSamples, decodeToFloat32 } from '../../src/audio/decode.js';
import { toneLevelDb } from '../../src/audio/spectrum.js';
import { getObject } from '../../src/storage/s3.js';
import { createTestContext, type TestContext } from '../context.js';
import { waitForTrack } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * "Record a part" in Chromium with a fake microphone that plays a 1 kHz tone: the take is
 * cut to the song's length, goes through the part form's upload, and the stored part holds
 * the microphone's tone, not the song's (the fake device never hears the speakers).
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';
const SONG_SECONDS = 4;

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let postId: number;
let micFile: string;

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  web = await listen(ctx.app);
  micFile = path.join(tmpdir(), `fake-mic-${randomBytes(4).toString('hex')}.wav`);
  await writeFile(micFile, await makeTone({ frequency: 1000, seconds: 20, format: 'wav', sampleRate: 48000 }));
  browser = await launchChromium(['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${micFile}`]);
  await mkdir(SHOTS, { recursive: true });
  const author = await buildUser(ctx.app);
  const post = await buildPost(author, { instrument: 'guitar', bpm: '120' }, { buffer: await makeTone({ frequency: 440, seconds: SONG_SECONDS }), name: 'idea.mp3' });
  postId = post.id;
  await waitForTrack(ctx, (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
  if (micFile) await rm(micFile, { force: true });
});

async function openSong(width: number): Promise<{ page: Page; user: SignedIn }> {
  const user = await buildUser(ctx.app);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await logIn(page, web.baseUrl, user, `/posts/${postId}`);
  return { page, user };
}

describe('record a part', () => {
  it('records a take against the song, cuts it to the song and uploads it as a part', async () => {
    const { page, user } = await openSong(1440);
    const recorder = page.locator('[data-recorder]');
    await recorder.getByRole('button', { name: 'Turn on the microphone' }).click();
    await recorder.locator('[data-step="ready"]').waitFor({ timeout: 15_000 });
    // The meter follows the fake microphone's tone (Chromium plays the file well below full scale).
    await page.waitForFunction(() => (document.querySelector<HTMLMeterElement>('#rec-level')?.value ?? 0) > 0.02, undefined, { timeout: 10_000 });

    // The fake device never hears the clicks: the measurement says so and the slider stays.
    await recorder.getByRole('button', { name: 'Measure with clicks' }).click();
    await page.waitForFunction(() => /not heard clearly/.test(document.querySelector('.recorder-status')?.textContent ?? ''), undefined, { timeout: 15_000 });
    await recorder.getByLabel('Latency').fill('40');
    await expect(recorder.locator('#rec-latency-value').textContent()).resolves.toBe('40 ms');
    const stored = await page.evaluate(() => Object.entries(localStorage).filter(([k]) => k.startsWith('soundhub:latency:')));
    expect(stored).toHaveLength(1);
    expect(stored[0]![1]).toBe('40');

    await recorder.getByRole('button', { name: 'Record', exact: true }).click();
    await page.waitForSelector('[data-recorder][data-state="take"]', { timeout: 30_000 });
    await expect(recorder.locator('.recorder-status').textContent()).resolves.toContain(`Your take: ${SONG_SECONDS.toFixed(1)} s`);
    await recorder.locator('#rec-instrument').selectOption('vocal');
    await recorder.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/record-take-1440.png`, fullPage: false });
    await recorder.getByRole('button', { name: 'Add the take to the upload' }).click();

    const row = page.locator('form[data-upload-parts] .upload-item');
    await expect(row.locator('select').inputValue()).resolves.toBe('vocal');
    await expect(row.locator('.upload-item-name').textContent()).resolves.toMatch(/take .*\.wav$/);
    await page.locator('form[data-upload-parts]').getByRole('button', { name: 'Upload part' }).click();
    await page.locator('[data-uploaded-note]').waitFor({ timeout: 60_000 });

    const part = await ctx.db('contributions as c').join('users as u', 'u.id', 'c.contributor_id').join('instruments as i', 'i.id', 'c.instrument_id').join('tracks as t', 't.id', 'c.track_id').where('u.nickname', user.nickname).first('c.track_id', 'i.slug', 't.duration_ms', 't.original_key', 't.codec');
    expect(part.slug).toBe('vocal');
    expect(part.codec).toBe('pcm_s16le');
    // Cut to the song's timeline: as long as the song, the count-in and latency gone.
    expect(Math.abs(part.duration_ms - SONG_SECONDS * 1000)).toBeLessThan(30);
    await waitForTrack(ctx, part.track_id);

    // The stored original holds the microphone's 1 kHz, and none of the song's 440 Hz.
    const object = await getObject(ctx.storage, part.original_key);
    const file = path.join(tmpdir(), `take-${randomBytes(4).toString('hex')}.wav`);
    await writeFile(file, Buffer.from(await object.Body!.transformToByteArray()));
    const audio = await decodeToFloat32(ctx.config.audio, file, { sampleRate: 48000, channels: 1 });
    await rm(file, { force: true });
    const middle = channelSamples(audio, 0, 0.5, SONG_SECONDS - 0.5);
    const mic = toneLevelDb(middle, 48000, 1000);
    const songTone = toneLevelDb(middle, 48000, 440);
    expect(mic, `1 kHz at ${mic.toFixed(1)} dB, 440 Hz at ${songTone.toFixed(1)} dB`).toBeGreaterThan(-40);
    expect(mic - songTone, `1 kHz at ${mic.toFixed(1)} dB, 440 Hz at ${songTone.toFixed(1)} dB`).toBeGreaterThan(30);
    await page.close();
  });

  it('fits a phone screen', async () => {
    const { page } = await openSong(390);
    const recorder = page.locator('[data-recorder]');
    await recorder.getByRole('button', { name: 'Turn on the microphone' }).click();
    await recorder.locator('[data-step="ready"]').waitFor({ timeout: 15_000 });
    await recorder.scrollIntoViewIfNeeded();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow).toBe(0);
    await page.screenshot({ path: `${SHOTS}/record-ready-390.png`, fullPage: false });
    await page.close();
  });
});
