import type { z } from 'zod';
import { ValidationFailed, type FieldErrors } from './errors.js';

/** Parses untrusted input with a zod schema; the first problem of each field becomes its message. */
export function validate<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: FieldErrors = {};
  for (const issue of result.error.issues) {
    const name = String(issue.path[0] ?? 'form');
    // A nested JSON field says where it is ("tracks.0.gainDb: …"); form fields are flat.
    fields[name] ??= issue.path.length > 1 ? `${issue.path.join('.')}: ${issue.message}` : issue.message;
  }
  throw new ValidationFailed(fields);
}
