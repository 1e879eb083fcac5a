import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { buildPost, buildUser, type SignedIn } from '../../test/factories.js';
import { irregularOnsets, writeChords, writeHits } from '../../test/fixtures-rhythm.js';
import { bpmDiffers, keyDiffers } from './detect.js';

let ctx: TestContext;
let dir: string;
let author: SignedIn;
let drums: Buffer;
let chords: Buffer;

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  dir = await mkdtemp(path.join(tmpdir(), 'soundhub-detect-test-'));
  author = await buildUser(ctx.app);
  const kit = irregularOnsets(120, 8, 11).map((at, i) => (i % 3 ? { at, hz: 60, seconds: 0.15, amplitude: 0.6 } : { at, hz: 0, seconds: 0.08, amplitude: 0.3 }));
  drums = await readFile(await writeHits(ctx.config.audio, path.join(dir, 'drums.wav'), kit, 17));
  chords = await readFile(await writeChords(ctx.config.audio, path.join(dir, 'chords.wav'), [[48, 60, 64, 67], [53, 65, 69, 72], [55, 67, 71, 74], [48, 60, 64, 67]], 1.5));
}, 120_000);
afterAll(async () => {
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

const detected = (postId: number) =>
  eventually(async () => {
    const post = await ctx.db('posts').where({ id: postId }).first();
    return post.bpm_detected !== null || post.key_detected !== null ? post : undefined;
  }, { what: `detection on post ${postId}`, timeoutMs: 240_000 });

describe('tempo and key heard at processing', () => {
  it('fills a blank BPM from an irregular drum pattern at 120 BPM, marked detected', async () => {
    const { id } = await buildPost(author, { title: 'Groove' }, { buffer: drums, name: 'drums.wav' });
    const post = await detected(id);
    expect(Math.abs(post.bpm_detected - 120)).toBeLessThanOrEqual(1);
    expect(post).toMatchObject({ bpm: 120, bpm_source: 'detected', key: null, key_source: null });
    const page = await supertest(ctx.app).get(`/posts/${id}`);
    expect(page.text).toContain('120 BPM (detected)');
  }, 300_000);

  it('fills a blank key from I–IV–V–I in C major, and tells only the author when a typed BPM is far off', async () => {
    const { id } = await buildPost(author, { title: 'Changes', bpm: '90' }, { buffer: chords, name: 'chords.wav' });
    const post = await detected(id);
    expect(post).toMatchObject({ key_detected: 'C major', key: 'C major', key_source: 'detected', bpm: 90, bpm_source: 'author' });
    const own = await author.agent.get(`/posts/${id}`);
    expect(own.text).toContain('C major (detected)');
    // Whatever tempo the chords suggest, the typed 90 stays; a note appears only if it is far off.
    const farOff = post.bpm_detected !== null && bpmDiffers(90, post.bpm_detected);
    expect(own.text.includes('data-detection-note')).toBe(farOff);
    const other = await supertest(ctx.app).get(`/posts/${id}`);
    expect(other.text).not.toContain('data-detection-note');
  }, 300_000);

  it('shows the author a note when the typed key is far from what the audio says', async () => {
    const { id } = await buildPost(author, { title: 'Wrong key', key: 'F# major', bpm: '120' }, { buffer: chords, name: 'chords.wav' });
    await detected(id);
    const own = await author.agent.get(`/posts/${id}`);
    expect(own.text).toContain('The recording sounds like C major; the song says F# major.');
    expect((await ctx.db('posts').where({ id }).first()).key).toBe('F# major');
  }, 300_000);
});

describe('what counts as far off', () => {
  it('treats half and double time and the relative key as close', () => {
    expect(bpmDiffers(120, 121)).toBe(false);
    expect(bpmDiffers(60, 120)).toBe(false);
    expect(bpmDiffers(90, 120)).toBe(true);
    expect(keyDiffers('A minor', 'C major')).toBe(false);
    expect(keyDiffers('C major', 'C major')).toBe(false);
    expect(keyDiffers('F# major', 'C major')).toBe(true);
    expect(keyDiffers('C minor', 'C major')).toBe(true);
  });
});
