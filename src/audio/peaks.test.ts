import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeLavfiAudio, writeTone } from '../../test/fixtures-audio.js';
import { computePeaks } from './peaks.js';

describe.each(audioToolSets())('computePeaks with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
  });
  afterAll(() => temp.remove());

  it('gives zeros for silence, in the audiowaveform layout', async () => {
    const silence = await writeLavfiAudio(tools, join(temp.dir, 'silence.wav'), 'anullsrc=r=44100:cl=stereo', ['-t', '3']);
    const peaks = await computePeaks(tools, silence);
    expect(peaks).toMatchObject({ version: 2, channels: 1, sample_rate: 44100, bits: 8, length: 2000 });
    expect(peaks.samples_per_pixel).toBe(Math.round((3 * 44100) / 2000));
    expect(peaks.data).toHaveLength(4000);
    expect(peaks.data.every((x) => x === 0)).toBe(true);
  });

  it('reaches ±1 for a full-scale sine, min then max for each point', async () => {
    const sine = await writeTone(tools, join(temp.dir, 'full.wav'), { amplitude: 1, seconds: 2, sampleRate: 48000 });
    const peaks = await computePeaks(tools, sine, { points: 500 });
    expect(peaks.length).toBe(500);
    const mins = peaks.data.filter((_, i) => i % 2 === 0);
    const maxes = peaks.data.filter((_, i) => i % 2 === 1);
    expect(Math.max(...mins)).toBeLessThanOrEqual(-0.99);
    expect(Math.min(...maxes)).toBeGreaterThanOrEqual(0.99);
    expect(peaks.data.every((x) => x >= -1 && x <= 1)).toBe(true);
  });

  it('follows the level: a quiet first half and a loud second half', async () => {
    const input = await writeLavfiAudio(
      tools,
      join(temp.dir, 'step.flac'),
      "aevalsrc='0.1*sin(2*PI*300*t)*(1+4*gte(t,1))':s=48000:d=2",
    );
    const peaks = await computePeaks(tools, input, { points: 100 });
    const maxes = peaks.data.filter((_, i) => i % 2 === 1);
    expect(maxes.slice(5, 45).every((x) => x > 0.09 && x < 0.11)).toBe(true);
    expect(maxes.slice(55, 95).every((x) => x > 0.49 && x < 0.51)).toBe(true);
  });

  it('covers every channel, so out-of-phase stereo does not cancel', async () => {
    const input = await writeLavfiAudio(
      tools,
      join(temp.dir, 'phase.wav'),
      "aevalsrc='0.5*sin(2*PI*440*t)|-0.5*sin(2*PI*440*t)':s=48000:d=1",
    );
    const peaks = await computePeaks(tools, input, { points: 50 });
    expect(Math.min(...peaks.data.filter((_, i) => i % 2 === 1))).toBeGreaterThan(0.45);
  });

  it('returns one point per frame for a file shorter than the points asked for', async () => {
    const noise = await writeLavfiAudio(tools, join(temp.dir, 'blip.wav'), 'anoisesrc=a=0.5:c=white:r=8000', ['-t', '0.01']);
    const peaks = await computePeaks(tools, noise, { points: 2000 });
    expect(peaks.length).toBe(80);
    expect(peaks.samples_per_pixel).toBe(1);
    expect(peaks.data).toHaveLength(160);
    expect(peaks.data.some((x) => x !== 0)).toBe(true);
  });
});
