import type { WaveformPeaks } from '../audio/peaks.js';
import { getObject, type Storage } from '../storage/s3.js';
import type { TrackRow } from './queries.js';

/**
 * A track's waveform as `bars` heights in 0..1 (the loudest bar is 1), folded from its stored
 * peaks, for pages that draw it without the waveform library (the embeddable player). Empty
 * while the worker has not written the peaks yet.
 */
export async function waveformBars(storage: Storage, track: Pick<TrackRow, 'peaks_key'>, bars: number): Promise<number[]> {
  if (!track.peaks_key) return [];
  const object = await getObject(storage, track.peaks_key);
  const peaks = JSON.parse(await object.Body!.transformToString()) as WaveformPeaks;
  return foldPeaks(peaks.data, bars);
}

/** Min/max pairs into `bars` amplitudes (the largest |sample| in each slice), scaled to the loudest. */
export function foldPeaks(data: readonly number[], bars: number): number[] {
  const points = Math.floor(data.length / 2);
  if (!points) return [];
  const count = Math.min(bars, points);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    let top = 0;
    for (let p = Math.floor((i * points) / count); p < Math.floor(((i + 1) * points) / count); p++) top = Math.max(top, Math.abs(data[2 * p]!), Math.abs(data[2 * p + 1]!));
    out.push(top);
  }
  const loudest = Math.max(...out);
  return loudest > 0 ? out.map((v) => Math.round((v / loudest) * 1000) / 1000) : out;
}
