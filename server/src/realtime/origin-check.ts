/**
 * ALLOWED_ORIGINS for the widget's socket (issue 11). CORS never applied to WebSockets, so it
 * stopped nothing: a page on any site chatted and got AI answers.
 *
 * The refusal is the `/visitor` namespace's first middleware, not Engine.IO's `allowRequest`: it
 * runs before the socket joins anything or handles any event, on every transport, and its error
 * reaches the widget as `connect_error` data (`origin_not_allowed`), which the visitor is shown;
 * a refused Engine.IO handshake is only a transport error that the client retries for ever.
 * Engine.IO's handshake is therefore open to every page (CORS without credentials), and each
 * later request of a session must come from the page that opened it (`pinSessionOrigin`).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server } from 'socket.io';
import type { ErrorBody } from '@support-chat/shared';
import type { OriginPolicy } from '../http/origins.js';
import type { VisitorNamespace } from './types.js';

/** The socket error the client receives: `err.message`, and `err.data` with the code. */
export class HandshakeError extends Error {
  readonly data: ErrorBody;

  constructor(body: ErrorBody) {
    super(body.message);
    this.data = body;
  }
}

export function refuseForeignOrigins(namespace: VisitorNamespace, policy: OriginPolicy): void {
  if (policy.open) return;
  namespace.use((socket, next) => {
    const { origin, host } = socket.handshake.headers;
    if (policy.allows(origin, host)) return next();
    next(
      new HandshakeError({
        code: 'origin_not_allowed',
        message: `The chat is not available on ${origin}: this site is not in the server's ALLOWED_ORIGINS.`,
      }),
    );
  });
}

type EngineRequest = IncomingMessage & { _query?: Record<string, string> };

/**
 * The namespace check reads the `Origin` of a session's first request. A session id is no
 * credential, so without this, a script elsewhere could open a session with a listed `Origin`
 * (any non-browser can write one) and hand its id to a page on an unlisted site to carry on.
 */
export function pinSessionOrigin(io: Server, policy: OriginPolicy): void {
  if (policy.open) return;
  // `clients` (sessions by id) is in Engine.IO's documented API, typed `protected`.
  const sessions = (io.engine as unknown as { clients: Record<string, { request: IncomingMessage } | undefined> }).clients;
  io.engine.use((req: EngineRequest, _res: ServerResponse, next: (error?: Error) => void) => {
    const sid = req._query?.sid;
    const session = sid ? sessions[sid] : undefined;
    const { origin, host } = req.headers;
    if (!session || !origin || origin === session.request.headers.origin || policy.allows(origin, host)) return next();
    next(new Error(`request from ${origin} for a session opened by another page`));
  });
}
