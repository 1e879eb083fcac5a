import { execFile } from 'node:child_process';
import { mkdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putObject } from '../../src/storage/s3.js';
import { createTestContext, type TestContext } from '../context.js';
import { insertContribution, insertPost, insertUser } from '../db-factories.js';
import { launchChromium, listen } from './browser.js';

/**
 * The site's one player in a real browser: a song started on the home page goes on playing,
 * in the same <audio>, while the listener clicks through three pages (Turbo Drive); the queue
 * moves on by itself; the waveforms seek; only one thing ever plays (another button, the
 * mixer); buttons say what they do. Streams and peaks are real audio made by ffmpeg, written
 * as the worker leaves them. Screenshots go to SHOTS_DIR.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';
const run = promisify(execFile);
const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';
const SECONDS = 120;

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
const titles = ['Sunrise in C', 'Night bus home', 'Paper lanterns'];
const songs: Array<{ id: number; title: string; src: string }> = [];

/** A stereo AAC stream (48 kbps) of a tone with a beat, and audiowaveform-style peaks of it. */
async function makeAudio(frequency: number): Promise<{ stream: Buffer; peaks: string }> {
  const file = path.join(tmpdir(), `soundhub-player-${process.pid}-${frequency}.m4a`);
  await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:beep_factor=3:duration=${SECONDS}:sample_rate=44100`, '-af', 'volume=0.3', '-ac', '2', '-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart', file]);
  const stream = await readFile(file);
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', file, '-ac', '1', '-ar', '4000', '-f', 'f32le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  await rm(file);
  const samples = new Float32Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.byteLength / 4));
  const points = 400;
  const per = Math.floor(samples.length / points);
  const data: number[] = [];
  for (let p = 0; p < points; p++) {
    let lo = 0;
    let hi = 0;
    for (let i = p * per; i < (p + 1) * per; i++) {
      lo = Math.min(lo, samples[i]!);
      hi = Math.max(hi, samples[i]!);
    }
    data.push(Number(lo.toFixed(3)), Number(hi.toFixed(3)));
  }
  return { stream, peaks: JSON.stringify({ version: 2, channels: 1, sample_rate: 4000, samples_per_pixel: per, bits: 32, length: points, data }) };
}

async function storeTrack(trackId: string, audio: { stream: Buffer; peaks: string }): Promise<void> {
  await putObject(ctx.storage, `tracks/${trackId}/stream.m4a`, audio.stream, 'audio/mp4', audio.stream.byteLength);
  await putObject(ctx.storage, `tracks/${trackId}/peaks.json`, audio.peaks, 'application/json');
  await ctx.db('tracks').where({ id: trackId }).update({ stream_bytes: audio.stream.byteLength, duration_ms: SECONDS * 1000 });
}

beforeAll(async () => {
  ctx = await createTestContext({});
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  const author = await insertUser(ctx.db, { nickname: 'lena_lofi' });
  for (const [i, title] of titles.entries()) {
    const post = await insertPost(ctx.db, { authorId: author.id, title, genre: 'lo-fi', createdAt: new Date(Date.now() - (i + 1) * 60_000) });
    await storeTrack(post.author_track_id, await makeAudio(220 + i * 110));
    songs.push({ id: post.id, title, src: `/tracks/${post.author_track_id}/stream` });
  }
  // The second song has a part, so its page has the mixer.
  const part = await insertContribution(ctx.db, { postId: songs[1]!.id, included: true, instrument: 'drums' });
  await storeTrack(part.track_id, await makeAudio(660));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

interface Heard {
  tag: unknown;
  src: string | null;
  paused: boolean;
  time: number;
  audios: number;
}

/** What the bar's <audio> is doing, and whether it is still the element tagged at the start. */
function heard(page: Page): Promise<Heard> {
  return page.evaluate(() => {
    const audio = document.querySelector<HTMLAudioElement & { soundhubTag?: unknown }>('#player audio');
    return { tag: audio?.soundhubTag, src: audio?.getAttribute('src') ?? null, paused: audio?.paused ?? true, time: audio?.currentTime ?? 0, audios: document.querySelectorAll('audio').length };
  });
}

async function waitPlayingPast(page: Page, seconds: number): Promise<void> {
  await page.waitForFunction((s) => {
    const audio = document.querySelector<HTMLAudioElement>('#player audio');
    return Boolean(audio && !audio.paused && audio.currentTime > s);
  }, seconds, { timeout: 20_000 });
}

describe('the one player', () => {
  it('keeps playing across pages, queues, seeks, and lets only one thing play', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    page.on('console', (m) => { if (m.type() === 'error') console.log('[page console]', m.text()); });
    try {
      await page.goto(`${web.baseUrl}/`);
      const [sunrise, nightBus] = songs as [(typeof songs)[0], (typeof songs)[0], (typeof songs)[0]];
      const play = page.getByRole('button', { name: `Play ${sunrise.title}` }).first();
      await expect(play.getAttribute('aria-pressed')).resolves.toBe('false');
      await expect(page.locator('#player').isHidden()).resolves.toBe(true);
      await play.click();
      await waitPlayingPast(page, 0.3);
      await page.evaluate(() => {
        (document.querySelector('#player audio') as HTMLAudioElement & { soundhubTag?: string }).soundhubTag = 'the first one';
      });
      // The button says what it does now; the bar shows the song.
      const pause = page.getByRole('button', { name: `Pause ${sunrise.title}` }).first();
      await expect(pause.getAttribute('aria-pressed')).resolves.toBe('true');
      await expect(page.locator('#player [data-player-title]').textContent()).resolves.toBe(sunrise.title);
      await expect(page.locator('#player [data-player-artist]').textContent()).resolves.toBe('lena_lofi');
      await expect(page.evaluate(() => navigator.mediaSession.metadata?.title)).resolves.toBe(sunrise.title);
      // The queue is the cards the button was among, in their order, starting with it.
      const queue = await page.evaluate(() => (window as unknown as { soundhubPlayer: { queue: string[]; index: number } }).soundhubPlayer);
      expect(queue.queue[queue.index]).toBe(sunrise.src);

      // Three pages by their links, while it plays: the same element, still playing, time going on.
      let last = (await heard(page)).time;
      const visits: Array<[string, () => Promise<void>]> = [
        ['/genres', () => page.locator('nav.nav-main a[href="/genres"]').click()],
        ['/genres/lo-fi', () => page.locator('main a[href="/genres/lo-fi"]').first().click()],
        [`/posts/${nightBus.id}`, () => page.locator(`main a.post-title[href="/posts/${nightBus.id}"]`).first().click()],
      ];
      for (const [url, click] of visits) {
        await Promise.all([page.waitForURL(`${web.baseUrl}${url}`), click()]);
        await page.waitForLoadState('domcontentloaded');
        await page.waitForTimeout(700);
        const now = await heard(page);
        expect(now, url).toMatchObject({ tag: 'the first one', src: sunrise.src, paused: false, audios: 1 });
        expect(now.time, url).toBeGreaterThan(last);
        last = now.time;
      }
      expect(last).toBeGreaterThan(2);
      // On the song page its own buttons are not the one playing.
      await expect(page.locator('#listen [data-play]').getAttribute('aria-label')).resolves.toBe(`Play ${nightBus.title}`);

      // Seek: a click at 3/4 of the bar's waveform puts the song near 3/4.
      const wave = page.locator('#player [data-player-wave]');
      const box = (await wave.boundingBox())!;
      await wave.click({ position: { x: box.width * 0.75, y: box.height / 2 } });
      const afterSeek = await heard(page);
      expect(afterSeek.time).toBeGreaterThan(SECONDS * 0.75 - 1.5);
      expect(afterSeek.time).toBeLessThan(SECONDS * 0.75 + 1.5);

      // Keys: → seeks 5 s on, Space pauses and plays (focus on the page, not in a field).
      await page.locator('h1').click();
      const before = (await heard(page)).time;
      await page.keyboard.press('ArrowRight');
      expect((await heard(page)).time).toBeGreaterThan(before + 4);
      await page.keyboard.press('Space');
      await expect(heard(page)).resolves.toMatchObject({ paused: true });
      await page.keyboard.press('Space');
      await waitPlayingPast(page, 0);

      // Play next, then the end of the song: the queue moves on to it by itself.
      // (the drums part: the author track is the song's own recording while it has no master)
      const part = page.locator('#contributions [id^="contribution-"]');
      await part.locator('[data-queue="next"]').click();
      const partSrc = await part.locator('[data-play]').getAttribute('data-play');
      await page.evaluate(() => {
        const audio = document.querySelector<HTMLAudioElement>('#player audio')!;
        audio.currentTime = audio.duration - 0.5;
      });
      await page.waitForFunction((src) => document.querySelector('#player audio')?.getAttribute('src') === src, partSrc, { timeout: 15_000 });
      await waitPlayingPast(page, 0.2);
      await expect(part.getByRole('button', { name: `Pause ${nightBus.title} (Drums)` }).getAttribute('aria-pressed')).resolves.toBe('true');

      // A click on a song's waveform plays that song from there; the other button lets go.
      const listenWave = page.locator('#listen .play-wave');
      const lw = (await listenWave.boundingBox())!;
      await listenWave.click({ position: { x: lw.width * 0.5, y: lw.height / 2 } });
      await page.waitForFunction((src) => document.querySelector('#player audio')?.getAttribute('src') === src, nightBus.src);
      await waitPlayingPast(page, SECONDS * 0.5 - 1.5);
      const t = (await heard(page)).time;
      expect(t).toBeLessThan(SECONDS * 0.5 + 5);
      await expect(page.locator('#listen [data-play]').getAttribute('aria-pressed')).resolves.toBe('true');
      await expect(part.locator('[data-play]').getAttribute('aria-pressed')).resolves.toBe('false');

      // The mixer loads the tracks the player is streaming, plays, and the player pauses for it.
      await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 60_000 });
      await page.locator('#mixer').getByRole('button', { name: 'Play', exact: true }).click();
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state === 'playing', undefined, { timeout: 60_000 });
      await expect(page.evaluate(() => document.querySelector<HTMLAudioElement>('#player audio')!.paused)).resolves.toBe(true);
      // And the player's own button hands the music back: the mixer stops.
      await page.locator('#listen [data-play]').click();
      await waitPlayingPast(page, 0);
      await page.waitForFunction(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state !== 'playing');

      // Away from the song page: the mixer's AudioContext is closed with it, the player goes on.
      await Promise.all([page.waitForURL(`${web.baseUrl}/`), page.locator('nav.nav-main a[href="/"]').click()]);
      await page.waitForTimeout(500);
      await expect(page.evaluate(() => 'soundhubMixer' in window)).resolves.toBe(false);
      expect(await heard(page)).toMatchObject({ tag: 'the first one', src: nightBus.src, paused: false });

      for (const width of [1440, 390]) {
        await page.setViewportSize({ width, height: width < 500 ? 844 : 900 });
        await page.waitForTimeout(200);
        await page.screenshot({ path: `${SHOTS}/player-${width}.png` });
        // Title and artist are on screen at this width.
        for (const sel of ['[data-player-title]', '[data-player-artist]']) {
          const b = (await page.locator(`#player ${sel}`).boundingBox())!;
          expect(b.width, `${sel} at ${width}`).toBeGreaterThan(30);
          expect(b.x + b.width, `${sel} at ${width}`).toBeLessThanOrEqual(width);
        }
        const spill = await page.evaluate(() => document.documentElement.scrollWidth);
        expect(spill).toBeLessThanOrEqual(width);
      }
      await page.locator('[data-player-queue-toggle]').click();
      await page.screenshot({ path: `${SHOTS}/player-390-queue.png` });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
    }
  }, 180_000);

  it('without JavaScript, a play button is a link to the stream and there is no bar', async () => {
    const context = await browser.newContext({ javaScriptEnabled: false });
    const page = await context.newPage();
    try {
      await page.goto(`${web.baseUrl}/posts/${songs[0]!.id}`);
      await expect(page.locator('#listen a.play').getAttribute('href')).resolves.toBe(songs[0]!.src);
      await expect(page.locator('#player').isHidden()).resolves.toBe(true);
      await expect(page.locator('#listen .play-wave').isHidden()).resolves.toBe(true);
    } finally {
      await context.close();
    }
  });
});
