import { hasOnsets, onsetHopSeconds, parabolicPeak, standardise } from './onsets.js';

const MIN_BPM = 50;
const MAX_BPM = 220;
/** The tempo prior's centre and width (octaves): listeners tap near 120 BPM (Moelants 2002; Ellis 2007 uses the same prior). */
const PRIOR_BPM = 120;
const PRIOR_OCTAVES = 1;

/**
 * Hand-written rather than `aubio tempo`: the onset envelope is already computed for
 * alignment, and aubio-tools would bring Python and NumPy into the image for one number.
 *
 * Tempo from the onset envelope's autocorrelation: the beat period is the lag where the
 * rhythm repeats best, weighted by a log-Gaussian prior so the beat wins over the bar or
 * the eighth note, then refined on the fourth multiple of that lag (a bar in 4/4), where
 * a one-hop error is four times smaller. Returns null when there is no rhythm to speak of.
 */
export function estimateTempo(envelope: Float64Array): number | null {
  if (!hasOnsets(envelope)) return null;
  const e = standardise(envelope);
  const lagOf = (bpm: number) => 60 / bpm / onsetHopSeconds;
  const minLag = Math.floor(lagOf(MAX_BPM));
  // Lags up to half the envelope: beyond that too few pairs are left to trust.
  const maxLag = Math.min(Math.ceil(lagOf(MIN_BPM)) * 4 + 2, Math.floor(e.length / 2));
  if (maxLag < 2 * Math.ceil(lagOf(MIN_BPM)) + 1) return null;
  const ac = new Float64Array(maxLag + 2);
  for (let lag = minLag; lag <= maxLag + 1; lag++) {
    let sum = 0;
    for (let i = 0; i + lag < e.length; i++) sum += e[i]! * e[i + lag]!;
    ac[lag] = sum / (e.length - lag);
  }
  let best = -1;
  let bestScore = 0;
  for (let lag = minLag; lag <= Math.ceil(lagOf(MIN_BPM)); lag++) {
    const octaves = Math.log2(60 / (lag * onsetHopSeconds) / PRIOR_BPM);
    const prior = Math.exp(-0.5 * (octaves / PRIOR_OCTAVES) ** 2);
    const score = prior * (ac[lag]! + 0.5 * (ac[2 * lag] ?? 0));
    if (score > bestScore) [best, bestScore] = [lag, score];
  }
  if (best < 0 || ac[best]! < 0.05) return null;
  // The peak near 4 × the beat lag (or 2 × in a short clip), found to the hop and then between hops.
  const times = [4, 2, 1].find((m) => m * best + 4 <= maxLag) ?? 1;
  let bar = times * best;
  for (let lag = bar - times; lag <= times * best + times; lag++) if (lag <= maxLag && ac[lag]! > ac[bar]!) bar = lag;
  const exact = (bar + parabolicPeak(ac[bar - 1]!, ac[bar]!, ac[bar + 1]!)) / times;
  return Math.round((600 / (exact * onsetHopSeconds))) / 10;
}
