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
  /** Send one mail. Payload: a QueuedMail. */
  sendMail: 'mail-send',
  /** Gather due notifications into digest mails. No payload; one at a time, queued by the worker's sweep. */
  notificationDigests: 'notification-digests',
} as const;

/**
 * Which account mail to send, not the mail itself: the worker mints any link's token as it
 * sends, so a token is never stored unhashed, not even in the job's row.
 */
export type AccountMail =
  | { kind: 'verify-email'; userId: number }
  | { kind: 'account-exists'; userId: number }
  | { kind: 'password-reset'; email: string }
  | { kind: 'change-email'; userId: number; newEmail: string }
  | { kind: 'email-change-notice'; userId: number; newEmail: string };

/** A notification digest already written (its items chosen); the worker renders and sends it. */
export interface DigestMail {
  kind: 'notification-digest';
  digestId: number;
}

/** Anything the mail queue sends. */
export type QueuedMail = AccountMail | DigestMail;

/** What the web process needs from the queue: putting work on it. */
export interface JobQueue {
  processTrack(trackId: string): Promise<void>;
  renderMix(versionId: number): Promise<void>;
  sendMail(mail: QueuedMail): Promise<void>;
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
export async function startQueue(config: Pick<RuntimeConfig, 'database' | 'jobs' | 'mail'>, { supervise, log }: { supervise: boolean; log: Pick<Logger, 'warn'> }): Promise<Queue> {
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
  // A mail is sent any number of times in parallel; a refusing transport is retried with a
  // doubling delay, and the request that asked for it has long been answered.
  const mailOptions = {
    retryLimit: config.mail.maxAttempts - 1,
    retryDelay: config.jobs.retryDelaySeconds,
    retryBackoff: true,
    expireInSeconds: 120,
  };
  await boss.createQueue(QUEUES.sendMail, { name: QUEUES.sendMail, policy: 'standard', ...mailOptions, retentionMinutes: 24 * 60 });
  // One digest run at a time across every worker; a failed run is simply the next one's work.
  await boss.createQueue(QUEUES.notificationDigests, { name: QUEUES.notificationDigests, policy: 'singleton', retryLimit: 0, expireInSeconds: 300, retentionMinutes: 60 });

  // Per-job options too: a queue made by an earlier deploy keeps its first settings.
  const { policy: _policy, retentionMinutes: _retention, ...jobOptions } = queueOptions;
  const jobs: JobQueue = {
    async processTrack(trackId) {
      await boss.send(QUEUES.processTrack, { trackId }, { ...jobOptions, singletonKey: trackId });
    },
    async renderMix(versionId) {
      await boss.send(QUEUES.renderMix, { versionId }, { ...jobOptions, singletonKey: String(versionId) });
    },
    async sendMail(mail) {
      await boss.send(QUEUES.sendMail, mail, mailOptions);
    },
  };
  return { boss, jobs, stop: () => boss.stop({ graceful: true, wait: true, timeout: 7000 }) };
}
