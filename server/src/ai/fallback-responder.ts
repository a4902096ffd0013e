/**
 * Tries `primary` (the model) and, when it fails with a `ResponderError`, answers with
 * `fallback` (the offline responder): a visitor gets the knowledge base's answer instead of an
 * error when the provider is down, slow or rate limiting.
 *
 * If the primary had already streamed tokens, they are void: the request's `onReset` is called
 * before the fallback streams its own answer (see `ResponderRequest.onReset`). Without `onReset`
 * the fallback does not stream; its final answer replaces the partial one.
 *
 * Not a fallback: an `aborted` request (nobody wants an answer) and errors that are not
 * `ResponderError`s (bugs, which must surface rather than hide behind a working fallback).
 */
import { ResponderError } from './responder-error.js';
import type { Responder, ResponderAnswer, ResponderRequest } from './types.js';

export interface FallbackOptions {
  /** Told about every failure the fallback covers (for logs and metrics). */
  onFallback?: (error: ResponderError) => void;
}

export function createFallbackResponder(
  primary: Responder,
  fallback: Responder,
  { onFallback }: FallbackOptions = {},
): Responder {
  return {
    name: primary.name,
    async answer(request: ResponderRequest): Promise<ResponderAnswer> {
      let streamed = false;
      try {
        return await primary.answer({
          ...request,
          onToken: request.onToken
            ? (delta) => {
                streamed = true;
                request.onToken!(delta);
              }
            : undefined,
          onReset: request.onReset
            ? () => {
                streamed = false;
                request.onReset!();
              }
            : undefined,
        });
      } catch (error) {
        if (!(error instanceof ResponderError) || error.reason === 'aborted' || request.signal?.aborted) throw error;
        onFallback?.(error);
        if (!streamed) return fallback.answer(request);
        if (request.onReset) {
          request.onReset();
          return fallback.answer(request);
        }
        return fallback.answer({ ...request, onToken: undefined });
      }
    },
  };
}
