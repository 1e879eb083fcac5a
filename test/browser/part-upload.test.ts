import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../context.js';
import { addContribution, waitForTrack } from '../coproduction.js';
import { buildPost, buildUser, makeTone, type SignedIn } from '../factories.js';
import { launchChromium, listen, logIn } from './browser.js';

/**
 * The part form on a post page in Chromium, against the real app and worker: a file the
 * server refuses shows its message on its own line with its instrument and note kept; a good part scrolls into
 * view with a confirmation, its "Processing" line turns by itself, and it joins the mixer
 * (with its proposed offset, outside the mix) without a reload.
 */
const SHOTS = process.env.SHOTS_DIR ?? 'test-results/screenshots';

let ctx: TestContext;
let web: Awaited<ReturnType<typeof listen>>;
let browser: Browser;
let author: SignedIn;
let postId: number;

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  web = await listen(ctx.app);
  browser = await launchChromium();
  await mkdir(SHOTS, { recursive: true });
  author = await buildUser(ctx.app);
  const post = await buildPost(author, { instrument: 'guitar' }, { buffer: await makeTone({ frequency: 440, seconds: 6 }), name: 'idea.mp3' });
  postId = post.id;
  // A part already there, so the mixer exists before the new one arrives.
  const bassist = await buildUser(ctx.app);
  const bass = await addContribution(bassist, postId, { buffer: await makeTone({ frequency: 660, seconds: 6 }), name: 'bass.mp3' }, { instrument: 'bass', note: 'root' });
  await waitForTrack(ctx, (await ctx.db('posts').where({ id: postId }).first('author_track_id')).author_track_id);
  await waitForTrack(ctx, bass.trackId);
});

afterAll(async () => {
  await browser?.close();
  await web?.close();
  await ctx?.close();
});

async function openAsContributor(width: number): Promise<{ page: Page; user: SignedIn }> {
  const user = await buildUser(ctx.app);
  const page = await browser.newPage({ viewport: { width, height: 900 } });
  await logIn(page, web.baseUrl, user, `/posts/${postId}`);
  await page.waitForSelector('#mixer[data-state="ready"]', { timeout: 30_000 });
  return { page, user };
}

const partsOf = async (user: SignedIn) => (await ctx.db('contributions as c').join('users as u', 'u.id', 'c.contributor_id').where('u.nickname', user.nickname).count<{ n: string }[]>({ n: '*' }))[0]!.n;

describe('the part form', () => {
  it('shows the server\'s refusal on the file\'s line, keeps its instrument and note, and offers Retry', async () => {
    const { page, user } = await openAsContributor(390);
    const form = page.locator('form[action$="/contributions"]');
    // Named like audio, so the browser's own check lets it go and the server's ffprobe refuses it.
    await form.locator('input[name="audio"]').setInputFiles({ name: 'drums.mp3', mimeType: 'audio/mpeg', buffer: Buffer.from('these are my notes, not audio\n'.repeat(50)) });
    const row = form.locator('.upload-item');
    await expect(row.locator('select').inputValue()).resolves.toBe('drums');
    await row.getByLabel('Note').fill('brushes, quiet');
    await form.getByRole('button', { name: 'Upload part' }).click();

    const status = row.locator('.upload-item-status[role="alert"]');
    await status.waitFor({ timeout: 30_000 });
    await expect(status.textContent()).resolves.toMatch(/“drums\.mp3” is not an audio file we can play/);
    await expect(row.getAttribute('data-state')).resolves.toBe('failed');
    await expect(row.getByRole('button', { name: 'Retry drums.mp3' }).isVisible()).resolves.toBe(true);
    await expect(row.getByRole('button', { name: 'Cancel drums.mp3' }).isVisible()).resolves.toBe(false);
    await expect(row.locator('select').inputValue()).resolves.toBe('drums');
    await expect(row.getByLabel('Note').inputValue()).resolves.toBe('brushes, quiet');
    expect(page.url()).toBe(`${web.baseUrl}/posts/${postId}`);
    await row.scrollIntoViewIfNeeded();
    await page.screenshot({ path: `${SHOTS}/part-form-refused-390.png`, fullPage: false });

    // Too short to play along to (422): removed, and a new file on its own line says so there.
    await row.getByRole('button', { name: 'Remove drums.mp3' }).click();
    await form.locator('input[name="audio"]').setInputFiles({ name: 'blip.mp3', mimeType: 'audio/mpeg', buffer: await makeTone({ seconds: 0.4 }) });
    await form.locator('.upload-item select').selectOption('drums');
    await form.getByRole('button', { name: 'Upload part' }).click();
    await page.waitForFunction(() => /holds 0\.\d s of audio/.test(document.querySelector('form[action$="/contributions"] .upload-item-status')?.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(Number(await partsOf(user))).toBe(0);
    await page.close();
  });

  it('after an upload, scrolls to the part, follows its processing and adds it to the mixer without a reload', async () => {
    const { page, user } = await openAsContributor(1440);
    const form = page.locator('form[action$="/contributions"]');
    await form.locator('input[name="audio"]').setInputFiles({ name: 'pads.mp3', mimeType: 'audio/mpeg', buffer: await makeTone({ frequency: 550, seconds: 5 }) });
    await form.locator('.upload-item select').selectOption('keyboard');
    await form.locator('.upload-item').getByLabel('Note').fill('pads');
    await form.getByRole('button', { name: 'Upload part' }).click();

    const note = page.locator('[data-uploaded-note]');
    await note.waitFor({ timeout: 30_000 });
    await expect(note.textContent()).resolves.toContain('joins the mixer by itself');
    const part = await ctx.db('contributions as c').join('users as u', 'u.id', 'c.contributor_id').where('u.nickname', user.nickname).first('c.id', 'c.track_id');
    expect(part).toBeDefined();
    // The page after the upload is the one that must update itself: mark it, and check the mark survives.
    await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
    const tracksBefore = await page.locator('#mixer .mixer-track').count();

    await page.waitForSelector(`[data-track-status="${part.track_id}"][data-status="ready"]`, { timeout: 90_000 });
    const row = page.locator(`#mixer li[data-track-id="${part.track_id}"]`);
    await row.waitFor({ timeout: 30_000 });
    await expect(page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    await expect(page.locator('#mixer .mixer-track').count()).resolves.toBe(tracksBefore + 1);
    await expect(row.locator('.track-name').textContent()).resolves.toBe(`Keyboard · ${user.nickname}`);
    await expect(row.getAttribute('class')).resolves.toContain('is-excluded');
    await expect(page.locator(`#contribution-${part.id}`).textContent()).resolves.not.toContain('Processing');
    await expect(page.locator('#mixer .mixer-status').textContent()).resolves.toContain(`Keyboard · ${user.nickname} is ready and joined the mixer, outside the mix.`);
    await expect(page.locator('#mixer [data-track-count]').textContent()).resolves.toBe(`· ${tracksBefore + 1} tracks`);
    // Its controls work like every other track's.
    const mute = row.getByRole('button', { name: `Mute Keyboard · ${user.nickname}` });
    await mute.click();
    await expect(mute.getAttribute('aria-pressed')).resolves.toBe('false');
    await page.screenshot({ path: `${SHOTS}/part-joined-1440.png`, fullPage: true });
    await page.close();
  });
});
