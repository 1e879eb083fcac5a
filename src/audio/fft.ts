/**
 * Magnitude spectra of real frames of one size, by an in-place radix-2 FFT with its
 * twiddles and bit-reversal table computed once. Hand-written: the analyses (onsets,
 * chroma) need only this one transform on short frames, and the npm FFT packages are
 * either unmaintained or bring WebAssembly builds for far more than that.
 */
export function createMagnitudeSpectrum(n: number): (frame: Float64Array) => Float64Array {
  if (n < 2 || n & (n - 1)) throw new RangeError('FFT size must be a power of two');
  const cos = new Float64Array(n / 2);
  const sin = new Float64Array(n / 2);
  for (let k = 0; k < n / 2; k++) {
    cos[k] = Math.cos((-2 * Math.PI * k) / n);
    sin[k] = Math.sin((-2 * Math.PI * k) / n);
  }
  const reversed = new Uint32Array(n);
  for (let i = 0, bits = Math.log2(n); i < n; i++) {
    let r = 0;
    for (let b = 0; b < bits; b++) r |= ((i >> b) & 1) << (bits - 1 - b);
    reversed[i] = r;
  }
  const re = new Float64Array(n);
  const im = new Float64Array(n);
  const out = new Float64Array(n / 2 + 1);
  return (frame) => {
    for (let i = 0; i < n; i++) {
      re[reversed[i]!] = frame[i]!;
      im[i] = 0;
    }
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const stride = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = cos[k * stride]!;
          const wi = sin[k * stride]!;
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
    for (let k = 0; k <= n / 2; k++) out[k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
    return out;
  };
}

/** A Hann window of length n. */
export function hann(n: number): Float64Array {
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n);
  return w;
}
