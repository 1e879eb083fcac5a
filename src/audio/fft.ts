/**
 * In-place radix-2 FFT of a real frame (imaginary part starts at zero); returns the
 * magnitudes of bins 0..n/2. Hand-written: the analyses (onsets, chroma) need only this
 * one transform on short frames, and the npm FFT packages are either unmaintained or
 * bring WebAssembly builds for far more than that.
 */
export function magnitudeSpectrum(frame: Float64Array, scratch: Float64Array = new Float64Array(frame.length)): Float64Array {
  const n = frame.length;
  if (n & (n - 1)) throw new RangeError('FFT size must be a power of two');
  const re = frame;
  const im = scratch.fill(0);
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      const t = re[i]!;
      re[i] = re[j]!;
      re[j] = t;
    }
  }
  for (let size = 2; size <= n; size <<= 1) {
    const step = (-2 * Math.PI) / size;
    const half = size >> 1;
    for (let start = 0; start < n; start += size) {
      for (let k = 0; k < half; k++) {
        const wr = Math.cos(step * k);
        const wi = Math.sin(step * k);
        const a = start + k;
        const b = a + half;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a] = re[a]! + xr;
        im[a] = im[a]! + xi;
      }
    }
  }
  const out = new Float64Array(n / 2 + 1);
  for (let k = 0; k <= n / 2; k++) out[k] = Math.hypot(re[k]!, im[k]!);
  return out;
}

/** A Hann window of length n. */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
