import type { Request, Response } from 'express';
import { z } from 'zod';
import { validate } from './validate.js';

/**
 * The body of a like or follow button: the state wanted (`on=1` or `on=0`) rather than
 * "toggle", so a repeated or replayed request changes nothing; `back` is where the plain
 * form returns to.
 */
const toggleSchema = z.object({
  on: z.enum(['1', '0'], { error: 'Say on=1 or on=0.' }),
  back: z.string().optional(),
});

export function readToggle(req: Request): boolean {
  return validate(toggleSchema, req.body).on === '1';
}

/** A path on this site only: "/x" but not "//evil.example" or "/\evil" (an open redirect). */
export function safeBack(value: unknown, fallback: string): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) ? value : fallback;
}

/** JSON for the client module (no reload), else 303 back to the page the form was on. */
export function answerToggle(req: Request, res: Response, body: object, fallback: string): void {
  if (req.accepts(['html', 'json']) === 'json') {
    res.json(body);
    return;
  }
  res.redirect(303, safeBack((req.body as { back?: unknown }).back, fallback));
}
