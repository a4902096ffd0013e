import type { RequestHandler } from 'express';
import { ChatError } from '../errors.js';

/**
 * Whether a browser request comes from the server's own origin. Browsers send cookies with
 * cross-site WebSocket handshakes and with form POSTs from another port or subdomain of the same
 * site (SameSite=Lax does not stop those), and they always send `Origin` with them; a request
 * without one is not a browser's (tests, server-to-server): the cookie alone decides.
 */
export function sameOrigin(origin: string | undefined, host: string | undefined): boolean {
  if (!origin) return true;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Refuses state-changing requests from other origins on the cookie-authenticated API (issue 11:
 * a form POST from another port logged an agent out and triggered a re-index).
 */
export function refuseCrossOriginWrites(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method) || sameOrigin(req.headers.origin, req.headers.host)) return next();
    next(new ChatError('forbidden', 'This request came from another site: the console API only accepts its own pages.'));
  };
}
