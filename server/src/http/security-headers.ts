import helmet from 'helmet';
import type { RequestHandler } from 'express';

/**
 * The headers of every page and API response (issue 11: the demo and help pages had no CSP and
 * could be framed; nothing sent HSTS). One policy for the demo, the help pages and the console,
 * which run only this server's own bundles (/widget/, /console/) and talk only to this server.
 *
 * - `script-src 'self'`, no inline scripts or handlers: nothing on our pages needs one.
 * - `style-src 'unsafe-inline'`: the console's and help pages' `<style>` blocks, style attributes
 *   in the console's templates, and Lit's fallback (it writes `<style>` elements where a browser
 *   has no constructable stylesheets). CSS cannot run script; the page markup is never built
 *   from strings anyway (Lit templates; Markdown without HTML).
 * - `connect-src 'self'` covers the socket: CSP 3 matches ws(s): of the page's own host.
 * - No `upgrade-insecure-requests` (helmet's default): a server on plain http (the demo, a LAN)
 *   would have its own scripts upgraded to an https that is not there. HSTS is ignored over http.
 * - `frame-ancestors 'none'` + X-Frame-Options: no page of ours is meant to be framed.
 *
 * The widget bundle is served to other sites by static-routes.ts, which widens CORP for it.
 */
export function securityHeaders(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'script-src-attr': ["'none'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'data:'],
        'connect-src': ["'self'"],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
      },
    },
    xFrameOptions: { action: 'deny' },
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    strictTransportSecurity: { maxAge: 365 * 24 * 3600, includeSubDomains: true },
  }) as RequestHandler;
}
