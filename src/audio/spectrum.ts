/**
 * Level of one frequency in a block of samples, in dB relative to a full-scale sine
 * (a sine of peak amplitude A at `frequencyHz` reads 20·log10(A)). Goertzel's
 * recurrence evaluates the DFT at exactly that frequency, so no bin rounding; a Hann
 * window keeps other tones (e.g. 440 Hz next to 660 Hz) from leaking in.
 * Returns -Infinity for an empty block or exact silence.
 */
export function toneLevelDb(samples: ArrayLike<number>, sampleRate: number, frequencyHz: number): number {
  const n = samples.length;
  if (n === 0) return -Infinity;
  const omega = (2 * Math.PI * frequencyHz) / sampleRate;
  const coeff = 2 * Math.cos(omega);
  let s1 = 0;
  let s2 = 0;
  let windowSum = 0;
  for (let i = 0; i < n; i++) {
    const w = n === 1 ? 1 : 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1));
    windowSum += w;
    const s0 = w * (samples[i] ?? 0) + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  const amplitude = (2 * Math.sqrt(Math.max(0, power))) / windowSum;
  return 20 * Math.log10(amplitude);
}
