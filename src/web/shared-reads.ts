import type { RequestHandler } from 'express';
import { LRUCache } from 'lru-cache';

/**
 * Reads every viewer gets alike (a list of songs, a song's parts, a profile's songs), shared
 * between the requests of one process for a second or two. A busy page is then read from
 * PostgreSQL once per window, not once per visitor: the statements and their pg round trips
 * were most of a page's cost (docs/PERFORMANCE.md). What differs per viewer (their likes, their
 * follows, their badges) is never shared.
 *
 * The invariant: a musician always sees their own change at once. Every state-changing request
 * (any method but GET and HEAD) sets a short-lived cookie, and a request carrying it reads
 * PostgreSQL directly until the cookie is older than any shared read could be. Other
 * people's changes may show up to `seconds` late, as with nginx's page cache.
 */
export type SharedRead = <T>(key: string, load: () => Promise<T>) => Promise<T>;

/** Set by a state-changing request; while present, that browser's reads are its own. */
export const WROTE_COOKIE = 'soundhub.wrote';

const direct: SharedRead = (_key, load) => load();

/** A process-wide cache of reads, `seconds` long (0: none), and the middleware that gives each request its `req.shared`. */
export function sharedReads(seconds: number): RequestHandler {
  if (seconds <= 0) {
    return (req, _res, next) => {
      req.shared = direct;
      next();
    };
  }
  // lru-cache's fetch() runs one load per key at a time: a burst of visitors waits for the
  // first one's read instead of each starting its own. Values are boxed, as undefined is "missing".
  const cache = new LRUCache<string, { value: unknown }, () => Promise<unknown>>({
    max: 5000,
    ttl: seconds * 1000,
    fetchMethod: async (_key, _stale, { context }) => ({ value: await context() }),
  });
  const shared: SharedRead = async <T>(key: string, load: () => Promise<T>) => (await cache.fetch(key, { context: load }))!.value as T;
  const cookieAge = seconds + 3;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.cookie(WROTE_COOKIE, '1', { maxAge: cookieAge * 1000, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
      req.shared = direct;
    } else {
      req.shared = wroteRecently(req.headers.cookie) ? direct : shared;
    }
    next();
  };
}

const wroteRecently = (header: string | undefined) => /(?:^|;\s*)soundhub\.wrote=/.test(header ?? '');
