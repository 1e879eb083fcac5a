import { streamFloat32 } from './decode.js';
import { probeAudio, type AudioProbe } from './probe.js';
import type { AudioTools } from './tools.js';

/**
 * Waveform peaks in the audiowaveform JSON layout (version 2), which wavesurfer.js and
 * peaks.js read:
 *
 *   { version: 2, channels: 1, sample_rate: 48000, samples_per_pixel: 72, bits: 8,
 *     length: 2000, data: [min0, max0, min1, max1, …] }
 *
 * - `data` has `2 * length` numbers: for each pixel the lowest then the highest sample,
 *   as floats in -1..1 rounded to 3 decimals (the 8-bit precision `bits` announces,
 *   but unscaled, so a client needs no division). Silence is all zeros.
 * - `channels` is 1: each pixel covers every channel of the file (the envelope of all
 *   of them), so an out-of-phase stereo part does not cancel to a flat line.
 * - `sample_rate` is the file's own; `samples_per_pixel` is the average frames per
 *   pixel (pixels differ by at most a few percent, because the decoded length is only
 *   known at the end).
 * - `length` is the requested number of points, or the number of frames when the
 *   file has fewer.
 */
export interface WaveformPeaks {
  version: 2;
  channels: 1;
  sample_rate: number;
  samples_per_pixel: number;
  bits: 8;
  length: number;
  data: number[];
}

/** Fine buckets per final point: makes the final bucketing independent of the probed duration. */
const FINE_BUCKETS_PER_POINT = 16;

export async function computePeaks(
  tools: AudioTools,
  input: string,
  { points = 2000, probe }: { points?: number; probe?: AudioProbe } = {},
): Promise<WaveformPeaks> {
  const format = probe ?? (await probeAudio(tools, input));
  const folder = createPeakFolder(format, points);
  return folder.finish(await streamFloat32(tools, input, format, folder.push));
}

/**
 * Folds interleaved samples, chunk by chunk, into `points` min/max pairs; `finish` takes
 * the number of frames decoded. Memory grows with the points, not with the file.
 */
export function createPeakFolder(
  { sampleRate, channels, durationMs }: Pick<AudioProbe, 'sampleRate' | 'channels' | 'durationMs'>,
  points: number,
): { push: (samples: Float32Array) => void; finish: (totalFrames: number) => WaveformPeaks } {
  if (!Number.isInteger(points) || points < 1) throw new RangeError(`points must be a positive integer, got ${points}`);
  const expectedFrames = Math.round((durationMs / 1000) * sampleRate);
  const framesPerFine = Math.max(1, Math.floor(expectedFrames / (points * FINE_BUCKETS_PER_POINT)));

  // Min/max per fine bucket, folded as the decoder streams.
  const fineMin: number[] = [];
  const fineMax: number[] = [];
  let frameIndex = 0;
  let lo = Infinity;
  let hi = -Infinity;

  const push = (samples: Float32Array) => {
    for (let i = 0; i < samples.length; i += channels) {
      for (let c = 0; c < channels; c++) {
        const x = samples[i + c] ?? 0;
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      frameIndex++;
      if (frameIndex % framesPerFine === 0) {
        fineMin.push(lo);
        fineMax.push(hi);
        lo = Infinity;
        hi = -Infinity;
      }
    }
  };

  const finish = (totalFrames: number): WaveformPeaks => {
    if (lo !== Infinity) {
      fineMin.push(lo);
      fineMax.push(hi);
    }
    const length = Math.min(points, fineMin.length);
    const data: number[] = new Array<number>(2 * length);
    for (let p = 0; p < length; p++) {
      const from = Math.floor((p * fineMin.length) / length);
      const to = Math.floor(((p + 1) * fineMin.length) / length);
      let min = Infinity;
      let max = -Infinity;
      for (let f = from; f < to; f++) {
        min = Math.min(min, fineMin[f] ?? 0);
        max = Math.max(max, fineMax[f] ?? 0);
      }
      data[2 * p] = roundSample(min);
      data[2 * p + 1] = roundSample(max);
    }
    return {
      version: 2,
      channels: 1,
      sample_rate: sampleRate,
      samples_per_pixel: Math.max(1, Math.round(totalFrames / Math.max(1, length))),
      bits: 8,
      length,
      data,
    };
  };
  return { push, finish };
}

function roundSample(x: number): number {
  // Decoders may overshoot full scale slightly; `+ 0` turns -0 into 0.
  return Math.round(Math.min(1, Math.max(-1, x)) * 1000) / 1000 + 0;
}
