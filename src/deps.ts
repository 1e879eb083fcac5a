import type pg from 'pg';
import type { Logger } from 'pino';
import type { RuntimeConfig } from './config.js';
import type { Db } from './db/knex.js';
import type { JobQueue } from './jobs/queue.js';
import type { Metrics } from './metrics/metrics.js';
import type { Storage } from './storage/s3.js';

/** The collaborators built once at the edge (main.ts, worker.ts, tests) and passed in. */
export interface Deps {
  /** Resolved: database, bucket and session secret are always set. */
  config: Readonly<RuntimeConfig>;
  db: Db;
  /** Plain pg pool for the session store. */
  pool: pg.Pool;
  storage: Storage;
  /** Puts work on the background queue. */
  jobs: JobQueue;
  log: Logger;
  /** Request, upload and job counters (EMF lines + /metrics); the process's own, built at the edge. */
  metrics?: Metrics;
}
