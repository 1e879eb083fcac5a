import type { RequestHandler, Response } from 'express';
import { LRUCache } from 'lru-cache';
import { wroteRecently } from './shared-reads.js';

interface Kept {
  html: string;
  headers: Record<string, string | number | string[]>;
}

/** Headers every request sets for itself (ids, cookies, timing); the rest of a kept page's are replayed. */
const OWN_HEADERS = new Set(['set-cookie', 'x-request-id', 'content-length', 'etag', 'date', 'connection', 'keep-alive']);

/**
 * Pages rendered for visitors without a session, shared for `seconds` between the visitors of
 * one web process, keyed by URL, language, theme and Accept. nginx's page cache
 * (nginx.conf) already shares what a visitor with no cookie at all gets, but any cookie (the
 * theme or language switch, a site's analytics) bypasses it; this serves those visitors too.
 *
 * A page is kept only when the request had no session cookie, rendering it stored nothing in
 * a session (a form's CSRF token would have) and it is not marked no-store or private, so
 * nothing in it belongs to anyone: no token, no name, no notice. A signed-in musician, anyone
 * with a session and anyone who just changed something (shared-reads.ts) is never served from it.
 */
export function visitorPages(seconds: number): RequestHandler {
  if (seconds <= 0) return (_req, _res, next) => next();
  const pages = new LRUCache<string, Kept>({ max: 2000, maxSize: 64 * 1024 * 1024, sizeCalculation: (kept) => kept.html.length * 2 + 512, ttl: seconds * 1000 });
  const sid = /(?:^|;\s*)soundhub\.sid=/;
  return (req, res, next) => {
    const cookies = req.headers.cookie ?? '';
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.user || sid.test(cookies) || wroteRecently(cookies)) return next();
    const key = [req.originalUrl, res.locals.lang, res.locals.theme, req.headers.accept].join('\u0000');
    const kept = pages.get(key);
    if (kept) {
      for (const [name, value] of Object.entries(kept.headers)) if (!res.hasHeader(name)) res.setHeader(name, value);
      res.status(200).send(kept.html);
      return;
    }
    const render: Response['render'] = res.render.bind(res);
    res.render = ((view: string, options?: object, callback?: (err: Error, html: string) => void) => {
      if (typeof options === 'function' || callback) return render(view, options, callback);
      render(view, options, (err: Error | null, html: string) => {
        if (err) return req.next?.(err);
        const stored = Object.keys(req.session ?? {}).some((k) => k !== 'cookie');
        const private_ = /no-store|private/.test(String(res.getHeader('cache-control') ?? ''));
        if (res.statusCode === 200 && !stored && !private_ && !res.hasHeader('set-cookie')) {
          const headers = Object.fromEntries(Object.entries(res.getHeaders()).filter(([name, value]) => value !== undefined && !OWN_HEADERS.has(name))) as Kept['headers'];
          pages.set(key, { html, headers });
        }
        res.send(html);
      });
    });
    next();
  };
}
