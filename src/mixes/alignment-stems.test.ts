import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { createTestContext, eventually, type TestContext } from '../../test/context.js';
import { addContribution, waitForVersion } from '../../test/coproduction.js';
import { buildPost, buildUser, type SignedIn } from '../../test/factories.js';
import { irregularOnsets, writeHits } from '../../test/fixtures-rhythm.js';
import { medianOnsetGap, onsetTimesNear } from '../../test/onset-times.js';
import { channelSamples, decodeToFloat32 } from '../audio/decode.js';
import { writeLavfiAudio } from '../../test/fixtures-audio.js';
import { getObject } from '../storage/s3.js';

// The song: an irregular rhythm at 220 Hz. The part: the same rhythm at 1760 Hz, exported
// 250 ms late (as a part recorded with latency would be). Measured by band: 220 vs 1760 Hz.
const SONG_HZ = 220;
const PART_HZ = 1760;
const LATE_MS = 250;
let ctx: TestContext;
let dir: string;
let author: SignedIn;
let bassist: SignedIn;
let postId: number;
let authorTrackId: string;
let part: { id: number; trackId: string };
let noise: { id: number; trackId: string };
let masterTrackId: string;

beforeAll(async () => {
  ctx = await createTestContext({}, { worker: true });
  dir = await mkdtemp(path.join(tmpdir(), 'soundhub-align-test-'));
  author = await buildUser(ctx.app);
  bassist = await buildUser(ctx.app);
  const onsets = irregularOnsets(120, 4);
  const song = await writeHits(ctx.config.audio, path.join(dir, 'song.wav'), onsets.map((at) => ({ at, hz: SONG_HZ })), 9);
  const late = await writeHits(ctx.config.audio, path.join(dir, 'part.wav'), onsets.map((at) => ({ at, hz: PART_HZ, amplitude: 0.3 })), 9, { delayMs: LATE_MS });
  const hiss = await writeLavfiAudio(ctx.config.audio, path.join(dir, 'noise.wav'), 'anoisesrc=d=9:c=pink:a=0.2:r=44100:s=9');
  const { readFile } = await import('node:fs/promises');
  ({ id: postId } = await buildPost(author, { title: 'Offbeat' }, { buffer: await readFile(song), name: 'song.wav' }));
  authorTrackId = (await ctx.db('posts').where({ id: postId }).first()).author_track_id;
  part = await addContribution(bassist, postId, { buffer: await readFile(late), name: 'late.wav' }, { instrument: 'bass' });
  noise = await addContribution(bassist, postId, { buffer: await readFile(hiss), name: 'noise.wav' }, { instrument: 'keyboard' });
  // Processed and analysed: the alignment is the worker's last step for a part.
  await eventually(async () => (await ctx.db('contributions').whereIn('id', [part.id, noise.id]).whereNotNull('alignment_status')).length === 2, { what: 'both parts aligned', timeoutMs: 240_000 });
}, 300_000);
afterAll(async () => {
  await ctx.close();
  await rm(dir, { recursive: true, force: true });
});

/** Decodes an object or a buffer at 48 kHz stereo. */
async function decode(bytes: Buffer, name: string) {
  const file = path.join(dir, `${Math.random().toString(36).slice(2)}-${name}`);
  await writeFile(file, bytes);
  return decodeToFloat32(ctx.config.audio, file, { sampleRate: 48000, channels: 2 });
}

describe('automatic alignment', () => {
  it('proposes moving a part that sounds 250 ms late 250 ms earlier, within ±10 ms', async () => {
    const row = await ctx.db('contributions').where({ id: part.id }).first();
    expect(row.alignment_status).toBe('aligned');
    expect(Math.abs(row.proposed_offset_ms + LATE_MS)).toBeLessThanOrEqual(10);
    const page = await bassist.agent.get(`/posts/${postId}`);
    expect(page.text).toMatch(/Sounds 2[45]\d ms late: aligned\./);
    // The mixer starts the part at its proposed offset.
    const mixer = JSON.parse(/<script type="application\/json" id="mixer-data">([^<]*)<\/script>/.exec((await author.agent.get(`/posts/${postId}`)).text)![1]!);
    expect(mixer.tracks.find((t: { trackId: string }) => t.trackId === part.trackId).offsetMs).toBe(row.proposed_offset_ms);
  });

  it('says it could not tell for unrelated noise, and proposes nothing', async () => {
    const row = await ctx.db('contributions').where({ id: noise.id }).first();
    expect(row).toMatchObject({ alignment_status: 'unsure', proposed_offset_ms: null });
    const page = await author.agent.get(`/posts/${postId}`);
    expect(page.text).toContain('Could not tell how this part lines up with the song');
  });

  it('refuses an offset beyond ±5000 ms (422) and saves nothing', async () => {
    await author.agent.post(`/contributions/${part.id}/include`).type('form').send({ _csrf: author.csrf });
    const before = await ctx.db('mix_versions').where({ post_id: postId }).count({ n: '*' });
    const res = await author.agent
      .post(`/posts/${postId}/mix`)
      .set('X-CSRF-Token', author.csrf)
      .set('Accept', 'application/json')
      .send({ tracks: [{ trackId: authorTrackId, gainDb: 0, pan: 0, muted: false, offsetMs: 0 }, { trackId: part.trackId, gainDb: 0, pan: 0, muted: false, offsetMs: 6000 }] });
    expect(res.status).toBe(422);
    expect(await ctx.db('mix_versions').where({ post_id: postId }).count({ n: '*' })).toEqual(before);
  });

  it('renders the master with the proposed offset so both parts’ onsets coincide within 10 ms', async () => {
    // No offset sent for the part: the recipe takes the proposed one.
    const res = await author.agent
      .post(`/posts/${postId}/mix`)
      .set('X-CSRF-Token', author.csrf)
      .set('Accept', 'application/json')
      .send({ tracks: [{ trackId: authorTrackId, gainDb: 0, pan: 0, muted: false }, { trackId: part.trackId, gainDb: 0, pan: 0, muted: false }] });
    expect(res.status).toBe(202);
    const version = await waitForVersion(ctx, res.body.version.id);
    expect(version.status).toBe('ready');
    masterTrackId = version.master_track_id;
    const proposed = (await ctx.db('contributions').where({ id: part.id }).first()).proposed_offset_ms;
    const recipe = await ctx.db('mix_version_tracks').where({ mix_version_id: version.id }).orderBy('position');
    expect(recipe.map((r) => r.offset_ms)).toEqual([0, proposed]);

    const track = await ctx.db('tracks').where({ id: masterTrackId }).first();
    const object = await getObject(ctx.storage, track.original_key);
    const master = await decode(Buffer.from(await object.Body!.transformToByteArray()), 'master.flac');
    const left = channelSamples(master, 0);
    const song = onsetTimesNear(left, 48000, SONG_HZ);
    const moved = onsetTimesNear(left, 48000, PART_HZ);
    expect(song.length).toBeGreaterThan(6);
    const gap = medianOnsetGap(moved, song);
    console.log(`master: ${song.length} song onsets, ${moved.length} part onsets, median gap ${(gap * 1000).toFixed(1)} ms`);
    expect(gap).toBeLessThanOrEqual(0.01);
    // Unaligned, the same measure sees the 250 ms: the check can fail.
    const raw = await decode(Buffer.from((await supertest(ctx.app).get(`/tracks/${part.trackId}/download`).buffer(true)).body), 'part.wav');
    const unaligned = medianOnsetGap(onsetTimesNear(channelSamples(raw, 0), 48000, PART_HZ), song);
    console.log(`the part as uploaded: median gap ${(unaligned * 1000).toFixed(1)} ms`);
    expect(unaligned).toBeGreaterThan(0.2);
  });
});

/** Reads every entry of a ZIP into memory (the test's files are small). */
function unzip(bytes: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e || !stream) return reject(e ?? new Error(`cannot read ${entry.fileName}`));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('end', () => {
            files.set(entry.fileName, Buffer.concat(chunks));
            zip.readEntry();
          });
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('stems', () => {
  it('streams a ZIP of aligned, equal-length FLAC stems, the master and mix.json to any listener', async () => {
    const res = await supertest(ctx.app)
      .get(`/posts/${postId}/stems.zip`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/zip');
    expect(res.headers['content-disposition']).toContain('attachment');
    const files = await unzip(res.body as Buffer);
    const stemNames = [`01 Guitar - ${author.nickname}.flac`, `02 Bass - ${bassist.nickname}.flac`];
    expect([...files.keys()].sort()).toEqual([...stemNames, 'Master v1.flac', 'mix.json'].sort());

    const mix = JSON.parse(files.get('mix.json')!.toString());
    const proposed = (await ctx.db('contributions').where({ id: part.id }).first()).proposed_offset_ms;
    expect(mix.tracks.map((t: { file: string; offsetMs: number }) => [t.file, t.offsetMs])).toEqual([[stemNames[0], 0], [stemNames[1], proposed]]);
    expect(mix.credits).toEqual([`Guitar — ${author.nickname}`, `Bass — ${bassist.nickname}`]);

    const stems = await Promise.all(stemNames.map((n) => decode(files.get(n)!, n)));
    const master = await decode(files.get('Master v1.flac')!, 'master.flac');
    const lengths = [...stems, master].map((s) => s.samples.length / 2);
    console.log(`stem lengths (samples): ${lengths.join(', ')}`);
    expect(new Set(lengths).size).toBe(1);
    expect(lengths[0]).toBe(mix.lengthSamples);
    const songOnsets = onsetTimesNear(channelSamples(stems[0]!, 0), 48000, SONG_HZ);
    const partOnsets = onsetTimesNear(channelSamples(stems[1]!, 0), 48000, PART_HZ);
    const gap = medianOnsetGap(partOnsets, songOnsets);
    console.log(`stems: ${songOnsets.length} song onsets, ${partOnsets.length} part onsets, median gap ${(gap * 1000).toFixed(1)} ms`);
    expect(gap).toBeLessThanOrEqual(0.01);
  });

  it('answers 404 for a song without a master', async () => {
    const other = await buildPost(author, { title: 'No master yet' });
    const res = await supertest(ctx.app).get(`/posts/${other.id}/stems.zip`).set('Accept', 'application/json');
    expect(res.status).toBe(404);
  });
});
