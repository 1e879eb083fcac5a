import { Router } from 'express';
import type { Deps } from '../deps.js';
import { checkBucket } from '../storage/s3.js';

const withTimeout = <T>(p: Promise<T>, ms: number) =>
  Promise.race([p, new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms).unref())]);

/** /healthz: the process answers. /readyz: it can do its work (database and bucket answer). */
export function healthRoutes({ db, storage }: Deps): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ status: 'ok' });
  });
  router.get('/readyz', async (req, res) => {
    const [database, bucket] = await Promise.allSettled([withTimeout(db.raw('select 1'), 2000), withTimeout(checkBucket(storage), 2000)]);
    const ok = database.status === 'fulfilled' && bucket.status === 'fulfilled';
    if (!ok) req.log.warn({ database: database.status, storage: bucket.status }, 'not ready');
    res
      .status(ok ? 200 : 503)
      .set('Cache-Control', 'no-store')
      .json({ status: ok ? 'ok' : 'unavailable', database: database.status === 'fulfilled' ? 'ok' : 'down', storage: bucket.status === 'fulfilled' ? 'ok' : 'down' });
  });
  return router;
}
