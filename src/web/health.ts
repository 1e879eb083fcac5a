import { hostname } from 'node:os';
import { Router } from 'express';
import type { Deps } from '../deps.js';
import { findLatestHeartbeat } from '../jobs/heartbeat-queries.js';
import { checkBucket } from '../storage/s3.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

interface Readiness {
  ok: boolean;
  body: { status: 'ok' | 'unavailable'; database: 'ok' | 'down'; storage: 'ok' | 'down'; worker: WorkerState };
}

/** This instance's worker: beating, late (3 beats missed), absent, or unknown (no database). */
type WorkerState = 'ok' | 'stale' | 'missing' | 'unknown';

/**
 * /healthz: the process answers. /readyz: it can do its work (database and bucket answer).
 *
 * /readyz is public (the load balancer calls it from outside), so its answer is reused for
 * READYZ_CACHE_SECONDS: a flood of hits costs one database query and one S3 HeadBucket per
 * process per period, not one each. That cache is per-process state, but only of a health
 * check: a process that has lost the database says so within a few seconds either way.
 * It also reports this instance's worker heartbeat without failing on it: a stuck worker must
 * not take the web processes out of the load balancer; the WorkerHeartbeat alarm covers it.
 */
export function healthRoutes({ db, storage, config }: Deps): Router {
  const router = Router();
  const host = hostname(); // the container's: its web processes and its worker share it
  const staleAfter = 3 * config.workerHeartbeatSeconds;

  const workerState = async (): Promise<WorkerState> => {
    const latest = await findLatestHeartbeat(db, host);
    if (!latest) return 'missing';
    return latest.age_seconds > staleAfter ? 'stale' : 'ok';
  };
  const check = async (): Promise<Readiness> => {
    const [database, bucket, worker] = await Promise.allSettled([
      withTimeout(db.raw('select 1'), 2000),
      withTimeout(checkBucket(storage), 2000),
      withTimeout(workerState(), 2000),
    ]);
    const ok = database.status === 'fulfilled' && bucket.status === 'fulfilled';
    return {
      ok,
      body: {
        status: ok ? 'ok' : 'unavailable',
        database: database.status === 'fulfilled' ? 'ok' : 'down',
        storage: bucket.status === 'fulfilled' ? 'ok' : 'down',
        worker: worker.status === 'fulfilled' ? worker.value : 'unknown',
      },
    };
  };

  // One check in flight at a time; its result serves every hit until it is too old.
  let cached: { at: number; result: Promise<Readiness> } | undefined;
  const readiness = (): Promise<Readiness> => {
    const now = Date.now();
    if (!cached || now - cached.at >= config.readyzCacheSeconds * 1000) cached = { at: now, result: check() };
    return cached.result;
  };

  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const { ok, body } = await readiness();
    if (!ok) req.log.warn(body, 'not ready');
    res.status(ok ? 200 : 503).set('Cache-Control', 'no-store').json(body);
  });
  return router;
}
