import type { Request, RequestHandler } from 'express';
import type { Metrics } from '../metrics/metrics.js';

/**
 * The route group of a request, from its first path segment through a fixed list: a handful
 * of values, never an id, nickname or query (each distinct value is a CloudWatch metric and a
 * Prometheus series). Multipart POSTs are `uploads` wherever they go.
 */
const GROUPS: Record<string, string> = {
  '': 'pages',
  posts: 'pages',
  contributions: 'pages',
  users: 'pages',
  genres: 'pages',
  instruments: 'pages',
  'looking-for': 'pages',
  settings: 'pages',
  search: 'pages',
  messages: 'pages',
  notifications: 'pages',
  comments: 'pages',
  oembed: 'pages',
  signup: 'auth',
  login: 'auth',
  logout: 'auth',
  password: 'auth',
  'verify-email': 'auth',
  auth: 'auth',
  tracks: 'audio',
  api: 'api',
  healthz: 'health',
  readyz: 'health',
  public: 'static',
};

export function routeGroup(req: Pick<Request, 'method' | 'path' | 'headers'>): string {
  if (req.method === 'POST' && /^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) return 'uploads';
  const first = req.path.split('/')[1] ?? '';
  return Object.hasOwn(GROUPS, first) ? GROUPS[first]! : 'other';
}

/** Counts every request when its response is done (or the client gave up: status 499). */
export function requestMetrics(metrics: Metrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    // Now, while req.path is the whole path (a mounted router shortens it while it runs).
    const group = routeGroup(req);
    let counted = false;
    const count = () => {
      if (counted) return;
      counted = true;
      const status = res.writableFinished ? res.statusCode : 499;
      metrics.request(group, status, performance.now() - started);
      if (req.file && status < 400) metrics.upload(req.file.size);
    };
    res.once('finish', count);
    res.once('close', count);
    next();
  };
}
