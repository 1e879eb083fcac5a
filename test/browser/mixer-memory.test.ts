import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
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
 * A song with 8 parts of 4 minutes on a phone-sized page: before the first play only peaks
 * are fetched; play loads the audio (at most 3 at once) and the renderer's memory and the
 * bytes fetched are printed. The rows and objects are written directly (as the worker would
 * leave them) from real audio made by ffmpeg, so the test does not wait for 9 transcodes.
 */
const run = promisify(execFile);
const ffmpeg = process.env.FFMPEG_PATH ?? 'ffmpeg';
const PARTS = 8;
const SECONDS = 240;

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let postId: number;

/** A 4-minute stereo AAC stream (48 kbps) of a tone with a beat, as the worker's stream rendition. */
async function makeStream(frequency: number, file: string): Promise<Buffer> {
  await run(ffmpeg, ['-v', 'error', '-y', '-f', 'lavfi', '-i', `sine=frequency=${frequency}:beep_factor=2:duration=${SECONDS}:sample_rate=44100`, '-ac', '2', '-c:a', 'aac', '-b:a', '48k', '-movflags', '+faststart', file]);
  return readFile(file);
}

/** audiowaveform-style peaks (v2, floats) from the stream's own samples, 1000 points. */
async function makePeaks(file: string): Promise<string> {
  const { stdout } = await run(ffmpeg, ['-v', 'error', '-i', file, '-ac', '1', '-ar', '4000', '-f', 'f32le', 'pipe:1'], { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 });
  await rm(file);
  const samples = new Float32Array(stdout.buffer, stdout.byteOffset, Math.floor(stdout.byteLength / 4));
  const points = 1000;
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
  return JSON.stringify({ version: 2, channels: 1, sample_rate: 4000, samples_per_pixel: per, bits: 32, length: points, data });
}

beforeAll(async () => {
  ctx = await createTestContext({});
  web = await listen(ctx.app);
  browser = await launchChromium();
  const author = await insertUser(ctx.db);
  const post = await insertPost(ctx.db, { authorId: author.id, title: 'Eight parts, four minutes' });
  postId = post.id;
  const trackIds = [post.author_track_id];
  for (let i = 0; i < PARTS; i++) trackIds.push((await insertContribution(ctx.db, { postId, included: true })).track_id);
  const files = [0, 1].map((i) => path.join(tmpdir(), `soundhub-memory-${postId}-${i}.m4a`));
  const streams = [await makeStream(220, files[0]!), await makeStream(330, files[1]!)];
  const peaks = [await makePeaks(files[0]!), await makePeaks(files[1]!)];
  for (const [i, id] of trackIds.entries()) {
    const stream = streams[i % 2]!;
    await putObject(ctx.storage, `tracks/${id}/stream.m4a`, stream, 'audio/mp4', stream.byteLength);
    await putObject(ctx.storage, `tracks/${id}/peaks.json`, peaks[i % 2]!, 'application/json');
    await ctx.db('tracks').where({ id }).update({ stream_bytes: stream.byteLength, duration_ms: SECONDS * 1000 });
  }
}, 240_000);

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

/** Resident memory of this browser's renderer processes (Linux /proc), in MB. */
async function rendererMb(): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as { processInfo: Array<{ type: string; id: number }> };
  await cdp.detach();
  let kb = 0;
  for (const p of processInfo.filter((p) => p.type === 'renderer')) {
    const status = await readFile(`/proc/${p.id}/status`, 'utf8').catch(() => '');
    kb += Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  }
  return Math.round(kb / 1024);
}

async function jsHeapMb(page: Page): Promise<number> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  await cdp.detach();
  return Math.round((metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0) / 1024 / 1024);
}

describe('a long song with many parts on a phone', () => {
  it('fetches only peaks before play, then loads at most 3 tracks at once and plays them all', async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
    const bytes = { peaks: 0, audio: 0, audioBeforePlay: 0 };
    let playPressed = false;
    let beforePlay = 0;
    let inFlight = 0;
    let mostInFlight = 0;
    page.on('request', (req) => {
      if (!req.url().includes('/stream') || req.url().includes('/tracks/') === false) return;
      if (/\/tracks\/[^/]+\/stream$/.test(new URL(req.url()).pathname)) mostInFlight = Math.max(mostInFlight, ++inFlight);
    });
    page.on('requestfinished', (req) => {
      const path = new URL(req.url()).pathname;
      if (/\/tracks\/[^/]+\/stream$/.test(path)) inFlight--;
      if (!path.startsWith('/tracks/')) return;
      const counted = playPressed;
      void req.sizes().then(({ responseBodySize }) => {
        if (path.endsWith('/peaks.json')) bytes.peaks += responseBodySize;
        else if (counted) bytes.audio += responseBodySize;
        else bytes.audioBeforePlay += responseBodySize;
        if (!counted) beforePlay += responseBodySize;
      });
    });
    await page.goto(`${web.baseUrl}/posts/${postId}`);
    await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
    await page.waitForTimeout(500);
    const beforePlayMb = await rendererMb();
    const audioBeforePlay = bytes.audioBeforePlay;

    playPressed = true;
    await page.locator('#mixer').getByRole('button', { name: 'Play' }).click();
    await page.waitForFunction(() => document.querySelector<HTMLElement>('#mixer')!.dataset.state === 'loading');
    const progress = await page.locator('#mixer .mixer-status').textContent();
    await page.waitForFunction(() => Number(document.querySelector<HTMLElement>('#mixer')!.dataset.positionMs) > 1000, undefined, { timeout: 280_000 });
    const playingMb = await rendererMb();
    const heapMb = await jsHeapMb(page);

    console.log(
      `[mixer memory] ${PARTS + 1} tracks × ${SECONDS / 60} min: fetched before play ${beforePlay} B (peaks ${bytes.peaks} B, audio ${audioBeforePlay} B); ` +
        `audio fetched after play ${bytes.audio} B; renderer RSS ${beforePlayMb} MB before play, ${playingMb} MB playing; JS heap ${heapMb} MB; most stream fetches at once ${mostInFlight}`,
    );
    expect(audioBeforePlay).toBe(0);
    expect(bytes.peaks).toBeGreaterThan(0);
    expect(beforePlay).toBe(bytes.peaks);
    expect(progress).toMatch(/Loading audio: \d of 9 tracks ready/);
    expect(mostInFlight).toBeLessThanOrEqual(3);
    await expect(page.evaluate(() => document.querySelector<HTMLElement>('#mixer')!.dataset.loadedTracks)).resolves.toBe(String(PARTS + 1));
    await page.close();
  }, 400_000);
});
