/**
 * Waveforms for the mixer, drawn on a canvas from the server's peaks (or from the decoded
 * audio when a track has none yet).
 *
 * Why not wavesurfer.js here: a wavesurfer instance draws one waveform for the player it
 * owns (a media element or its own Web Audio player) and moves its cursor from that
 * player's clock. The mixer has N waveforms under one shared playhead driven by one
 * AudioContext clock, so wavesurfer would need N fake players kept in lockstep with it and
 * its click-to-seek would fight ours. What we need from it — min/max bars on a canvas — is
 * the short function below.
 */
import type { CompactAudio } from './mixer-audio.js';

/** Min/max pairs in -1..1, one pair per point along the whole track. */
export interface Peaks {
  min: Float32Array;
  max: Float32Array;
}

/** Reads the audiowaveform v2 JSON the server stores (`data` = interleaved min, max). */
export async function loadPeaks(url: string, signal?: AbortSignal): Promise<Peaks> {
  const res = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' }, signal: signal ?? null });
  if (!res.ok) throw new Error(`peaks: the server answered ${res.status}`); // never shown: the lane waits for the audio
  const json = (await res.json()) as { data?: unknown; bits?: unknown };
  if (!Array.isArray(json.data) || json.data.length < 2) throw new Error('peaks: no data'); // never shown
  // Layout v2 allows 8/16-bit integers; ours are floats already, but accept both.
  const scale = json.data.some((v) => typeof v === 'number' && Math.abs(v) > 1) ? (json.bits === 16 ? 32768 : 128) : 1;
  const n = Math.floor(json.data.length / 2);
  const min = new Float32Array(n);
  const max = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    min[i] = Number(json.data[2 * i]) / scale || 0;
    max[i] = Number(json.data[2 * i + 1]) / scale || 0;
  }
  return { min, max };
}

/** The envelope of every channel, `points` pairs long. */
export function peaksFromBuffer(buffer: CompactAudio, points = 2000): Peaks {
  const n = Math.max(1, Math.min(points, buffer.length));
  const min = new Float32Array(n).fill(Infinity);
  const max = new Float32Array(n).fill(-Infinity);
  for (let c = 0; c < buffer.numberOfChannels; c++) {
    for (let p = 0; p < n; p++) {
      const from = Math.floor((p * buffer.length) / n);
      const to = Math.floor(((p + 1) * buffer.length) / n);
      let lo = min[p]!;
      let hi = max[p]!;
      for (let i = from; i < to; i++) {
        const x = buffer.sample(c, i);
        if (x < lo) lo = x;
        if (x > hi) hi = x;
      }
      min[p] = lo;
      max[p] = hi;
    }
  }
  for (let p = 0; p < n; p++) {
    if (min[p] === Infinity) min[p] = 0;
    if (max[p] === -Infinity) max[p] = 0;
  }
  return { min, max };
}

/**
 * Draws `peaks` across the canvas at its CSS size, sharp on high-density screens. Quiet
 * parts are scaled up (at most 8×) so their shape stays readable next to loud ones.
 */
export function drawPeaks(canvas: HTMLCanvasElement, peaks: Peaks, color: string): void {
  const dpr = window.devicePixelRatio || 1;
  const width = Math.max(1, Math.round(canvas.clientWidth * dpr));
  const height = Math.max(1, Math.round(canvas.clientHeight * dpr));
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) return;
  g.clearRect(0, 0, width, height);
  g.fillStyle = color;

  const n = peaks.min.length;
  let loudest = 0;
  for (let i = 0; i < n; i++) loudest = Math.max(loudest, Math.abs(peaks.min[i]!), Math.abs(peaks.max[i]!));
  const zoom = loudest > 0 ? Math.min(8, 0.95 / loudest) : 1;
  const mid = height / 2;
  const bar = Math.max(1, Math.round(dpr)); // 1 CSS px bars with no gaps
  for (let x = 0; x < width; x += bar) {
    const from = Math.floor((x * n) / width);
    const to = Math.max(from + 1, Math.floor(((x + bar) * n) / width));
    let lo = 0;
    let hi = 0;
    for (let i = from; i < to && i < n; i++) {
      lo = Math.min(lo, peaks.min[i]!);
      hi = Math.max(hi, peaks.max[i]!);
    }
    const top = mid - hi * zoom * mid;
    const bottom = mid - lo * zoom * mid;
    g.fillRect(x, top, bar, Math.max(bar, bottom - top));
  }
}
