import { formatClock, formatSeconds } from './clock.js';
import { streamFloat32 } from './decode.js';
import { probeAudio, type AudioProbe } from './probe.js';
import type { AudioTools } from './tools.js';

export interface ClippedRun {
  startMs: number;
  durationMs: number;
}

export interface ClippingResult {
  /** Clipped stretches in time order, close ones merged. */
  runs: ClippedRun[];
  /** Sum of the runs' durations. */
  totalClippedMs: number;
}

export interface ClippingOptions {
  /** |sample| at or above this counts as full scale. */
  threshold?: number;
  /** Runs shorter than this (after merging) are ignored. */
  minRunMs?: number;
  /** Runs closer than this are one run: a clipped tone flattens every half-cycle. */
  mergeGapMs?: number;
}

/**
 * A single full-scale sample is what peak normalisation produces; clipping flattens
 * the wave, i.e. several samples in a row sit at full scale (the usual meter rule).
 */
const MIN_CONSECUTIVE_FRAMES = 3;

export const CLIPPING_DEFAULTS = { threshold: 0.999, minRunMs: 0, mergeGapMs: 50 } as const;

/** Finds where the file sits at full scale, in any channel, at its own sample rate. */
export async function detectClipping(
  tools: AudioTools,
  input: string,
  { threshold = CLIPPING_DEFAULTS.threshold, minRunMs = CLIPPING_DEFAULTS.minRunMs, mergeGapMs = CLIPPING_DEFAULTS.mergeGapMs, probe }: ClippingOptions & { probe?: AudioProbe } = {},
): Promise<ClippingResult> {
  const { sampleRate, channels } = probe ?? (await probeAudio(tools, input));
  const tracker = createClipTracker({ sampleRate, channels, threshold, mergeGapMs });
  await streamFloat32(tools, input, { sampleRate, channels }, tracker.push);
  return clippingResult(tracker.finish(), minRunMs);
}

export function clippingResult(merged: ClippedRun[], minRunMs = 0): ClippingResult {
  const runs = merged.filter((run) => run.durationMs >= minRunMs);
  return { runs, totalClippedMs: runs.reduce((sum, run) => sum + run.durationMs, 0) };
}

/**
 * Folds interleaved samples, chunk by chunk, into merged clipped runs; memory grows
 * with the number of merged runs, not with the file.
 */
export function createClipTracker(options: {
  sampleRate: number;
  channels: number;
  threshold: number;
  mergeGapMs: number;
}): { push: (samples: Float32Array) => void; finish: () => ClippedRun[] } {
  const { sampleRate, channels, threshold } = options;
  const mergeGapFrames = Math.round((options.mergeGapMs / 1000) * sampleRate);
  const merged: Array<[start: number, end: number]> = [];
  let frame = 0;
  let streakStart = -1;

  const closeStreak = (end: number): void => {
    if (streakStart >= 0 && end - streakStart >= MIN_CONSECUTIVE_FRAMES) {
      const last = merged.at(-1);
      if (last && streakStart - last[1] <= mergeGapFrames) last[1] = end;
      else merged.push([streakStart, end]);
    }
    streakStart = -1;
  };

  return {
    push(samples) {
      for (let i = 0; i < samples.length; i += channels, frame++) {
        let clipped = false;
        for (let c = 0; c < channels; c++) {
          if (Math.abs(samples[i + c] ?? 0) >= threshold) clipped = true;
        }
        if (clipped) {
          if (streakStart < 0) streakStart = frame;
        } else {
          closeStreak(frame);
        }
      }
    },
    finish() {
      closeStreak(frame);
      return merged.map(([start, end]) => ({
        startMs: Math.round((start / sampleRate) * 1000),
        durationMs: Math.round(((end - start) / sampleRate) * 1000),
      }));
    },
  };
}

/**
 * One line for the uploader, e.g. "clipped for 0.4 s at 1:02", or with several runs
 * "clipped for 1.3 s in 3 places, the longest at 1:02". Null when nothing clipped.
 */
export function describeClipping(result: ClippingResult): string | null {
  const longest = result.runs.reduce<ClippedRun | null>(
    (best, run) => (!best || run.durationMs > best.durationMs ? run : best),
    null,
  );
  if (!longest) return null;
  const total = formatSeconds(result.totalClippedMs);
  if (result.runs.length === 1) return `clipped for ${total} at ${formatClock(longest.startMs)}`;
  return `clipped for ${total} in ${result.runs.length} places, the longest at ${formatClock(longest.startMs)}`;
}
