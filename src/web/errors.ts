/**
 * The errors a user may see. Each carries a status, a stable code and a message that is
 * safe to show; anything else is a bug, logged and shown as a generic 500 (see handler.ts).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  /** Values for the message's {{placeholders}}: the message itself is the translation key. */
  params?: Record<string, string | number>;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
  withParams(params: Record<string, string | number>): this {
    this.params = params;
    // A refused file names its field with the same message: it gets the values too.
    const fields = (this as { fields?: FieldErrors }).fields;
    if (fields) for (const [k, v] of Object.entries(fields)) if (v === this.message) fields[k] = { message: this.message, params };
    return this;
  }
}

/** A message to show: its English text (the translation key), with values for its {{placeholders}} when it has any. */
export type Message = string | { message: string; params: Record<string, string | number> };
export type FieldErrors = Record<string, Message>;

/** What a form shows for a refusal: the error's message, with its values. */
export const messageOf = (err: HttpError): Message => (err.params ? { message: err.message, params: err.params } : err.message);

export class BadRequest extends HttpError {
  constructor(message = 'That request could not be understood.') {
    super(400, 'bad_request', message);
  }
}
export class Unauthorized extends HttpError {
  constructor(message = 'Please log in first.') {
    super(401, 'unauthorized', message);
  }
}
export class Forbidden extends HttpError {
  constructor(message = 'You are not allowed to do that.') {
    super(403, 'forbidden', message);
  }
}
export class NotFound extends HttpError {
  constructor(message = 'We could not find that page.') {
    super(404, 'not_found', message);
  }
}
export class Conflict extends HttpError {
  constructor(message: string) {
    super(409, 'conflict', message);
  }
}
// A refused file may name its form field, so a form with two files shows the message under the right one.
export class PayloadTooLarge extends HttpError {
  readonly fields?: FieldErrors;
  constructor(message: string, field?: string) {
    super(413, 'payload_too_large', message);
    if (field) this.fields = { [field]: message };
  }
}
export class UnsupportedMediaType extends HttpError {
  readonly fields?: FieldErrors;
  constructor(message: string, field?: string) {
    super(415, 'unsupported_media_type', message);
    if (field) this.fields = { [field]: message };
  }
}
export class ValidationFailed extends HttpError {
  readonly fields: FieldErrors;
  constructor(fields: FieldErrors, message = 'Please check the highlighted fields.') {
    super(422, 'validation_failed', message);
    this.fields = fields;
  }
}
export class RateLimited extends HttpError {
  /** Seconds until the limit lifts, sent as Retry-After. */
  readonly retryAfterSeconds: number;
  constructor(retryAfterSeconds: number, message: string) {
    super(429, 'rate_limited', message);
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
export class Unavailable extends HttpError {
  constructor(message = 'The service is unavailable right now. Please try again shortly.') {
    super(503, 'unavailable', message);
  }
}

/** A form of a request the site does not offer (oEmbed's format=xml). */
export class NotImplemented extends HttpError {
  constructor(message: string) {
    super(501, 'not_implemented', message);
  }
}

/** The per-field messages an error carries (a form is shown again with them), if any. */
export function fieldErrorsOf(err: unknown): FieldErrors | undefined {
  return err instanceof HttpError ? (err as { fields?: FieldErrors }).fields : undefined;
}

/** Throws 403, or 404 when the object's existence itself must stay hidden. */
export function authorize(allowed: boolean, hide = false): asserts allowed {
  if (!allowed) throw hide ? new NotFound() : new Forbidden();
}

const BRIEFLY = 'SoundHub is briefly unavailable: part of the site is not answering. Please try again in a minute; nothing you sent was kept.';
// Node socket errors that mean "the other side is not there (yet)".
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);
// PostgreSQL SQLSTATEs of a server going away or refusing connections for now:
// admin/crash shutdown, cannot connect now, too many connections, connection failures.
const PG_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '53300', '08000', '08001', '08003', '08006']);

/**
 * The one place an outage is recognised: PostgreSQL down or restarting (pg, knex's pool,
 * the session store), or S3 unreachable. Those become `Unavailable` (503), which clears by
 * itself when the service returns; anything else stays a bug.
 */
export function unavailableFrom(err: unknown, depth = 0): Unavailable | undefined {
  if (!err || typeof err !== 'object' || depth > 4) return undefined;
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown; $metadata?: { httpStatusCode?: number } };
  if (typeof e.code === 'string' && (NETWORK_CODES.has(e.code) || PG_UNAVAILABLE.has(e.code))) return new Unavailable(BRIEFLY);
  // knex: "Timeout acquiring a connection" (the pool could not reach the server in time).
  if (e.name === 'KnexTimeoutError') return new Unavailable(BRIEFLY);
  // pg: the server closed the socket under a running query.
  if (typeof e.message === 'string' && /^Connection terminated( unexpectedly|due to connection timeout)?/.test(e.message)) return new Unavailable(BRIEFLY);
  // AWS SDK: a request that timed out, or S3 itself answering 503 (SlowDown, ServiceUnavailable).
  if (e.name === 'TimeoutError' || e.name === 'RequestTimeout' || e.$metadata?.httpStatusCode === 503) return new Unavailable(BRIEFLY);
  // Node wraps happy-eyeballs failures in an AggregateError; libraries wrap in `cause`.
  if (Array.isArray(e.errors) && e.errors.some((inner) => unavailableFrom(inner, depth + 1))) return new Unavailable(BRIEFLY);
  return unavailableFrom(e.cause, depth + 1);
}

