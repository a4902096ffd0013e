import type { IncomingMessage } from 'node:http';
import type { ErrorBody } from '@support-chat/shared';
import type { Server } from 'socket.io';
import { ChatError, RateLimited, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import type { RateLimits } from './rate-limits.js';

/** What the guard needs of a namespace's socket (both namespaces' sockets have it). */
interface GuardedSocket {
  request: IncomingMessage;
  data: object;
  conn: { close(): void };
}

/** A middleware's refusal as Socket.IO carries it: the code as the message, the body as `data`. */
export function handshakeRefusal(error: unknown): Error & { data: ErrorBody } {
  const body = toErrorBody(error);
  return Object.assign(new Error(body.code), { data: body });
}

/** How long a handshake may take from `allowRequest` to its connection before its place is freed. */
const HANDSHAKE_MS = 10_000;
/** A refused client usually hangs up itself once told why; one that does not is hung up on after this. */
const REFUSED_LINGER_MS = 1000;
/** Past the open-socket limit there is no natural wait: the visitor is asked to come back after this. */
const OPEN_SOCKETS_RETRY_MS = 30_000;

/**
 * Connections per address (issue 11: one address had opened 3,000 idle sockets in 2.3 s). Two
 * bounds: new connections per minute (`RateLimits.connection`, shared across processes) and sockets
 * held open at once (counted here, per process; nginx's `hash $remote_addr` sends an address to
 * one process anyway).
 *
 * Both are checked in engine.io's `allowRequest`, before the WebSocket handshake. Past a limit the
 * connection is still made, so the client can be told why and for how long (`rate_limited` with
 * `retryAfterMs` on `connect_error`, from `middleware`), then closed. Past twice a limit a client
 * is not listening: it gets a bare 403 and costs nothing more.
 */
export class ConnectionGuard {
  private readonly open = new Map<string, number>();
  private readonly refusals = new WeakMap<IncomingMessage, ChatError>();
  /** Places taken by handshakes that have not become connections yet. */
  private readonly pending = new Map<IncomingMessage, { address: string; timer: NodeJS.Timeout }>();

  constructor(
    private readonly limits: RateLimits,
    private readonly addressOf: (req: IncomingMessage) => string,
    private readonly logger: Logger,
  ) {}

  /** engine.io's `allowRequest` (the `Server` option), called once per new connection. */
  readonly allowRequest = (req: IncomingMessage, callback: (message: string | null | undefined, success: boolean) => void): void => {
    const address = this.addressOf(req);
    const held = this.open.get(address) ?? 0;
    const max = this.limits.openSocketsPerAddress;
    if (held >= 2 * max) return callback('rate_limited: too many open connections from this address', false);
    // The place is taken now: handshakes arriving together must not all see the same count.
    this.take(req, address);
    if (held >= max) {
      this.refusals.set(req, new RateLimited('Too many open connections from your network.', OPEN_SOCKETS_RETRY_MS));
    }
    this.limits.connection(address).then(
      () => callback(null, true),
      (error: unknown) => {
        if (error instanceof RateLimited && error.flood) {
          this.release(req);
          return callback('rate_limited: too many connections from this address', false);
        }
        if (error instanceof ChatError) this.refusals.set(req, error);
        else this.logger.warn({ err: error }, 'the connection limit could not be checked');
        callback(null, true);
      },
    );
  };

  /** Follows the engine's connections so each address's count drops as they close. */
  attach(io: Server): void {
    io.engine.on('connection', (conn: { request: IncomingMessage; once(event: 'close', listener: () => void): void }) => {
      const taken = this.pending.get(conn.request);
      if (!taken) return;
      clearTimeout(taken.timer);
      this.pending.delete(conn.request);
      conn.once('close', () => this.change(taken.address, -1));
    });
    io.engine.on('connection_error', (error: { req?: IncomingMessage }) => {
      if (error.req) this.release(error.req);
    });
  }

  /** Namespace middleware, first of each namespace: names the socket's address and refuses past a limit. */
  readonly middleware = (socket: GuardedSocket, next: (error?: Error) => void): void => {
    (socket.data as { address?: string }).address = this.addressOf(socket.request);
    const refusal = this.refusals.get(socket.request);
    if (!refusal) return next();
    next(handshakeRefusal(refusal));
    setTimeout(() => socket.conn.close(), REFUSED_LINGER_MS).unref();
  };

  /** Sockets open (or being opened) from `address` on this process. */
  openFrom(address: string): number {
    return this.open.get(address) ?? 0;
  }

  private take(req: IncomingMessage, address: string): void {
    this.change(address, 1);
    const timer = setTimeout(() => this.release(req), HANDSHAKE_MS);
    timer.unref();
    this.pending.set(req, { address, timer });
  }

  private release(req: IncomingMessage): void {
    const taken = this.pending.get(req);
    if (!taken) return;
    clearTimeout(taken.timer);
    this.pending.delete(req);
    this.change(taken.address, -1);
  }

  private change(address: string, by: number): void {
    const count = (this.open.get(address) ?? 0) + by;
    if (count > 0) this.open.set(address, count);
    else this.open.delete(address);
  }
}
