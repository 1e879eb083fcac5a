import { CLIPPING_DEFAULTS, clippingResult, createClipTracker, type ClippingResult } from './clipping.js';
import { streamFloat32 } from './decode.js';
import { createPeakFolder, type WaveformPeaks } from './peaks.js';
import type { AudioProbe } from './probe.js';
import type { AudioTools } from './tools.js';

/**
 * Waveform peaks and clipping from one decode of the file: each ffmpeg run costs a
 * process start (about 0.2 s of CPU for Debian's build) and a full decode, and a burst of
 * uploads is paid for in those.
 */
export async function scanSamples(
  tools: AudioTools,
  input: string,
  probe: AudioProbe,
  { points }: { points: number },
): Promise<{ peaks: WaveformPeaks; clipping: ClippingResult }> {
  const peaks = createPeakFolder(probe, points);
  const clips = createClipTracker({ sampleRate: probe.sampleRate, channels: probe.channels, threshold: CLIPPING_DEFAULTS.threshold, mergeGapMs: CLIPPING_DEFAULTS.mergeGapMs });
  const frames = await streamFloat32(tools, input, probe, (samples) => {
    peaks.push(samples);
    clips.push(samples);
  });
  return { peaks: peaks.finish(frames), clipping: clippingResult(clips.finish()) };
}
