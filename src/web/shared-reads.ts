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
 * people's changes may show up to 2 × `seconds` late (a value is served for `seconds`, and for
 * as long again while it is read afresh).
 */
export type SharedRead = <T>(key: string, load: () => Promise<T>) => Promise<T>;

/** Set by a state-changing request; while present, that browser's reads are its own. */
export const WROTE_COOKIE = 'soundhub.wrote';

/** Whether a Cookie header carries the cookie a state change sets (WROTE_COOKIE). */
export const wroteRecently = (header: string | undefined) => /(?:^|;\s*)soundhub\.wrote=/.test(header ?? '');

/** No sharing: every read goes to PostgreSQL (a state-changing request, a polling JSON, the tests). */
export const readAfresh: SharedRead = (_key, load) => load();

/** A process-wide cache of reads, `seconds` long (0: none), and the middleware that gives each request its `req.shared`. */
export function sharedReads(seconds: number): RequestHandler {
  if (seconds <= 0) {
    return (req, _res, next) => {
      req.shared = readAfresh;
      next();
    };
  }
  // A key's read is shared for `seconds`; for as long again the last value is still served
  // while one request reads it afresh in the background (as nginx's proxy_cache_use_stale
  // updating), so a slow read (a song with 150 000 parts) never holds up the visitors behind
  // it. One read per key at a time; a burst waits for it instead of each starting its own.
  // Written here rather than with lru-cache's fetch(): its allowStale serves a stale value
  // however old it is, where this one must be at most 2 × `seconds` old.
  interface Entry {
    value?: unknown;
    at: number;
    reading?: Promise<unknown> | undefined;
  }
  const entries = new LRUCache<string, Entry>({ max: 5000 });
  const fresh = seconds * 1000;
  const read = (key: string, entry: Entry | undefined, load: () => Promise<unknown>): Promise<unknown> => {
    if (entry?.reading) return entry.reading;
    const kept: Entry = entry ?? { at: 0 };
    kept.reading = load().then(
      (value) => {
        entries.set(key, { value, at: Date.now() });
        return value;
      },
      (err: unknown) => {
        kept.reading = undefined;
        if (!('value' in kept)) entries.delete(key);
        throw err;
      },
    );
    if (!entry) entries.set(key, kept);
    return kept.reading;
  };
  const shared: SharedRead = async <T>(key: string, load: () => Promise<T>) => {
    const entry = entries.get(key);
    if (entry && 'value' in entry) {
      const age = Date.now() - entry.at;
      if (age < fresh) return entry.value as T;
      if (age < 2 * fresh) {
        // Its reader's own request gets the error if the read fails; these get the last value.
        read(key, entry, load).catch(() => undefined);
        return entry.value as T;
      }
    }
    return (await read(key, entry, load)) as T;
  };
  // Longer than any shared value can be old, so a musician's next pages read what they changed.
  const cookieAge = 2 * seconds + 1;
  return (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.cookie(WROTE_COOKIE, '1', { maxAge: cookieAge * 1000, httpOnly: true, sameSite: 'lax', secure: req.secure, path: '/' });
      req.shared = readAfresh;
    } else {
      req.shared = wroteRecently(req.headers.cookie) ? readAfresh : shared;
    }
    next();
  };
}
