/** Every way a request can fail, as a closed union: clients switch on it, people read `message`. */
export const ERROR_CODES = [
  'invalid_payload',
  'unauthorized',
  'forbidden',
  /** The page embedding the widget is on a site outside ALLOWED_ORIGINS (socket connect_error). */
  'origin_not_allowed',
  'not_found',
  'invalid_state',
  'conflict',
  'rate_limited',
  'too_large',
  'unavailable',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

/** The last argument of every client → server event: one shape for success and failure. */
export type AckResult<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

export type Ack<T> = (result: AckResult<T>) => void;

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}
