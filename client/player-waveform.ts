/**
 * Waveforms for the player: the bar's and each play button's, drawn from the server's peaks
 * (the same audiowaveform JSON the mixer reads) as rounded bars, the played part in the accent
 * colour. A recording without peaks yet gets a flat line, still a seek bar.
 */
import { loadPeaks, type Peaks } from './mixer-waveform.js';

const cache = new Map<string, Promise<Peaks | null>>();

/** One fetch per peaks URL per page lifetime (the bar and a page wave share it). */
export function peaksFor(url: string | undefined): Promise<Peaks | null> {
  if (!url) return Promise.resolve(null);
  let p = cache.get(url);
  if (!p) {
    p = loadPeaks(url).catch(() => null);
    cache.set(url, p);
  }
  return p;
}

const BAR_PX = 2;
const GAP_PX = 1;

/** Bar heights 0..1, one per bar across `width` CSS px, quiet songs scaled up (at most 8×). */
function bars(peaks: Peaks | null, count: number): Float32Array {
  const out = new Float32Array(count);
  if (!peaks || !peaks.min.length) return out.fill(0.06);
  const n = peaks.min.length;
  let loudest = 0;
  for (let i = 0; i < n; i++) loudest = Math.max(loudest, Math.abs(peaks.min[i]!), Math.abs(peaks.max[i]!));
  const zoom = loudest > 0 ? Math.min(8, 0.95 / loudest) : 1;
  for (let b = 0; b < count; b++) {
    const from = Math.floor((b * n) / count);
    const to = Math.max(from + 1, Math.floor(((b + 1) * n) / count));
    let top = 0;
    for (let i = from; i < to && i < n; i++) top = Math.max(top, peaks.max[i]! - peaks.min[i]!);
    out[b] = Math.max(0.06, Math.min(1, (top / 2) * zoom));
  }
  return out;
}

/** Draws the wave with `progress` (0..1) of it played. */
export function drawWave(canvas: HTMLCanvasElement, peaks: Peaks | null, progress: number): void {
  const dpr = window.devicePixelRatio || 1;
  const cssWidth = canvas.clientWidth;
  const cssHeight = canvas.clientHeight;
  if (!cssWidth || !cssHeight) return;
  const width = Math.round(cssWidth * dpr);
  const height = Math.round(cssHeight * dpr);
  if (canvas.width !== width) canvas.width = width;
  if (canvas.height !== height) canvas.height = height;
  const g = canvas.getContext('2d');
  if (!g) return;
  const style = getComputedStyle(canvas);
  const played = style.getPropertyValue('--wave-played').trim() || '#ff6b3d';
  const rest = style.getPropertyValue('--wave-rest').trim() || 'rgb(255 255 255 / 0.28)';
  g.clearRect(0, 0, width, height);
  const count = Math.max(1, Math.floor(cssWidth / (BAR_PX + GAP_PX)));
  const heights = bars(peaks, count);
  const bar = BAR_PX * dpr;
  const step = (BAR_PX + GAP_PX) * dpr;
  const mid = height / 2;
  const edge = progress * count;
  for (let b = 0; b < count; b++) {
    const h = Math.max(bar, heights[b]! * height);
    g.fillStyle = b < edge ? played : rest;
    g.beginPath();
    g.roundRect(b * step, mid - h / 2, bar, h, bar / 2);
    g.fill();
  }
}

/** The fraction of `el`'s width at the pointer. */
export function fractionAt(el: Element, clientX: number): number {
  const box = el.getBoundingClientRect();
  return box.width ? Math.min(1, Math.max(0, (clientX - box.left) / box.width)) : 0;
}
