import type { ErrorBody, ErrorCode } from '@support-chat/shared';
import { ZodError } from 'zod';

/** The one error type of the domain: a code clients can switch on and a message people can read. */
export class ChatError extends Error {
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ChatError';
    this.code = code;
  }
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
  if (error instanceof ChatError) return { code: error.code, message: error.message };
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
  not_found: 404,
  invalid_state: 409,
  conflict: 409,
  rate_limited: 429,
  too_large: 413,
  unavailable: 503,
  internal: 500,
};
