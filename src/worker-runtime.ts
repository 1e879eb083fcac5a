import type PgBoss from 'pg-boss';
import type { Deps } from './deps.js';
import { sendAccountMail } from './auth/account-mail.js';
import { findSongProbeOfContributionTrack } from './contributions/queries.js';
import { runAttempt, type JobWork } from './jobs/attempt.js';
import { startHeartbeat } from './jobs/heartbeat.js';
import { listJobsWithoutLock } from './jobs/lock.js';
import { QUEUES, startQueue, type QueuedMail } from './jobs/queue.js';
import { createMailer } from './mail/mailer.js';
import { alignContribution } from './contributions/align.js';
import { removeLeftoverWorkDirs } from './jobs/work-dir.js';
import { giveUpOnMixVersion, renderMixVersion } from './mixes/render.js';
import { sendDigestMail, sendDueDigests } from './notifications/digest.js';
import { notifyNewMaster, notifyPartAdded } from './notifications/rules.js';
import { refundMixVersionAttempt, startMixVersionAttempt, takeStaleRenderingVersions } from './mixes/queries.js';
import { detectTempoAndKey } from './posts/detect.js';
import { giveUpOnTrack, processTrack } from './tracks/process.js';
import { refundTrackAttempt, startTrackAttempt, takeStaleProcessingTracks } from './tracks/queries.js';
import { sweepAbandonedUploads } from './tracks/pending-uploads.js';
import { sweepOldPlays } from './tracks/plays.js';
import { refreshTrending, TRENDING_REFRESH_SECONDS, trendingIsStale } from './feed/trending.js';

type Job<T> = PgBoss.JobWithMetadata<T>;

/** How long a stopping worker lets its jobs run before it ends their ffmpeg. */
const STOP_GRACE_MS = 5000;

/**
 * The worker: consumes the queues, one job at a time per queue (ffmpeg uses the cores),
 * and every few seconds re-sends work whose job was lost. Every attempt is bounded by its
 * job's expiry and counted on its row (see jobs/attempt.ts); `stop()` gives jobs in hand a
 * few seconds, then ends their ffmpeg, and the interrupted jobs are retried.
 */
export async function startWorker(deps: Omit<Deps, 'jobs' | 'pool'>): Promise<{ stop(): Promise<void> }> {
  const { db, config, log } = deps;
  // Folders a killed worker left behind would fill the disk over many restarts.
  await removeLeftoverWorkDirs(log);
  const queue = await startQueue(config, { supervise: true, log });
  const { boss, jobs } = queue;
  const stopping = new AbortController();
  const { maxAttempts } = config.jobs;

  // pg-boss 10 runs one job at a time per work() call: `atOnce` calls, `atOnce` jobs.
  const consume = async <T>(name: string, workFor: (data: T) => JobWork, atOnce = 1) => {
    for (let i = 0; i < atOnce; i++) {
      await boss.work<T>(name, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]: Job<T>[]) => {
        const started = performance.now();
        try {
          await runAttempt(workFor(job!.data), { maxAttempts, expireInSeconds: job!.expireInSeconds, stopping: stopping.signal }, deps);
        } finally {
          deps.metrics?.job(name, performance.now() - started);
        }
      });
    }
  };

  // After processing, what the audio tells: a song's tempo and key, a part's alignment (each quiet for other tracks).
  const processAndAnalyse = async (trackId: string, signal: AbortSignal) => {
    await processTrack(trackId, { ...deps, songProbeOf: findSongProbeOfContributionTrack }, { signal });
    await detectTempoAndKey(trackId, deps);
    await alignContribution(trackId, deps);
    // A part that plays now: its song's author hears of it (once, however often this runs).
    await notifyPartAdded(db, trackId).catch((err: unknown) => log.warn({ err, trackId }, 'new part not notified'));
  };
  // A master that plays now: the musicians on it hear of it (once per version).
  const renderAndTell = async (versionId: number, signal: AbortSignal) => {
    await renderMixVersion(versionId, deps, { signal });
    await notifyNewMaster(db, versionId).catch((err: unknown) => log.warn({ err, versionId }, 'new master not notified'));
  };
  await consume<{ trackId: string }>(QUEUES.processTrack, ({ trackId }) => ({
    queue: QUEUES.processTrack,
    key: trackId,
    ids: { trackId },
    startAttempt: () => startTrackAttempt(db, trackId),
    refundAttempt: () => refundTrackAttempt(db, trackId),
    run: (signal) => processAndAnalyse(trackId, signal),
    giveUp: (why) => giveUpOnTrack(db, trackId, why),
  }), config.jobs.trackJobsAtOnce);
  await consume<{ versionId: number }>(QUEUES.renderMix, ({ versionId }) => ({
    queue: QUEUES.renderMix,
    key: String(versionId),
    ids: { versionId },
    startAttempt: () => startMixVersionAttempt(db, versionId),
    refundAttempt: () => refundMixVersionAttempt(db, versionId),
    run: (signal) => renderAndTell(versionId, signal),
    giveUp: (why) => giveUpOnMixVersion(db, versionId, why),
  }));

  // Mail: a throw fails the job and pg-boss retries it later (a refusing server, SES throttling).
  const mailer = createMailer(config.mail);
  await boss.work<QueuedMail>(QUEUES.sendMail, { includeMetadata: true, batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]: Job<QueuedMail>[]) => {
    const started = performance.now();
    try {
      const mail = job!.data;
      if (mail.kind === 'notification-digest') await sendDigestMail(mail, { db, config, mailer, log });
      else await sendAccountMail(mail, { db, config, mailer, log });
    } catch (err) {
      log.warn({ err, jobId: job!.id, kind: job!.data.kind, retry: job!.retryCount }, 'mail not sent; retried later');
      throw err;
    } finally {
      deps.metrics?.job(QUEUES.sendMail, performance.now() - started);
    }
  });

  // Notification digests: the sweep queues a run; the queue's singleton policy keeps it to one at a time.
  await boss.work(QUEUES.notificationDigests, { batchSize: 1, pollingIntervalSeconds: 1 }, async () => {
    const started = performance.now();
    try {
      await sendDueDigests({ db, jobs, config, log });
    } finally {
      deps.metrics?.job(QUEUES.notificationDigests, performance.now() - started);
    }
  });

  // The rows are the truth: a row whose last attempt started two expiries ago has lost its
  // job (never enqueued, deleted, or its retries spent on Busy); one expiry is pg-boss's own
  // retry's turn. It is sent again while it has attempts left, else failed; failed and ready
  // rows are never touched. Stately queues drop the duplicate of a job still queued.
  const staleAfter = 2 * config.jobs.expireSeconds;
  // A handler takes its lock within milliseconds of the fetch; 15 s leaves room for a busy machine.
  const orphanAfter = Math.max(15, 2 * config.jobs.maintenanceSeconds);
  // No upload can still be running once its request's time limit is past (plus a margin).
  const abandonedAfter = config.uploadTimeoutMs / 1000 + 600;
  const sweep = async () => {
    // A job whose worker was killed: retried now rather than at its expiry.
    for (const job of await listJobsWithoutLock(db, [QUEUES.processTrack, QUEUES.renderMix], orphanAfter)) {
      log.warn({ jobId: job.id, queue: job.name }, 'job lost with its worker; retried');
      await boss.fail(job.name, job.id, { message: 'its worker is gone' });
    }
    for (const { id, attempts } of await takeStaleProcessingTracks(db, staleAfter)) {
      if (attempts >= maxAttempts) await giveUpOnTrack(db, id, 'failed');
      else await jobs.processTrack(id);
    }
    for (const { id, attempts } of await takeStaleRenderingVersions(db, staleAfter)) {
      if (attempts >= maxAttempts) await giveUpOnMixVersion(db, id, 'failed');
      else await jobs.renderMix(id);
    }
    // Objects of uploads whose web process died before it could keep or remove them.
    const removed = await sweepAbandonedUploads(db, deps.storage, abandonedAfter);
    if (removed) log.warn({ removed }, 'removed the objects of uploads abandoned by a web process');
    // Streamed bytes of hours gone by: no play can come of them any more.
    await sweepOldPlays(db);
    // One digest run per sweep period, whatever the number of workers.
    await boss.send(QUEUES.notificationDigests, {}, { singletonKey: 'digests', singletonSeconds: config.jobs.maintenanceSeconds });
  };
  const timer = setInterval(() => void sweep().catch((err) => log.warn({ err }, 'sweep failed')), config.jobs.maintenanceSeconds * 1000);
  timer.unref();
  // The trending ranking (src/feed/trending.ts): at start, then every few minutes; a ranking
  // another instance's worker rebuilt meanwhile is left as it is.
  const rankTrending = () => void (async () => (await trendingIsStale(db)) && (await refreshTrending(db)))().catch((err) => log.warn({ err }, 'trending not refreshed'));
  rankTrending();
  const trendingTimer = setInterval(rankTrending, TRENDING_REFRESH_SECONDS * 1000);
  trendingTimer.unref();
  const heartbeat = startHeartbeat(boss, deps);
  log.info('worker started');

  return {
    async stop() {
      clearInterval(timer);
      clearInterval(trendingTimer);
      await heartbeat.stop();
      // The container's stop timeout is short: after the grace the jobs' signals end their
      // ffmpeg, and each interrupted job goes back to the queue without using an attempt.
      const grace = setTimeout(() => stopping.abort(new Error('the worker is stopping')), STOP_GRACE_MS);
      grace.unref();
      await queue.stop();
      clearTimeout(grace);
      mailer.close();
    },
  };
}
