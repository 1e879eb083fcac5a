import { describe, expect, it } from 'vitest';
import { latencyFromClicks } from '../../client/record-latency.js';
import { trimTake } from '../../client/record-wav.js';

/** The recorder's pure parts, on synthetic signals whose answer is known. */
const RATE = 48000;
const clicksAt = [0.5, 1, 1.5, 2, 2.5];

function recordingWithClicks(delayMs: number, noise = 0.005): Float32Array {
  const out = new Float32Array(3 * RATE);
  let seed = 1;
  for (let i = 0; i < out.length; i++) out[i] = noise * (((seed = (seed * 16807) % 2147483647) / 2147483647) * 2 - 1);
  for (const at of clicksAt) {
    const start = Math.round((at + delayMs / 1000) * RATE);
    // A decaying 1.5 kHz blip, as a click sounds after speakers and a microphone.
    for (let i = 0; i < 0.03 * RATE; i++) out[start + i]! += 0.6 * Math.exp(-i / (0.005 * RATE)) * Math.sin((2 * Math.PI * 1500 * i) / RATE);
  }
  return out;
}

describe('latencyFromClicks', () => {
  it.each([0, 12, 87, 230])('finds clicks played %i ms late within a millisecond', (delay) => {
    const ms = latencyFromClicks(recordingWithClicks(delay), RATE, clicksAt);
    expect(ms).toBeDefined();
    expect(Math.abs(ms! - delay)).toBeLessThan(1);
  });

  it('answers nothing when no click came back (headphones on)', () => {
    expect(latencyFromClicks(recordingWithClicks(0).map(() => 0.004), RATE, clicksAt)).toBeUndefined();
  });

  it('answers nothing when the room is as loud as the clicks', () => {
    expect(latencyFromClicks(recordingWithClicks(40, 0.5), RATE, clicksAt)).toBeUndefined();
  });
});

describe('trimTake', () => {
  it('drops the count-in and latency and keeps the song length, padding a short recording', () => {
    const data = new Float32Array(RATE * 2).map((_, i) => i);
    const recording = { sampleRate: RATE, numberOfChannels: 1, getChannelData: () => data } as unknown as AudioBuffer;
    const [take] = trimTake(recording, 0.5, 2);
    expect(take!.length).toBe(2 * RATE);
    expect(take![0]).toBe(0.5 * RATE);
    expect(take![1.5 * RATE - 1]).toBe(2 * RATE - 1);
    expect(take![1.5 * RATE]).toBe(0);
  });
});
