import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { RuntimeConfig } from '../config.js';
import { databaseTls } from '../db/knex.js';

/**
 * Background work runs on pg-boss, a queue in the same PostgreSQL: no broker to operate,
 * and jobs survive any process dying. Each queue declares its retry policy here.
 */
export const QUEUES = {
  /** Probe, transcode, peaks and measurements of one uploaded track. Payload { trackId }. */
  processTrack: 'track-process',
  /** Render one mix version's master. Payload { versionId }. */
  renderMix: 'mix-render',
} as const;

/** What the web process needs from the queue: putting work on it. */
export interface JobQueue {
  processTrack(trackId: string): Promise<void>;
  renderMix(versionId: number): Promise<void>;
}

export interface Queue {
  boss: PgBoss;
  jobs: JobQueue;
  stop(): Promise<void>;
}

/**
 * Starts pg-boss. `supervise` (expiring stuck jobs, housekeeping) runs in the worker only;
 * web processes just send. 'stately' queues keep at most one job per key queued and one
 * active, so a track is never processed by two workers at once through the queue.
 */
export async function startQueue(config: Pick<RuntimeConfig, 'database' | 'jobs'>, { supervise, log }: { supervise: boolean; log: Pick<Logger, 'warn'> }): Promise<Queue> {
  const boss = new PgBoss({
    connectionString: config.database.url,
    ...databaseTls(config.database.caFile),
    max: 3,
    schema: 'pgboss',
    supervise,
    schedule: false,
    maintenanceIntervalSeconds: config.jobs.maintenanceSeconds,
    monitorStateIntervalSeconds: 60,
  });
  // A lost connection or a failed maintenance run: pg-boss retries by itself, the operator hears of it.
  boss.on('error', (err: Error & { queue?: string; worker?: string }) => log.warn({ err, queue: err.queue, worker: err.worker }, 'pg-boss error'));
  await boss.start();
  const queueOptions = {
    policy: 'stately' as const,
    // The rows count the real attempts (JOB_MAX_ATTEMPTS); the extra tries cover runs that
    // found the lock still held (Busy) or were cut short by a stopping worker.
    retryLimit: 2 * config.jobs.maxAttempts,
    retryDelay: config.jobs.retryDelaySeconds,
    retryBackoff: true,
    // A worker killed mid-job: after this the job is failed and retried by another.
    expireInSeconds: config.jobs.expireSeconds,
    retentionMinutes: 7 * 24 * 60,
  };
  await boss.createQueue(QUEUES.processTrack, { name: QUEUES.processTrack, ...queueOptions });
  await boss.createQueue(QUEUES.renderMix, { name: QUEUES.renderMix, ...queueOptions });

  // Per-job options too: a queue made by an earlier deploy keeps its first settings.
  const { policy: _policy, retentionMinutes: _retention, ...jobOptions } = queueOptions;
  const jobs: JobQueue = {
    async processTrack(trackId) {
      await boss.send(QUEUES.processTrack, { trackId }, { ...jobOptions, singletonKey: trackId });
    },
    async renderMix(versionId) {
      await boss.send(QUEUES.renderMix, { versionId }, { ...jobOptions, singletonKey: String(versionId) });
    },
  };
  return { boss, jobs, stop: () => boss.stop({ graceful: true, wait: true, timeout: 7000 }) };
}
