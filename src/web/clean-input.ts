import type { RequestHandler } from 'express';
import { BadRequest, NotFound } from './errors.js';

/**
 * PostgreSQL text cannot hold a NUL character: one reaching a query is a 500 from the
 * driver. It is refused here, once, for every URL, query string and form or JSON body, so
 * each later form inherits the check (multipart fields: see web/upload.ts).
 */
export const refuseNulBytes: RequestHandler = (req, _res, next) => {
  // A NUL in a path segment (an id, a slug, a nickname) names nothing that exists.
  if (/%00/.test(req.path) || req.path.includes('\0')) return next(new NotFound());
  const field = nulField(req.query) ?? nulField(req.body);
  if (field !== undefined) return next(nulError(field));
  next();
};

export function nulError(field: string): BadRequest {
  return new BadRequest(`The field "${field}" contains a NUL character (\\0); remove it and send the form again.`);
}

/** The name (dotted path) of the first field whose key or text holds a NUL, if any. */
export function nulField(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\0') ? path || 'body' : undefined;
  if (typeof value !== 'object' || value === null) return undefined;
  for (const [key, item] of Object.entries(value)) {
    const at = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return at.replaceAll('\0', '\\0');
    const found = nulField(item, at);
    if (found !== undefined) return found;
  }
  return undefined;
}

// C0/C1 controls, the bidi embeddings/overrides/isolates and marks (U+202E shows
// "x\u202Eexe.mp3" as "x3pm.exe"), line/paragraph separators and the BOM.
const UNSAFE_IN_NAMES = /[\p{Cc}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029\ufeff]/gu;

/** A file name as the uploader typed it, minus characters that hide or fake what it says. */
export function cleanFileName(name: string): string {
  return name.normalize('NFC').replace(UNSAFE_IN_NAMES, '').trim();
}

/**
 * For routes that read a plain form: a body the parsers did not read (multipart, text/plain,
 * none at all) leaves `req.body` undefined, which is a bad request, not a crash.
 */
export const requireFormBody: RequestHandler = (req, _res, next) => {
  if (req.body && typeof req.body === 'object' && !Array.isArray(req.body) && req.is(['application/x-www-form-urlencoded', 'application/json'])) return next();
  next(new BadRequest('Send this form as application/x-www-form-urlencoded, as the page’s own form does.'));
};
