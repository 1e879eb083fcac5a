import { describeClipping, type ClippingResult } from './clipping.js';
import { formatClock } from './clock.js';
import type { Loudness } from './loudness.js';
import type { AudioProbe } from './probe.js';

/** What the server knows about an uploaded part once it has been analysed. */
export type PartAnalysis = AudioProbe & {
  loudness?: Loudness | null;
  clipping?: ClippingResult | null;
};

export interface PartWarning {
  code: 'sample_rate_mismatch' | 'length_mismatch' | 'clipping';
  message: string;
}

/** Parts recorded against the song differ by encoder padding and a breath at the end; more is a real mismatch. */
export const LENGTH_TOLERANCE_MS = 500;

/**
 * Things the contributor should hear about before the author mixes the part in.
 * None of them blocks the upload: the mixdown resamples and pads anyway.
 */
export function checkPartAgainstSong(part: PartAnalysis, song: AudioProbe): PartWarning[] {
  const warnings: PartWarning[] = [];
  if (part.sampleRate !== song.sampleRate) {
    warnings.push({
      code: 'sample_rate_mismatch',
      message: `sample rate ${part.sampleRate} Hz differs from the song's ${song.sampleRate} Hz`,
    });
  }
  const differenceMs = part.durationMs - song.durationMs;
  if (Math.abs(differenceMs) > LENGTH_TOLERANCE_MS) {
    warnings.push({
      code: 'length_mismatch',
      message:
        `${formatClock(part.durationMs)} long, the song is ${formatClock(song.durationMs)} ` +
        `(${formatDifference(Math.abs(differenceMs))} ${differenceMs < 0 ? 'shorter' : 'longer'})`,
    });
  }
  const clipping = part.clipping ? describeClipping(part.clipping) : null;
  if (clipping) warnings.push({ code: 'clipping', message: clipping });
  return warnings;
}

/** Whole seconds from 10 s up ("18 s"), one decimal below ("0.7 s"). */
function formatDifference(ms: number): string {
  const seconds = ms / 1000;
  return seconds >= 10 ? `${Math.round(seconds)} s` : `${seconds.toFixed(1)} s`;
}
