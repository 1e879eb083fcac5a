import { decodeToFloat32 } from './decode.js';
import { createMagnitudeSpectrum, hann } from './fft.js';
import type { AudioTools } from './tools.js';

/** Analyses run on mono audio at this rate: enough for rhythm and pitch up to ~5 kHz, 4× less work than 44.1 kHz. */
export const ANALYSIS_RATE = 11025;
/** Onset envelope hop: 22 samples ≈ 2 ms, fine enough for ±10 ms alignment and ±0.5 BPM at 120. */
export const ONSET_HOP = 22;
const ONSET_WINDOW = 512;
/** Analyses look at the start of a track; a song's groove is there, and the cost stays bounded. */
export const ANALYSIS_SECONDS = 90;

/** The first ANALYSIS_SECONDS of a file as mono float PCM at ANALYSIS_RATE. */
export async function decodeForAnalysis(tools: AudioTools, path: string): Promise<Float32Array> {
  const audio = await decodeToFloat32(tools, path, { sampleRate: ANALYSIS_RATE, channels: 1, maxSeconds: ANALYSIS_SECONDS });
  return audio.samples;
}

/** Seconds per value of an onset envelope. */
export const onsetHopSeconds = ONSET_HOP / ANALYSIS_RATE;

/**
 * Spectral flux: for each hop, how much louder each frequency bin got than one hop
 * before (log-compressed, rises only), summed. It peaks where notes and hits start,
 * whatever their pitch, so a bass line and a guitar playing the same rhythm give
 * similar envelopes. Value i describes the frame starting at sample i·ONSET_HOP.
 */
export function onsetEnvelope(samples: Float32Array): Float64Array {
  const frames = Math.max(0, Math.floor((samples.length - ONSET_WINDOW) / ONSET_HOP) + 1);
  const envelope = new Float64Array(frames);
  const window = hann(ONSET_WINDOW);
  const frame = new Float64Array(ONSET_WINDOW);
  const magnitudes = createMagnitudeSpectrum(ONSET_WINDOW);
  let spectrum = new Float64Array(ONSET_WINDOW / 2 + 1);
  let previous = new Float64Array(ONSET_WINDOW / 2 + 1);
  for (let f = 0; f < frames; f++) {
    const start = f * ONSET_HOP;
    for (let i = 0; i < ONSET_WINDOW; i++) frame[i] = (samples[start + i] ?? 0) * window[i]!;
    const raw = magnitudes(frame);
    for (let k = 0; k < raw.length; k++) spectrum[k] = Math.log1p(100 * raw[k]!);
    if (f > 0) {
      let flux = 0;
      for (let k = 1; k < spectrum.length; k++) flux += Math.max(0, spectrum[k]! - previous[k]!);
      envelope[f] = flux;
    }
    [previous, spectrum] = [spectrum, previous];
  }
  // The window starts at the frame's first sample but "hears" an onset half a window in;
  // shift by that so envelope times match the audio's times.
  return shift(envelope, Math.round(ONSET_WINDOW / 2 / ONSET_HOP));
}

function shift(envelope: Float64Array, by: number): Float64Array {
  const out = new Float64Array(envelope.length);
  out.set(envelope.subarray(0, Math.max(0, envelope.length - by)), by);
  return out;
}

/**
 * Whether the envelope has onsets at all: its loudest 1 % of hops stand well above its
 * mean. A steady tone or drone (measured: ratio ≈ 2) has none, only the wobble of its
 * spectrum; drums measure ≈ 60. Without this, standardising would blow the wobble up.
 */
export function hasOnsets(envelope: Float64Array): boolean {
  if (envelope.length < 100) return false;
  const sorted = Float64Array.from(envelope).sort();
  const mean = sorted.reduce((s, v) => s + v, 0) / sorted.length;
  return mean > 0 && sorted[Math.floor(sorted.length * 0.99)]! >= 4 * mean;
}

/** Mean 0, standard deviation 1 (all zeros stays all zeros). */
export function standardise(values: Float64Array): Float64Array {
  const n = values.length || 1;
  let mean = 0;
  for (const v of values) mean += v;
  mean /= n;
  let variance = 0;
  for (const v of values) variance += (v - mean) ** 2;
  const sd = Math.sqrt(variance / n);
  return values.map((v) => (sd > 0 ? (v - mean) / sd : 0));
}

/** Vertex of the parabola through (−1, a), (0, b), (1, c): sub-step position of a peak at 0. */
export function parabolicPeak(a: number, b: number, c: number): number {
  const d = a - 2 * b + c;
  return d < 0 ? Math.max(-0.5, Math.min(0.5, (0.5 * (a - c)) / d)) : 0;
}
