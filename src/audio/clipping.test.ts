import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audioToolSets, makeAudioTempDir, writeLavfiAudio, writeTone } from '../../test/fixtures-audio.js';
import { createClipTracker, describeClipping, detectClipping } from './clipping.js';

describe.each(audioToolSets())('detectClipping with $name ffmpeg', ({ tools }) => {
  let temp: Awaited<ReturnType<typeof makeAudioTempDir>>;

  beforeAll(async () => {
    temp = await makeAudioTempDir();
  });
  afterAll(() => temp.remove());

  it('finds one run where a clean take was driven into full scale from 1.0 s to 1.4 s', async () => {
    // ×4 between 1.0 and 1.4 s; 16-bit PCM then flattens it at full scale.
    const input = await writeLavfiAudio(
      tools,
      join(temp.dir, 'clipped.wav'),
      "aevalsrc='0.5*sin(2*PI*440*t)*if(between(t,1,1.4),4,1)':s=48000:d=3",
    );
    const result = await detectClipping(tools, input);
    expect(result.runs).toHaveLength(1);
    const [run] = result.runs;
    expect(Math.abs(run!.startMs - 1000)).toBeLessThanOrEqual(3);
    expect(Math.abs(run!.durationMs - 400)).toBeLessThanOrEqual(3);
    expect(result.totalClippedMs).toBe(run!.durationMs);
    expect(describeClipping(result)).toBe('clipped for 0.4 s at 0:01');
  });

  it('finds nothing in a clean take that peaks just under full scale', async () => {
    const input = await writeTone(tools, join(temp.dir, 'clean.flac'), { amplitude: 0.99, seconds: 2, channels: 2 });
    expect(await detectClipping(tools, input)).toEqual({ runs: [], totalClippedMs: 0 });
  });

  it('drops runs shorter than minRunMs', async () => {
    const input = await writeLavfiAudio(
      tools,
      join(temp.dir, 'short-clip.wav'),
      "aevalsrc='0.5*sin(2*PI*440*t)*if(between(t,0.5,0.52),4,1)':s=48000:d=1",
    );
    expect((await detectClipping(tools, input)).runs).toHaveLength(1);
    expect(await detectClipping(tools, input, { minRunMs: 50 })).toEqual({ runs: [], totalClippedMs: 0 });
  });
});

describe('createClipTracker', () => {
  const sampleRate = 1000;
  const track = (samples: number[], channels = 1) => {
    const tracker = createClipTracker({ sampleRate, channels, threshold: 0.999, mergeGapMs: 50 });
    // Feed in two chunks to cross a chunk boundary.
    const half = Math.floor(samples.length / 2 / channels) * channels;
    tracker.push(Float32Array.from(samples.slice(0, half)));
    tracker.push(Float32Array.from(samples.slice(half)));
    return tracker.finish();
  };
  const at = (length: number, clipped: Array<[number, number]>) =>
    Array.from({ length }, (_, i) => (clipped.some(([a, b]) => i >= a && i < b) ? -1 : 0.2));

  it('ignores one or two full-scale samples in a row', () => {
    expect(track(at(1000, [[100, 101], [300, 302]]))).toEqual([]);
  });

  it('merges runs closer than the gap and keeps distant ones apart', () => {
    expect(track(at(1000, [[100, 110], [140, 150], [400, 420]]))).toEqual([
      { startMs: 100, durationMs: 50 },
      { startMs: 400, durationMs: 20 },
    ]);
  });

  it('counts a frame as clipped when any channel is', () => {
    const stereo = at(100, [[10, 20]]).flatMap((x) => [0.1, x]);
    expect(track(stereo, 2)).toEqual([{ startMs: 10, durationMs: 10 }]);
  });

  it('closes a run that lasts to the end of the file', () => {
    expect(track(at(100, [[90, 100]]))).toEqual([{ startMs: 90, durationMs: 10 }]);
  });
});

describe('describeClipping', () => {
  it('gives total seconds and the longest run as m:ss', () => {
    expect(describeClipping({ runs: [{ startMs: 62_000, durationMs: 400 }], totalClippedMs: 400 })).toBe('clipped for 0.4 s at 1:02');
    expect(
      describeClipping({
        runs: [
          { startMs: 5_000, durationMs: 100 },
          { startMs: 3_725_000, durationMs: 1_200 },
        ],
        totalClippedMs: 1_300,
      }),
    ).toBe('clipped for 1.3 s in 2 places, the longest at 1:02:05');
  });

  it('never says 0.0 s, and says nothing for a clean file', () => {
    expect(describeClipping({ runs: [{ startMs: 1_000, durationMs: 3 }], totalClippedMs: 3 })).toBe('clipped for less than 0.1 s at 0:01');
    expect(describeClipping({ runs: [], totalClippedMs: 0 })).toBeNull();
  });
});
