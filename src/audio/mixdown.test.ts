import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeLavfiAudio, writeTone } from '../../test/fixtures-audio.js';
import { AudioError } from './audio-error.js';
import { channelSamples, decodeToFloat32, type DecodedAudio } from './decode.js';
import { measureLoudness } from './loudness.js';
import { renderMixdown, type MixdownInput } from './mixdown.js';
import { probeAudio } from './probe.js';
import { toneLevelDb } from './spectrum.js';

const LEFT = 0;
const RIGHT = 1;

/** Level of a tone in one channel, over 0.25–2.25 s where both test tracks play. */
function level(master: DecodedAudio, channel: number, frequencyHz: number): number {
  return toneLevelDb(channelSamples(master, channel, 0.25, 2.25), master.sampleRate, frequencyHz);
}

describe.each(audioToolSets())('renderMixdown with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;
  let author: string;
  let contribution: string;
  let n = 0;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
    // The author's stereo take at 48 kHz, 3 s; a mono part at 44.1 kHz, 2.5 s.
    author = await writeTone(tools, join(temp.dir, 'author.wav'), { frequencyHz: 440, amplitude: 0.25, seconds: 3, channels: 2 });
    contribution = await writeTone(tools, join(temp.dir, 'part.flac'), { frequencyHz: 660, amplitude: 0.25, seconds: 2.5, sampleRate: 44100 });
  });
  afterAll(() => temp.remove());

  async function mix(inputs: MixdownInput[]) {
    const outputPath = join(temp.dir, `master-${n++}.flac`);
    const result = await renderMixdown(tools, { inputs, outputPath });
    return { result, outputPath, master: await decodeToFloat32(tools, outputPath) };
  }
  const track = (path: string, overrides: Partial<MixdownInput> = {}): MixdownInput => ({ path, gainDb: 0, pan: 0, muted: false, ...overrides });

  it('sums both parts at equal level into a -14 LUFS master as long as the longest part', async () => {
    const { result, outputPath, master } = await mix([track(author), track(contribution)]);

    expect(Math.abs(level(master, LEFT, 440) - level(master, LEFT, 660))).toBeLessThan(1);
    expect(Math.abs(level(master, RIGHT, 440) - level(master, RIGHT, 660))).toBeLessThan(1);
    const probe = await probeAudio(tools, outputPath);
    expect(probe).toMatchObject({ codec: 'flac', sampleRate: 48000, channels: 2 });
    expect(Math.abs(probe.durationMs - 3000)).toBeLessThanOrEqual(20);
    expect(result.durationMs).toBe(probe.durationMs);

    const measured = await measureLoudness(tools, outputPath);
    expect(Math.abs(measured.integratedLufs! + 14)).toBeLessThanOrEqual(1);
    expect(measured.truePeakDb!).toBeLessThanOrEqual(-1 + 0.1);
    expect(result.integratedLufs).toBe(measured.integratedLufs);
    expect(result.truePeakDb).toBe(measured.truePeakDb);
  });

  it('leaves a muted part out entirely, its length included', async () => {
    const withoutPart = await mix([track(author), track(contribution, { muted: true })]);
    expect(level(withoutPart.master, LEFT, 660)).toBeLessThan(level(withoutPart.master, LEFT, 440) - 40);
    expect(Math.abs(withoutPart.result.durationMs - 3000)).toBeLessThanOrEqual(20);

    const withoutAuthor = await mix([track(author, { muted: true }), track(contribution)]);
    expect(level(withoutAuthor.master, LEFT, 440)).toBeLessThan(level(withoutAuthor.master, LEFT, 660) - 40);
    expect(Math.abs(withoutAuthor.result.durationMs - 2500)).toBeLessThanOrEqual(20);
  });

  it('applies a part gain of -12 dB relative to the others', async () => {
    const { master } = await mix([track(author), track(contribution, { gainDb: -12 })]);
    const difference = level(master, LEFT, 440) - level(master, LEFT, 660);
    expect(Math.abs(difference - 12)).toBeLessThanOrEqual(1.5);
  });

  it('keeps a sum above full scale clean until the loudness stage brings it down', async () => {
    // +12 dB on both parts peaks near 2.0 before normalisation; clipping there would
    // add intermodulation at 660 + 440 = 1100 Hz.
    const { result, master } = await mix([track(author, { gainDb: 12 }), track(contribution, { gainDb: 12 })]);
    expect(Math.abs(level(master, LEFT, 440) - level(master, LEFT, 660))).toBeLessThan(1);
    expect(level(master, LEFT, 1100)).toBeLessThan(level(master, LEFT, 440) - 80);
    expect(Math.abs(result.integratedLufs! + 14)).toBeLessThanOrEqual(1);
  });

  it('pans a part hard left: present on the left, gone on the right', async () => {
    const { master } = await mix([track(author), track(contribution, { pan: -1 })]);
    // Constant power: +3 dB on the left side, nothing on the right.
    expect(Math.abs(level(master, LEFT, 660) - level(master, LEFT, 440) - 3)).toBeLessThanOrEqual(1);
    expect(level(master, RIGHT, 660)).toBeLessThan(level(master, RIGHT, 440) - 30);
  });

  it('limits a peaky mix to the ceiling, still reaches the target, and keeps the timing', async () => {
    // A quiet tone from 0.5 s with one 5 ms full-scale burst: gain alone would clip.
    const peaky = await writeLavfiAudio(
      tools,
      join(temp.dir, 'peaky.wav'),
      "aevalsrc='0.1*sin(2*PI*440*t)*gte(t,0.5)+if(between(t,1.5,1.505),0.9*sin(2*PI*3000*t),0)|0.1*sin(2*PI*440*t)*gte(t,0.5)':s=48000:d=3",
      ['-c:a', 'pcm_f32le'],
    );
    const { result, master } = await mix([track(peaky)]);

    expect(result.truePeakDb!).toBeLessThanOrEqual(-1 + 0.1);
    expect(Math.abs(result.integratedLufs! + 14)).toBeLessThanOrEqual(1);
    expect(Math.abs(result.durationMs - 3000)).toBeLessThanOrEqual(20);
    // The limiter's lookahead must not shift the master against the tracks.
    const right = channelSamples(master, RIGHT);
    const onset = right.findIndex((x) => Math.abs(x) > 0.01);
    expect(Math.abs(onset - 0.5 * 48000)).toBeLessThanOrEqual(48);
  });

  it('refuses a mix with every track muted', async () => {
    const error = await renderMixdown(tools, {
      inputs: [track(author, { muted: true })],
      outputPath: join(temp.dir, 'none.flac'),
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AudioError);
    expect((error as AudioError).reason).toMatch(/unmute/i);
  });
});
