/** Every way a request can fail, as a closed union: clients switch on it, people read `message`. */
export const ERROR_CODES = [
  'invalid_payload',
  'unauthorized',
  'forbidden',
  /** The page embedding the widget is on a site outside ALLOWED_ORIGINS (socket connect_error). */
  'origin_not_allowed',
  /**
   * The site's signed user token was refused at the handshake (expired, altered, signed with
   * another secret, or the server verifies none): retrying with it cannot help, only the page can
   * send another one (`setUser`).
   */
  'user_refused',
  'not_found',
  'invalid_state',
  'conflict',
  'rate_limited',
  'too_large',
  /** A file whose bytes are not of a type the site accepts (issue 13: checked on content, not name). */
  'unsupported_type',
  /** A bound on how many of something may exist was reached (files in one conversation). */
  'too_many',
  'unavailable',
  // The server cannot store anything now (its disk is full, its database unreachable or read-only):
  // nothing was saved, and the same request may succeed shortly. Clients keep it and retry with backoff.
  'store_unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
  /**
   * With `rate_limited`: how long to wait before trying again (ms). Optional, so older clients
   * and servers keep working without it; over HTTP the same wait is also the `Retry-After` header.
   */
  retryAfterMs?: number;
}

/** The last argument of every client → server event: one shape for success and failure. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type Ack<T> = (result: AckResult<T>) => void;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
