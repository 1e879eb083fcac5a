import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { waitForTrack } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { expectNothingStored } from '../objects.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * Uploads in Chromium against the real app and worker: several stems dropped on the part
 * form at once, each with its own instrument, progress and request; files the server would
 * refuse are refused before a byte goes; Cancel aborts the request and leaves nothing; the
 * new-song form suggests the title from the file name.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';
// Small enough that a too-big file is cheap to make, large enough for 30 s of WAV.
const MAX_UPLOAD_MB = 6;

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let postId: number;
let stems: { bass: Buffer; drums: Buffer; long: Buffer; tooBig: Buffer };

beforeAll(async () => {
  ctx = await createTestContext({ MAX_UPLOAD_MB: String(MAX_UPLOAD_MB) }, { worker: true });
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  const author = await buildUser(ctx.app);
  const post = await buildPost(author, { instrument: 'guitar' }, { buffer: await makeTone({ frequency: 440, seconds: 6 }), name: 'idea.mp3' });
  postId = post.id;
  stems = {
    bass: await makeTone({ frequency: 110, seconds: 12, format: 'wav' }),
    drums: await makeTone({ frequency: 880, seconds: 12, format: 'wav' }),
    long: await makeTone({ frequency: 330, seconds: 30, format: 'wav' }),
    tooBig: await makeTone({ frequency: 330, seconds: 40, format: 'wav' }),
  };
  await waitForTrack(ctx, (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

async function signedInAt(path: string, width: number): Promise<{ page: Page; user: SignedIn }> {
  const user = await buildUser(ctx.app);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await logIn(page, web.baseUrl, user, path);
  return { page, user };
}

/** Slows the page's uploads to `bytesPerSecond` (Chromium's own network throttling), so progress can be seen. */
async function throttleUploads(page: Page, bytesPerSecond: number) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bytesPerSecond });
}

/** Every text the page's upload status lines showed, in order (kept in the test, so a reload loses none). */
async function recordStatusTexts(page: Page) {
  const seen: string[] = [];
  await page.exposeFunction('reportStatus', (text: string) => void seen.push(text));
  await page.evaluate(() => {
    const report = (window as unknown as { reportStatus: (t: string) => void }).reportStatus;
    let last = '';
    new MutationObserver(() => {
      for (const s of document.querySelectorAll('.upload-item-status')) {
        const text = s.textContent ?? '';
        if (text !== last) report((last = text));
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  return () => Promise.resolve(seen);
}

const partsOf = (user: SignedIn) =>
  ctx.db('contributions as c').join('users as u', 'u.id', 'c.contributor_id').join('instruments as i', 'i.id', 'c.instrument_id').where('u.nickname', user.nickname).orderBy('c.id').select('c.id', 'c.track_id', 'c.note', 'i.slug as instrument');

describe('the part form with several files', () => {
  it('uploads two stems at once, each with its instrument and its own progress, as two parts', async () => {
    const { page, user } = await signedInAt(`/posts/${postId}`, 1440);
    const form = page.locator('form[data-upload-parts]');
    await form.locator('input[type="file"]').setInputFiles([
      { name: 'Bass_line.wav', mimeType: 'audio/wav', buffer: stems.bass },
      { name: 'loop-2.wav', mimeType: 'audio/wav', buffer: stems.drums },
    ]);
    const rows = form.locator('.upload-item');
    await expect(rows.count()).resolves.toBe(2);
    // "Bass" is a word of the first name: its instrument is guessed; the second is chosen by hand.
    await expect(rows.nth(0).locator('select').inputValue()).resolves.toBe('bass');
    await rows.nth(1).getByLabel('Instrument').selectOption('drums');
    await rows.nth(1).getByLabel('Note').fill('brushes');
    await expect(form.getByRole('button', { name: 'Upload 2 parts' }).isVisible()).resolves.toBe(true);

    await throttleUploads(page, 1_000_000);
    const seen = await recordStatusTexts(page);
    const posted: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posted.push(r.url()));
    await form.getByRole('button', { name: 'Upload 2 parts' }).click();
    await page.waitForFunction(() => /^([1-9]\d?)% · /.test(document.querySelector('.upload-item-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await page.screenshot({ path: `${SHOTS}/parts-uploading-1440.png`, fullPage: false });
    await page.locator('[data-uploaded-note]').nth(1).waitFor({ timeout: 60_000 });

    // Each file went in its own request, and the page showed how far each had got.
    expect(posted.filter((u) => u.endsWith(`/posts/${postId}/contributions`))).toHaveLength(2);
    const midway = (await seen()).filter((t) => /^([1-9]\d?)% · \d+\.\d of \d+\.\d MB · about \d+ s left$/.test(t));
    expect(midway.length, (await seen()).join('\n')).toBeGreaterThan(0);
    const parts = await partsOf(user);
    // The two requests run side by side, so either row may be stored first.
    expect(parts.map((p) => [p.instrument, p.note]).sort()).toEqual([['bass', ''], ['drums', 'brushes']]);
    for (const p of parts) await waitForTrack(ctx, p.track_id);
    await page.close();
  });

  it('refuses a too-big or non-audio file in the browser, before sending a byte', async () => {
    const { page, user } = await signedInAt(`/posts/${postId}`, 390);
    const posted: string[] = [];
    page.on('request', (r) => r.method() === 'POST' && posted.push(r.url()));
    const form = page.locator('form[data-upload-parts]');
    await form.locator('input[type="file"]').setInputFiles([
      { name: 'whole-session.wav', mimeType: 'audio/wav', buffer: stems.tooBig },
      { name: 'lyrics.txt', mimeType: 'text/plain', buffer: Buffer.from('la la la\n') },
    ]);
    const rows = form.locator('.upload-item');
    await expect(rows.nth(0).locator('.upload-item-status').textContent()).resolves.toMatch(/“whole-session\.wav” is 6\.7 MB, larger than 6\.0 MB/);
    await expect(rows.nth(1).locator('.upload-item-status').textContent()).resolves.toBe('“lyrics.txt” is not an audio file. Upload MP3, WAV, FLAC, AAC/M4A or OGG.');
    await expect(rows.nth(0).getAttribute('data-state')).resolves.toBe('refused');
    await rows.nth(1).scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/parts-refused-390.png`, fullPage: false });
    await form.getByRole('button', { name: 'Upload part' }).click();
    await page.waitForTimeout(500);
    expect(posted).toEqual([]);
    expect(await partsOf(user)).toEqual([]);
    await page.close();
  });

  it('cancels an upload: the request is aborted and nothing is kept, and it can be sent again', async () => {
    const { page, user } = await signedInAt(`/posts/${postId}`, 390);
    const form = page.locator('form[data-upload-parts]');
    await form.locator('input[type="file"]').setInputFiles([{ name: 'strings take.wav', mimeType: 'audio/wav', buffer: stems.long }]);
    await form.locator('.upload-item select').selectOption('strings');
    await throttleUploads(page, 500_000);
    const clicked = new Date();
    const aborted = new Promise<string | undefined>((resolve) => page.on('requestfailed', (r) => resolve(r.failure()?.errorText)));
    await form.getByRole('button', { name: 'Upload part' }).click();
    await page.waitForFunction(() => /^([1-9]\d?)% · /.test(document.querySelector('.upload-item-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    await form.locator('.upload-item').scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/part-uploading-390.png`, fullPage: false });
    await form.getByRole('button', { name: 'Cancel strings take.wav' }).click();
    await expect(aborted).resolves.toBe('net::ERR_ABORTED');
    await expect(form.locator('.upload-item-status').textContent()).resolves.toBe('Cancelled: nothing of this file was kept.');

    // The server reserved a track id when the file began (pending_uploads), saw the body cut
    // short and kept neither a row nor an object for it. (Other files' uploads may reserve ids
    // in the same seconds; each of theirs that has no track row must be empty too.)
    const reserved = (await ctx.db('pending_uploads').where('started_at', '>=', clicked).pluck('track_id')) as string[];
    expect(reserved.length).toBeGreaterThan(0);
    const ours = (await Promise.all(reserved.map(async (id) => ((await ctx.db('tracks').where({ id }).first('id')) ? undefined : id)))).filter((id) => id !== undefined);
    expect(ours.length).toBeGreaterThan(0);
    await expectNothingStored(ctx, ours);
    expect(await partsOf(user)).toEqual([]);

    // Retry sends it again, at full speed this time.
    await throttleUploads(page, -1);
    await form.getByRole('button', { name: 'Retry strings take.wav' }).click();
    await page.locator('[data-uploaded-note]').waitFor({ timeout: 60_000 });
    expect((await partsOf(user)).map((p) => p.instrument)).toEqual(['strings']);
    await page.close();
  });
});

describe('the new-song form', () => {
  it('suggests the title from the file name until one is typed, and shows the upload', async () => {
    for (const width of [390, 1440]) {
      const { page } = await signedInAt('/posts/new', width);
      const form = page.locator('form[action="/posts"]');
      const title = form.locator('input[name="title"]');
      await form.locator('input[name="audio"]').setInputFiles({ name: 'late_night-jam.wav', mimeType: 'audio/wav', buffer: stems.bass });
      await expect(title.inputValue()).resolves.toBe('late night jam');
      await form.locator('input[name="audio"]').setInputFiles({ name: 'second-idea.wav', mimeType: 'audio/wav', buffer: stems.bass });
      await expect(title.inputValue()).resolves.toBe('second idea');
      await title.fill('Night Drive');
      await form.locator('input[name="audio"]').setInputFiles({ name: 'third_idea.wav', mimeType: 'audio/wav', buffer: stems.bass });
      await expect(title.inputValue()).resolves.toBe('Night Drive');
      // Refused before sending, under the file field.
      await form.locator('input[name="audio"]').setInputFiles({ name: 'cover.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') });
      await expect(form.locator('.field-error').textContent()).resolves.toBe('“cover.txt” is not an audio file. Upload MP3, WAV, FLAC, AAC/M4A or OGG.');
      await expect(title.inputValue()).resolves.toBe('Night Drive');
      await page.screenshot({ path: `${SHOTS}/new-song-form-${width}.png`, fullPage: true });
      await page.close();
    }
  });

  it('takes a dropped file and posts the song with its progress shown', async () => {
    const { page } = await signedInAt('/posts/new', 1440);
    const form = page.locator('form[action="/posts"]');
    // A real drop: a DataTransfer holding the file, dispatched on the form.
    const bytes = [...stems.bass];
    const drop = await page.evaluateHandle((b) => {
      const dt = new DataTransfer();
      dt.items.add(new File([new Uint8Array(b)], 'sunday_demo.wav', { type: 'audio/wav' }));
      return dt;
    }, bytes);
    await form.dispatchEvent('dragenter', { dataTransfer: drop });
    await expect(form.getAttribute('class')).resolves.toContain('is-dragging');
    await form.dispatchEvent('drop', { dataTransfer: drop });
    await expect(form.locator('input[name="title"]').inputValue()).resolves.toBe('sunday demo');
    await expect(form.locator('input[name="audio"]').evaluate((i: HTMLInputElement) => i.files?.[0]?.name)).resolves.toBe('sunday_demo.wav');
    await form.locator('select[name="genre"]').selectOption('rock');
    await form.locator('select[name="instrument"]').selectOption('guitar');
    await throttleUploads(page, 1_000_000);
    const seen = await recordStatusTexts(page);
    await Promise.all([page.waitForURL(/\/posts\/\d+$/, { timeout: 60_000 }), form.getByRole('button', { name: 'Post song' }).click()]);
    expect((await seen()).some((t) => /^([1-9]\d?)% · \d+\.\d of \d+\.\d MB · about \d+ s left$/.test(t))).toBe(true);
    await expect(page.locator('h1').textContent()).resolves.toBe('sunday demo');
    await page.close();
  });
});
