import { hasOnsets, onsetHopSeconds, parabolicPeak, standardise } from './onsets.js';

/** Alignment looks this far either way: a part exported from a DAW a bar off is not its job. */
export const ALIGNMENT_RANGE_MS = 1000;
/** Peaks closer than this to the best one are its own shoulders, not a rival. */
const RIVAL_DISTANCE_MS = 40;
/** A floor: below this the envelopes hardly share an onset. */
const MIN_PEAK = 0.12;
/**
 * 1 − rival/peak: above this the best lag clearly beats every other one. Measured in
 * analysis.test.ts: the song's own rhythm on another pitch 0.32 (its rival is the lag one
 * sixteenth away, where many hits still meet), a different irregular rhythm 0.015.
 */
export const CONFIDENCE_THRESHOLD = 0.15;

export interface AlignmentEstimate {
  /** How late the part's audio sounds against the song, ms (negative: early). */
  lagMs: number;
  /** Normalised cross-correlation at that lag (−1..1). */
  peak: number;
  /** 0..1: how clearly the best lag beats the next best one further away. */
  confidence: number;
  /** True when the estimate is clear enough to propose as an offset. */
  confident: boolean;
}

/**
 * Where the part's onsets line up best with the song's: the normalised cross-correlation
 * of the two onset envelopes over lags within ±ALIGNMENT_RANGE_MS, refined between hops by
 * a parabola. Confidence compares the peak with the best lag at least RIVAL_DISTANCE_MS
 * away; a regular pulse (every beat alike) or unrelated audio gives a rival close to the
 * peak, and the answer is then "could not tell".
 */
export function estimateAlignment(song: Float64Array, part: Float64Array): AlignmentEstimate {
  if (!hasOnsets(song) || !hasOnsets(part)) return { lagMs: 0, peak: 0, confidence: 0, confident: false };
  const a = standardise(song);
  const b = standardise(part);
  const maxLag = Math.round(ALIGNMENT_RANGE_MS / 1000 / onsetHopSeconds);
  const scores = new Float64Array(2 * maxLag + 1);
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    // part[i + lag] against song[i]: a part that sounds `lag` hops late matches there.
    const from = Math.max(0, -lag);
    const to = Math.min(a.length, b.length - lag);
    let sum = 0;
    for (let i = from; i < to; i++) sum += a[i]! * b[i + lag]!;
    scores[lag + maxLag] = to > from ? sum / (to - from) : 0;
  }
  let best = 0;
  for (let i = 1; i < scores.length; i++) if (scores[i]! > scores[best]!) best = i;
  const rivalHops = Math.round(RIVAL_DISTANCE_MS / 1000 / onsetHopSeconds);
  let rival = -Infinity;
  for (let i = 0; i < scores.length; i++) if (Math.abs(i - best) > rivalHops && scores[i]! > rival) rival = scores[i]!;
  const peak = scores[best]!;
  const refine = best > 0 && best < scores.length - 1 ? parabolicPeak(scores[best - 1]!, peak, scores[best + 1]!) : 0;
  const lagMs = Math.round((best - maxLag + refine) * onsetHopSeconds * 1000);
  const confidence = peak > 0 ? Math.max(0, Math.min(1, 1 - Math.max(0, rival) / peak)) : 0;
  return { lagMs, peak, confidence, confident: peak >= MIN_PEAK && confidence >= CONFIDENCE_THRESHOLD };
}
