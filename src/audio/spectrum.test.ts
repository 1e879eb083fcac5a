import { describe, expect, it } from 'vitest';
import { toneLevelDb } from './spectrum.js';

function sine(frequencyHz: number, amplitude: number, seconds = 1, sampleRate = 48000): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate);
  return out;
}

describe('toneLevelDb', () => {
  it('reads a sine of amplitude A as 20·log10(A), off-bin frequencies included', () => {
    expect(toneLevelDb(sine(440, 1), 48000, 440)).toBeCloseTo(0, 1);
    expect(toneLevelDb(sine(661.3, 0.1), 48000, 661.3)).toBeCloseTo(-20, 1);
  });

  it('keeps a neighbouring tone out of the measurement', () => {
    const mix = sine(440, 0.5).map((x, i) => x + 0.05 * Math.sin((2 * Math.PI * 660 * i) / 48000));
    expect(toneLevelDb(mix, 48000, 440)).toBeCloseTo(-6.02, 1);
    expect(toneLevelDb(mix, 48000, 660)).toBeCloseTo(-26.02, 1);
    expect(toneLevelDb(sine(440, 1), 48000, 660)).toBeLessThan(-100);
  });

  it('gives -Infinity for silence and for no samples', () => {
    expect(toneLevelDb(new Float32Array(1000), 48000, 440)).toBe(-Infinity);
    expect(toneLevelDb([], 48000, 440)).toBe(-Infinity);
  });
});
