import { ChatError } from '../errors.js';

/**
 * Why a responder could not answer. Everything but `aborted` means "try another responder":
 * `createFallbackResponder` switches on it.
 * - `aborted`: the caller's signal fired (a person took over, shutdown). Not a failure.
 * - `timeout`: no first token, or no next token, within the time limit.
 * - `rate_limited`: the provider said 429.
 * - `unavailable`: the provider is unreachable or answered 5xx.
 * - `rejected`: the provider refused the request (401, 403, 404 model, 400): a setup problem.
 * - `interrupted`: the stream broke off before the model finished.
 * - `bad_response`: the provider answered, but with nothing usable.
 */
export type ResponderFailure =
  | 'aborted'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'rejected'
  | 'interrupted'
  | 'bad_response';

/**
 * The domain's `ChatError` with code `unavailable` (the visitor's request is fine; the AI is not),
 * plus the reason, which decides whether falling back makes sense. The provider's own error is
 * the `cause`.
 */
export class ResponderError extends ChatError {
  readonly reason: ResponderFailure;
  /** Part of the failed answer already reached the visitor (a retry would show it twice). */
  readonly streamed: boolean;
  // `retryAfterMs` (ChatError's): how long the provider asked us to wait (a 429's Retry-After), when it said.

  constructor(
    reason: ResponderFailure,
    message: string,
    options?: { cause?: unknown; streamed?: boolean; retryAfterMs?: number },
  ) {
    super('unavailable', message, options);
    this.name = 'ResponderError';
    this.reason = reason;
    this.streamed = options?.streamed ?? false;
  }
}

/** Throws `aborted` when the caller no longer wants the answer. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new ResponderError('aborted', 'The answer is no longer wanted', { cause: signal.reason });
}
