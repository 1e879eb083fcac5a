import { ANALYSIS_RATE } from './onsets.js';
import { createMagnitudeSpectrum, hann } from './fft.js';

/**
 * Key from a chroma profile and the Krumhansl–Kessler key profiles (Krumhansl 1990).
 * Hand-written: Debian's aubio tools give tempo and onsets but no key; essentia is AGPL
 * and libKeyFinder is a C++ library with no command-line tool. This is the textbook
 * method in a few lines, on the same decoded audio the onset analysis uses.
 */
const MAJOR = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
const MINOR = [6.33, 2.68, 3.52, 5.38, 2.6, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];
/** Spellings musicians use for each tonic (and the ones the post form offers). */
const MAJOR_NAMES = ['C', 'Db', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'Ab', 'A', 'Bb', 'B'];
const MINOR_NAMES = ['C', 'C#', 'D', 'Eb', 'E', 'F', 'F#', 'G', 'G#', 'A', 'Bb', 'B'];
const FRAME = 4096;
const LOW_HZ = 60;
const HIGH_HZ = 2000;

/** Energy per pitch class (C = 0 … B = 11) over the whole clip, summed from 4096-point spectra. */
export function chroma(samples: Float32Array): Float64Array {
  const window = hann(FRAME);
  const frame = new Float64Array(FRAME);
  const magnitudes = createMagnitudeSpectrum(FRAME);
  const pitchClassOfBin = new Int8Array(FRAME / 2 + 1).fill(-1);
  for (let k = 1; k <= FRAME / 2; k++) {
    const hz = (k * ANALYSIS_RATE) / FRAME;
    if (hz >= LOW_HZ && hz <= HIGH_HZ) pitchClassOfBin[k] = (((Math.round(12 * Math.log2(hz / 440)) + 9) % 12) + 12) % 12;
  }
  const profile = new Float64Array(12);
  for (let start = 0; start + FRAME <= samples.length; start += FRAME / 2) {
    for (let i = 0; i < FRAME; i++) frame[i] = samples[start + i]! * window[i]!;
    const spectrum = magnitudes(frame);
    for (let k = 0; k < spectrum.length; k++) {
      const pc = pitchClassOfBin[k]!;
      if (pc >= 0) profile[pc] = profile[pc]! + spectrum[k]! ** 2;
    }
  }
  return profile;
}

/** "C major", "A minor", … or null for silence; `strength` is the best profile correlation. */
export function estimateKey(samples: Float32Array): { key: string; strength: number } | null {
  const profile = chroma(samples);
  if (!profile.some((v) => v > 0)) return null;
  let best = { key: '', strength: -Infinity };
  for (let tonic = 0; tonic < 12; tonic++) {
    const rotated = Array.from(profile, (_, pc) => profile[(pc + tonic) % 12]!);
    const major = correlation(rotated, MAJOR);
    const minor = correlation(rotated, MINOR);
    if (major > best.strength) best = { key: `${MAJOR_NAMES[tonic]} major`, strength: major };
    if (minor > best.strength) best = { key: `${MINOR_NAMES[tonic]} minor`, strength: minor };
  }
  return best;
}

function correlation(x: readonly number[], y: readonly number[]): number {
  const mean = (v: readonly number[]) => v.reduce((s, a) => s + a, 0) / v.length;
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    sxy += (x[i]! - mx) * (y[i]! - my);
    sxx += (x[i]! - mx) ** 2;
    syy += (y[i]! - my) ** 2;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : 0;
}
