import type { ErrorRequestHandler, Response } from 'express';
import { ChatError, HTTP_STATUS, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';

export function sendData<T>(res: Response, data: T, status = 200): void {
  res.status(status).json({ ok: true, data });
}

/**
 * The one place an HTTP error becomes a response: `{ ok: false, error: { code, message } }`, and a
 * `Retry-After` (seconds) when the error says how long to wait (issue 11).
 */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, _req, res, _next) => {
    // Express's body parser reports oversized and malformed bodies with a status of its own.
    const status = (error as { status?: number; type?: string }).status;
    const body =
      status === 413
        ? { code: 'too_large' as const, message: 'The request body is too large.' }
        : status === 400 && (error as { type?: string }).type === 'entity.parse.failed'
          ? { code: 'invalid_payload' as const, message: 'The request body is not valid JSON.' }
          : isRequestFault(error, status)
            ? { code: 'invalid_payload' as const, message: clientErrorMessage(error) }
            : toErrorBody(error);
    if (body.code === 'internal') logger.error({ err: error }, 'request failed');
    if (body.retryAfterMs !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(body.retryAfterMs / 1000))));
    if (body.code === 'store_unavailable') logger.warn({ err: error }, 'request failed: the store is unavailable');
    res.status(HTTP_STATUS[body.code]).json({ ok: false, error: body });
  };
}

/**
 * The request's own fault, found by Express or its body parser before any route ran: a path
 * with malformed percent-encoding (`/attachments/%ZZ`), a body that says gzip but is not. They
 * answered 500 `internal` and logged an error with its stack, which any stranger could repeat
 * to flood the log (a security probe). Their own messages name internals (zlib's), so ours.
 */
function isRequestFault(error: unknown, status: number | undefined): boolean {
  if (status === undefined || status < 400 || status >= 500) return false;
  // The router's failed decoding, and the body parser's own errors (http-errors, `expose`): not
  // any error with a 4xx status (an SDK's 401 reaching here must still be logged as ours).
  return error instanceof URIError || (error as { expose?: unknown }).expose === true;
}

function clientErrorMessage(error: unknown): string {
  if (error instanceof URIError) return 'The request URL is not valid: it has malformed percent-encoding.';
  const type = (error as { type?: string }).type;
  if (type === 'encoding.unsupported') return 'The request body\'s Content-Encoding is not supported.';
  if ((error as { code?: string }).code?.startsWith('Z_')) return 'The request body is not valid for its Content-Encoding.';
  return 'The request is not valid.';
}

export const notFound = (what: string) => new ChatError('not_found', `${what} not found`);
