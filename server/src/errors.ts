import type { ErrorBody, ErrorCode } from '@support-chat/shared';
import { ZodError } from 'zod';

/** The one error type of the domain: a code clients can switch on and a message people can read. */
export class ChatError extends Error {
  readonly code: ErrorCode;
  /** With `rate_limited`: when the caller may try again (ms from now), sent as `retryAfterMs`. */
  readonly retryAfterMs?: number;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown; retryAfterMs?: number }) {
    super(message, options);
    this.name = 'ChatError';
    this.code = code;
    if (options?.retryAfterMs !== undefined) this.retryAfterMs = Math.max(0, Math.ceil(options.retryAfterMs));
  }
}

/**
 * `rate_limited` with the wait (`retryAfterMs` on the wire). `flood`: the caller was already past
 * twice the limit, so it is not listening to refusals and is not worth a reply (connection-guard.ts).
 */
export class RateLimited extends ChatError {
  constructor(
    message: string,
    retryAfterMs: number,
    readonly flood = false,
  ) {
    super('rate_limited', `${message} Try again in ${readableWait(retryAfterMs)}.`, { retryAfterMs });
  }
}

/** "12 s", "40 min": the wait as people read it. */
function readableWait(ms: number): string {
  const seconds = Math.max(1, Math.ceil(ms / 1000));
  return seconds < 90 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`;
}

/** A readable one-line summary of a zod failure: `text: must not be empty; clientId: Required`. */
export function describeZodError(error: ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Maps anything thrown to the wire shape. Unknown errors become `internal` without leaking details. */
export function toErrorBody(error: unknown): ErrorBody {
  if (error instanceof ChatError) {
    // Only a refusal to go faster tells the client when to come back (not, say, a model's 429).
    return error.retryAfterMs === undefined || error.code !== 'rate_limited'
      ? { code: error.code, message: error.message }
      : { code: error.code, message: error.message, retryAfterMs: error.retryAfterMs };
  }
  if (error instanceof ZodError) return { code: 'invalid_payload', message: describeZodError(error) };
  return { code: 'internal', message: 'Something went wrong on the server. Please try again.' };
}

export function failure(error: unknown): { ok: false; error: ErrorBody } {
  return { ok: false, error: toErrorBody(error) };
}

export const HTTP_STATUS: Record<ErrorCode, number> = {
  invalid_payload: 400,
  unauthorized: 401,
  forbidden: 403,
  origin_not_allowed: 403,
  user_refused: 403,
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  rate_limited: 429,
  too_large: 413,
  unsupported_type: 415,
  too_many: 409,
  unavailable: 503,
  store_unavailable: 503,
  internal: 500,
};
