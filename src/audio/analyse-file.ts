import { estimateKey } from './key.js';
import { decodeForAnalysis, onsetEnvelope } from './onsets.js';
import { estimateTempo } from './tempo.js';
import type { AudioTools } from './tools.js';

/** Below this correlation with the best key profile the chroma is too flat to name a key (measured in analysis.test.ts: drums alone 0.46, chords 0.86–0.97). */
const MIN_KEY_STRENGTH = 0.6;

/** Tempo and key of a song's recording; either is null when the audio does not show one. */
export async function analyseSong(tools: AudioTools, path: string): Promise<{ bpm: number | null; key: string | null }> {
  const samples = await decodeForAnalysis(tools, path);
  const key = estimateKey(samples);
  return { bpm: estimateTempo(onsetEnvelope(samples)), key: key && key.strength >= MIN_KEY_STRENGTH ? key.key : null };
}

/** The onset envelope of a file's first ANALYSIS_SECONDS: what alignment compares. */
export async function onsetEnvelopeOfFile(tools: AudioTools, path: string): Promise<Float64Array> {
  return onsetEnvelope(await decodeForAnalysis(tools, path));
}
