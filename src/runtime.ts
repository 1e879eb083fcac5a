import type { Logger } from 'pino';
import { asRuntimeConfig, type Config } from './config.js';
import { createDb, createPgPool } from './db/knex.js';
import { migrateLatest } from './db/migrate.js';
import type { Deps } from './deps.js';
import { startEmbedded } from './embedded.js';
import { startQueue } from './jobs/queue.js';
import { createMetrics, type Metrics } from './metrics/metrics.js';
import { createStorage } from './storage/s3.js';

/**
 * Builds the collaborators both processes share: embedded services when nothing is
 * configured, the database (migrated when embedded), the pool and the bucket.
 */
export async function openRuntime(base: Readonly<Config>, log: Logger, { shareRunning = false } = {}): Promise<Deps & { metrics: Metrics; embedded: boolean; close(): Promise<void> }> {
  const configured = asRuntimeConfig(base);
  const embedded = configured ? undefined : await startEmbedded(base, log, { shareRunning });
  const config = configured ?? embedded?.config;
  if (!config) throw new Error('unreachable: the embedded services resolve every missing setting');
  const dbOptions = { url: config.database.url, caFile: config.database.caFile, poolMax: config.database.poolMax };
  const db = createDb({ ...dbOptions, log: log.child({ component: 'knex' }) });
  // The session store reads a row on every request that carries a cookie and writes one at
  // every sign-in: with 3 connections a burst of uploads queued log-ins past their 30 s
  // limit (bench/burst.ts). It gets as many as the query pool.
  const pool = createPgPool(dbOptions, config.database.poolMax);
  pool.on('error', (err) => log.warn({ err }, 'an idle session-store connection was lost; the pool replaces it'));
  const storage = createStorage(config.s3);
  // Outside the container nobody else runs migrations; the lock makes concurrent starts safe.
  if (!base.database.url) {
    const applied = await migrateLatest(db);
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  const queue = await startQueue(config, { supervise: false, log });
  const metrics = createMetrics({ log });
  return {
    config,
    db,
    pool,
    storage,
    log,
    metrics,
    jobs: queue.jobs,
    embedded: Boolean(embedded && !base.database.url),
    async close() {
      metrics.stop();
      await queue.stop();
      await Promise.allSettled([db.destroy(), pool.end()]);
      storage.client.destroy();
      await embedded?.stop();
    },
  };
}
