import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeTone } from '../../test/fixtures-audio.js';
import { channelSamples, decodeToFloat32 } from './decode.js';
import { renderMixdown } from './mixdown.js';

/** Index of the first sample louder than −40 dBFS. */
const firstSound = (samples: Float32Array) => samples.findIndex((v) => Math.abs(v) > 0.01);

describe.each(audioToolSets())('offsets in the mixdown with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;
  let burst: string;
  beforeAll(async () => {
    temp = await makeAudioTempDir();
    // Silence, then a 1 kHz tone from exactly 0.5 s (sample 24 000 at 48 kHz) to the end at 2 s.
    burst = await writeTone(tools, join(temp.dir, 'burst.wav'), { frequencyHz: 1000, amplitude: 0.5, seconds: 2, startAt: 0.5 });
  });
  afterAll(() => temp.remove());

  it.each([
    [37, 24000 + 37 * 48],
    [-120, 24000 - 120 * 48],
    [0, 24000],
  ])('starts a track moved by %i ms at the exact sample', async (offsetMs, expected) => {
    const outputPath = join(temp.dir, `offset${offsetMs}.wav`);
    const result = await renderMixdown(tools, { inputs: [{ path: burst, gainDb: 0, pan: 0, muted: false, offsetMs }], outputPath });
    const master = await decodeToFloat32(tools, outputPath, { sampleRate: 48000, channels: 2 });
    const start = firstSound(channelSamples(master, 0));
    expect(Math.abs(start - expected)).toBeLessThanOrEqual(2);
    // Alone in the mix, the track's shifted end is the master's end.
    expect(Math.abs(result.durationMs - (2000 + offsetMs))).toBeLessThanOrEqual(2);
  });

  it('moves one track of several later (adelay beside amerge), each side starting at its own sample', async () => {
    // Hard left as it is, hard right 37 ms later: with two tracks the sum goes through amerge,
    // which refused adelay's output on Debian's ffmpeg 5.1 ("No channel layout for input").
    const outputPath = join(temp.dir, 'two-tracks.wav');
    await renderMixdown(tools, {
      inputs: [
        { path: burst, gainDb: 0, pan: -1, muted: false, offsetMs: 0 },
        { path: burst, gainDb: 0, pan: 1, muted: false, offsetMs: 37 },
      ],
      outputPath,
    });
    const master = await decodeToFloat32(tools, outputPath, { sampleRate: 48000, channels: 2 });
    expect(Math.abs(firstSound(channelSamples(master, 0)) - 24000)).toBeLessThanOrEqual(2);
    expect(Math.abs(firstSound(channelSamples(master, 1)) - (24000 + 37 * 48))).toBeLessThanOrEqual(2);
  });
});
