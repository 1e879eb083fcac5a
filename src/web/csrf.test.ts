import type { RequestHandler } from 'express';
import { describe, expect, it } from 'vitest';
import { checksCsrfItself, uploadRoute } from './csrf.js';

describe('uploadRoute', () => {
  const handler: RequestHandler = (_req, res) => res.end();

  it('refuses to build a route that defers the CSRF check without a middleware that checks it', () => {
    expect(() => uploadRoute('/posts/:id/anything', handler)).toThrow('POST /posts/:id/anything: an upload route needs a middleware that checks the CSRF token itself');
  });

  it('builds the route when one of its middlewares checks the token itself', () => {
    const router = uploadRoute('/posts', checksCsrfItself((_req, _res, next) => next()), handler);
    expect(router.stack).toHaveLength(1);
  });
});
