import type PgBoss from 'pg-boss';
import type { Deps } from './deps.js';
import { interruptRunningTools } from './audio/run-tool.js';
import { Busy, withJobLock } from './jobs/lock.js';
import { QUEUES, startQueue } from './jobs/queue.js';
import { alignContribution } from './contributions/align.js';
import { giveUpOnMixVersion, renderMixVersion } from './mixes/render.js';
import { detectTempoAndKey } from './posts/detect.js';
import { listStaleRenderingVersions } from './mixes/queries.js';
import { giveUpOnTrack, processTrack } from './tracks/process.js';
import { listStaleProcessingTracks } from './tracks/queries.js';

type Job<T> = PgBoss.JobWithMetadata<T>;

/**
 * The worker: consumes the queues, one job at a time per queue (ffmpeg uses the cores),
 * and every few minutes re-sends work whose enqueue was lost. `stop()` lets running jobs
 * finish; a job cut off by a kill is expired by pg-boss and retried.
 */
export async function startWorker(deps: Omit<Deps, 'jobs' | 'pool'>): Promise<{ stop(): Promise<void> }> {
  const { db, config, log } = deps;
  const queue = await startQueue(config, { supervise: true });
  const { boss, jobs } = queue;

  /**
   * One job at a time per queue, under the job's lock. A failure is thrown back to pg-boss,
   * which retries; after the last try `giveUp` leaves the row with a reason to show.
   */
  const consume = <T>(name: string, lockKey: (data: T) => string, run: (data: T) => Promise<void>, giveUp: (data: T) => Promise<void>) =>
    boss.work<T>(name, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]: Job<T>[]) => {
      try {
        await withJobLock(db, name, lockKey(job!.data), () => run(job!.data));
      } catch (err) {
        if (!(err instanceof Busy) && job!.retryCount >= job!.retryLimit) await giveUp(job!.data);
        log.warn({ err, queue: name, data: job!.data, attempt: job!.retryCount }, 'job failed; pg-boss retries it');
        throw err;
      }
    });

  // After processing, what the audio tells: a song's tempo and key, a part's alignment (each quiet for other tracks).
  const processAndAnalyse = async (trackId: string) => {
    await processTrack(trackId, deps);
    await detectTempoAndKey(trackId, deps);
    await alignContribution(trackId, deps);
  };
  await consume<{ trackId: string }>(QUEUES.processTrack, (d) => d.trackId, (d) => processAndAnalyse(d.trackId), (d) => giveUpOnTrack(db, d.trackId));
  await consume<{ versionId: number }>(QUEUES.renderMix, (d) => String(d.versionId), (d) => renderMixVersion(d.versionId, deps), (d) => giveUpOnMixVersion(db, d.versionId));

  // The rows are the truth: work whose job never made it onto the queue is sent again.
  // Stately queues drop the duplicate if the job is in fact queued or running.
  const sweepAfter = Math.max(60, config.jobs.expireSeconds);
  const sweep = async () => {
    for (const id of await listStaleProcessingTracks(db, sweepAfter)) await jobs.processTrack(id);
    for (const id of await listStaleRenderingVersions(db, sweepAfter)) await jobs.renderMix(id);
  };
  const timer = setInterval(() => void sweep().catch((err) => log.warn({ err }, 'sweep failed')), config.jobs.maintenanceSeconds * 1000);
  timer.unref();
  log.info('worker started');

  return {
    async stop() {
      clearInterval(timer);
      // Give jobs in hand a few seconds, then end their ffmpeg: the container's stop
      // timeout is short, and an interrupted job goes back to the queue and is retried.
      const grace = setTimeout(interruptRunningTools, 5000);
      grace.unref();
      await queue.stop();
      clearTimeout(grace);
    },
  };
}
