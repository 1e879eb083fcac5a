import { describe, expect, it } from 'vitest';
import { eventually } from '../context.js';

describe('eventually()', () => {
  it('returns the first value that passes', async () => {
    let n = 0;
    expect(await eventually(() => Promise.resolve(++n), { until: (v) => v === 3, everyMs: 1 })).toBe(3);
  });

  it('gives up before the test times out, naming what it waited for and the last value', async () => {
    const started = Date.now();
    const wait = eventually(() => Promise.resolve({ status: 'processing' }), { what: 'the track to be ready', until: (t) => t?.status === 'ready', everyMs: 50 });
    await expect(wait).rejects.toThrow(/^gave up after \d+\.\d s waiting for the track to be ready; last value: \{ status: 'processing' \}$/);
    // This test has 5 s: eventually keeps 3 s of it to fail with its own message.
    expect(Date.now() - started).toBeLessThan(2500);
  }, 5_000);

  it('stops at a shorter timeoutMs when given one', async () => {
    const started = Date.now();
    await expect(eventually(() => Promise.resolve(false), { timeoutMs: 300, everyMs: 50, what: 'nothing' })).rejects.toThrow(/waiting for nothing; last value: false/);
    expect(Date.now() - started).toBeLessThan(1500);
  });
});
