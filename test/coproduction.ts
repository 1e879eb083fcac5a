import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { channelSamples, decodeToFloat32 } from '../src/audio/decode.js';
import { toneLevelDb } from '../src/audio/spectrum.js';
import { getObject } from '../src/storage/s3.js';
import type { TestContext } from './context.js';
import { eventually } from './context.js';
import type { SignedIn } from './factories.js';

/** Uploads a part through the real form and returns its contribution row id and track id. */
export async function addContribution(user: SignedIn, postId: number, audio: { buffer: Buffer; name: string }, fields: { instrument?: string; note?: string } = {}) {
  const res = await user.agent
    .post(`/posts/${postId}/contributions`)
    .set('X-CSRF-Token', user.csrf)
    .set('Accept', 'application/json')
    .field('instrument', fields.instrument ?? 'bass')
    .field('note', fields.note ?? '')
    .attach('audio', audio.buffer, audio.name);
  if (res.status !== 201) throw new Error(`contribution failed: ${res.status} ${res.text.slice(0, 300)}`);
  return res.body as { id: number; trackId: string };
}

export async function waitForTrack(ctx: TestContext, trackId: string, status: 'ready' | 'failed' = 'ready') {
  return eventually(() => ctx.db('tracks').where({ id: trackId }).first('id', 'status', 'failure_reason', 'warnings', 'stream_key', 'peaks_key'), {
    until: (t) => t?.status === status,
    what: `track ${trackId} to be ${status}`,
  }).then(() => ctx.db('tracks').where({ id: trackId }).first());
}

export async function waitForVersion(ctx: TestContext, versionId: number) {
  return eventually(() => ctx.db('mix_versions').where({ id: versionId }).first(), {
    until: (v) => v !== undefined && v.status !== 'rendering',
    what: `mix version ${versionId} to finish rendering`,
  });
}

export async function saveMix(author: SignedIn, postId: number, tracks: Array<{ trackId: string; gainDb: number; pan: number; muted: boolean }>) {
  return author.agent.post(`/posts/${postId}/mix`).set('X-CSRF-Token', author.csrf).set('Accept', 'application/json').send({ tracks });
}

/** Downloads a master's original (FLAC) from S3 and measures two tones per channel. */
export async function measureMaster(ctx: TestContext, masterTrackId: string, frequencies: number[]) {
  const track = await ctx.db('tracks').where({ id: masterTrackId }).first();
  const object = await getObject(ctx.storage, track.original_key);
  const file = path.join(tmpdir(), `master-${randomBytes(4).toString('hex')}.flac`);
  await writeFile(file, Buffer.from(await object.Body!.transformToByteArray()));
  const audio = await decodeToFloat32(ctx.config.audio, file, { sampleRate: 48000, channels: 2 });
  // Skip the edges, where fades and limiter attack live.
  const seconds = audio.samples.length / 2 / 48000;
  const left = channelSamples(audio, 0, 0.5, seconds - 0.5);
  const right = channelSamples(audio, 1, 0.5, seconds - 0.5);
  const level = (samples: Float32Array, f: number) => toneLevelDb(samples, 48000, f);
  return Object.fromEntries(frequencies.map((f) => [f, { left: level(left, f), right: level(right, f) }])) as Record<number, { left: number; right: number }>;
}
