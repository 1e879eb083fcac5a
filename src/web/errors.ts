/**
 * The errors a user may see. Each carries a status, a stable code and a message that is
 * safe to show; anything else is a bug, logged and shown as a generic 500 (see handler.ts).
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export type FieldErrors = Record<string, string>;

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
export class PayloadTooLarge extends HttpError {
  constructor(message: string) {
    super(413, 'payload_too_large', message);
  }
}
export class UnsupportedMediaType extends HttpError {
  constructor(message: string) {
    super(415, 'unsupported_media_type', message);
  }
}
export class ValidationFailed extends HttpError {
  readonly fields: FieldErrors;
  constructor(fields: FieldErrors, message = 'Please check the highlighted fields.') {
    super(422, 'validation_failed', message);
    this.fields = fields;
  }
}
export class Unavailable extends HttpError {
  constructor(message = 'The service is unavailable right now. Please try again shortly.') {
    super(503, 'unavailable', message);
  }
}

/** Throws 403, or 404 when the object's existence itself must stay hidden. */
export function authorize(allowed: boolean, hide = false): asserts allowed {
  if (!allowed) throw hide ? new NotFound() : new Forbidden();
}
