/**
 * Onset times of the notes near one pitch in decoded audio, for tests that check where
 * hits land: an RBJ band-pass biquad at `hz`, a 1 ms envelope follower, and a rise
 * through half the loudest level after at least 40 ms below a quarter of it.
 */
export function onsetTimesNear(samples: Float32Array, sampleRate: number, hz: number, q = 4): number[] {
  const w = (2 * Math.PI * hz) / sampleRate;
  const alpha = Math.sin(w) / (2 * q);
  const [b0, b2, a0, a1, a2] = [alpha, -alpha, 1 + alpha, -2 * Math.cos(w), 1 - alpha];
  const envelope = new Float32Array(samples.length);
  let [x1, x2, y1, y2, env] = [0, 0, 0, 0, 0];
  const follow = Math.exp(-1 / (0.001 * sampleRate));
  for (let i = 0; i < samples.length; i++) {
    const x = samples[i]!;
    const y = (b0 * x + b2 * x2 - a1 * y1 - a2 * y2) / a0;
    [x2, x1, y2, y1] = [x1, x, y1, y];
    env = Math.max(Math.abs(y), env * follow);
    envelope[i] = env;
  }
  const loudest = envelope.reduce((m, v) => Math.max(m, v), 0);
  const times: number[] = [];
  let quietFor = Infinity;
  let armed = false;
  for (let i = 0; i < envelope.length; i++) {
    const level = envelope[i]!;
    quietFor = level < loudest / 4 ? quietFor + 1 : 0;
    if (quietFor >= 0.04 * sampleRate) armed = true;
    if (armed && level >= loudest / 2) {
      times.push(i / sampleRate);
      armed = false;
    }
  }
  return times;
}

/**
 * Median of |a[i] − b[i]|, seconds: the i-th hit of one part against the i-th of the other
 * (the same rhythm played twice). Infinity when the counts differ: a hit went missing.
 */
export function medianOnsetGap(a: number[], b: number[]): number {
  if (a.length !== b.length || a.length === 0) return Infinity;
  const gaps = a.map((t, i) => Math.abs(t - b[i]!)).sort((x, y) => x - y);
  return gaps[Math.floor(gaps.length / 2)]!;
}
