import type { Logger } from 'pino';
import type { Config } from './config.js';
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
export async function openRuntime(base: Readonly<Config>, log: Logger): Promise<Deps & { metrics: Metrics; embedded: boolean; close(): Promise<void> }> {
  const embedded = !base.database.url || !base.s3.bucket || !base.sessionSecret ? await startEmbedded(base, log) : undefined;
  const config = embedded?.config ?? base;
  const dbOptions = { url: config.database.url!, caFile: config.database.caFile, poolMax: config.database.poolMax };
  const db = createDb(dbOptions);
  const pool = createPgPool(dbOptions);
  const storage = createStorage(config.s3);
  // Outside the container nobody else runs migrations; the lock makes concurrent starts safe.
  if (!base.database.url) {
    const applied = await migrateLatest(db);
    if (applied.length) log.info({ applied }, 'migrations applied');
  }
  const queue = await startQueue(config, { supervise: false });
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
