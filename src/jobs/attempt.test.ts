import { describe, expect, it } from 'vitest';
import { KILL_GRACE_MS } from '../audio/run-tool.js';
import { jobDeadlineMs } from './attempt.js';

describe('jobDeadlineMs', () => {
  it('ends the work before pg-boss expires the job, leaving time to kill ffmpeg and release the lock', () => {
    expect(jobDeadlineMs(900)).toBe(870_000); // 30 s margin at most
    expect(jobDeadlineMs(60)).toBe(54_000); // 10%
    expect(jobDeadlineMs(6)).toBe(6000 - KILL_GRACE_MS - 1000); // at least the kill grace and a second
    expect(jobDeadlineMs(1)).toBe(500); // never less than half the expiry
  });
});
