import type { Logger } from 'pino';
import type { Db } from '../db/knex.js';
import { KILL_GRACE_MS } from '../audio/run-tool.js';
import { Busy, withJobLock } from './lock.js';

/** Why the worker stopped trying: the row's reason is chosen by its part. */
export type GiveUp = 'too-long' | 'failed';

/** One job's work, as its part (tracks, mixes) describes it to the worker. */
export interface JobWork {
  /** The queue and the row's id: the advisory lock's key and the ids in log lines. */
  queue: string;
  key: string;
  ids: Record<string, unknown>;
  /** Counts an attempt on the row; undefined when the row no longer waits for this work. */
  startAttempt(): Promise<number | undefined>;
  /** Takes back an attempt that the worker's stop cut short. */
  refundAttempt(): Promise<void>;
  run(signal: AbortSignal): Promise<void>;
  /** Ends the row `failed` with the reason for `why`. */
  giveUp(why: GiveUp): Promise<void>;
}

export interface AttemptLimits {
  maxAttempts: number;
  /** The job's expiry: pg-boss fails and retries a job still running after it. */
  expireInSeconds: number;
  /** Aborts when the worker stops. */
  stopping: AbortSignal;
}

/**
 * How long the work may run: a little less than the job's expiry, so its ffmpeg is ended
 * (SIGTERM, then SIGKILL) and the lock released before pg-boss hands the job out again.
 */
export function jobDeadlineMs(expireInSeconds: number): number {
  const expireMs = expireInSeconds * 1000;
  const margin = Math.min(30_000, Math.max(KILL_GRACE_MS + 1000, expireMs / 10));
  return Math.max(expireMs / 2, expireMs - margin);
}

/**
 * Runs one attempt under the row's lock with a signal that fires at the deadline or when
 * the worker stops. Outcomes:
 * - lock held by a live run → Busy is thrown: pg-boss retries later, no attempt counted;
 * - the worker stopping → the attempt is given back and the error thrown (retried);
 * - a failure with attempts left → thrown (pg-boss retries with backoff);
 * - a failure on the last attempt, or attempts used up by lost runs → the row is failed
 *   with a reason ("took too long" when the deadline ended it) and the job completes.
 */
export async function runAttempt(work: JobWork, limits: AttemptLimits, { db, log }: { db: Db; log: Logger }): Promise<void> {
  const deadline = AbortSignal.timeout(jobDeadlineMs(limits.expireInSeconds));
  const signal = AbortSignal.any([limits.stopping, deadline]);
  try {
    await withJobLock(db, work.queue, work.key, async () => {
      const attempt = await work.startAttempt();
      if (attempt === undefined) return;
      const ids = { ...work.ids, queue: work.queue, attempt, maxAttempts: limits.maxAttempts };
      if (attempt > limits.maxAttempts) {
        // Earlier attempts were lost (a worker killed mid-job): do not start another.
        await work.giveUp('failed');
        log.warn(ids, 'no attempts left; marked failed');
        return;
      }
      try {
        await work.run(signal);
      } catch (err) {
        if (limits.stopping.aborted) {
          await work.refundAttempt();
          throw err;
        }
        const why: GiveUp = deadline.aborted ? 'too-long' : 'failed';
        if (attempt < limits.maxAttempts) {
          log.warn({ ...ids, err, why }, 'attempt failed; retried later');
          throw err;
        }
        await work.giveUp(why);
        log.warn({ ...ids, err, why }, 'last attempt failed; marked failed');
      }
    });
  } catch (err) {
    if (err instanceof Busy) log.info({ ...work.ids, queue: work.queue }, 'another run holds the lock; retried later');
    throw err;
  }
}
