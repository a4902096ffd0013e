/**
 * Issue 11, "disk full": a store that cannot store right now (its disk is full, its file cannot be
 * written, its database is unreachable, shutting down or read-only) fails with its own code,
 * `store_unavailable` (HTTP 503), which clients retry with backoff, instead of `internal`. Each
 * store says which of its errors mean that, here at its boundary; a constraint violation, a
 * missing row or a bug keeps its own code (or `internal`): retrying would not help them.
 */
import { ChatError } from '../errors.js';

/** The thread that runs a store's SQL was lost or could not start: its calls' outcome is unknown. */
export class StoreThreadError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreThreadError';
  }
}

const STORE_UNAVAILABLE_MESSAGE = 'The server cannot save anything right now. Nothing was saved; try again shortly.';

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** `SQLITE_IOERR` and its extended codes (`SQLITE_IOERR_WRITE`, `SQLITE_IOERR_FSYNC`…). */
const SQLITE_UNAVAILABLE = ['SQLITE_FULL', 'SQLITE_IOERR', 'SQLITE_READONLY', 'SQLITE_CANTOPEN'];

/** What the file system answers when it cannot take a write (WalSync's fdatasync, opening the WAL). */
const FILE_SYSTEM_UNAVAILABLE = new Set(['ENOSPC', 'EDQUOT', 'EIO', 'EROFS']);

export function isSqliteUnavailable(error: unknown): boolean {
  if (error instanceof StoreThreadError) return true;
  const code = codeOf(error);
  if (!code) return false;
  return FILE_SYSTEM_UNAVAILABLE.has(code) || SQLITE_UNAVAILABLE.some((base) => code === base || code.startsWith(`${base}_`));
}

/**
 * PostgreSQL SQLSTATEs: class 53 (insufficient resources: 53100 disk_full, 53200 out of memory,
 * 53300 too many connections), class 08 (connection exceptions), 57P01–57P03 (the server is
 * shutting down, crashed or starting), 25006 (read-only: a standby, or a primary set read-only
 * because its storage is full). pg's own connection failures carry a socket code or no code.
 */
const POSTGRES_UNAVAILABLE = new Set(['57P01', '57P02', '57P03', '25006']);
const SOCKET_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN']);
const POOL_MESSAGES = [
  /^Connection terminated/, // "… unexpectedly", "… due to connection timeout"
  /^timeout exceeded when trying to connect/,
  /^Client has encountered a connection error and is not queryable/,
  /^Client was closed and is not queryable/,
];

export function isPostgresUnavailable(error: unknown): boolean {
  const code = codeOf(error);
  if (code) {
    return code.startsWith('53') || code.startsWith('08') || POSTGRES_UNAVAILABLE.has(code) || SOCKET_CODES.has(code);
  }
  return error instanceof Error && POOL_MESSAGES.some((pattern) => pattern.test(error.message));
}

/** `error` as the domain sees it: `store_unavailable` when `isUnavailable` says so, else as it was. */
export function toStoreError(error: unknown, isUnavailable: (error: unknown) => boolean): unknown {
  if (error instanceof ChatError || !isUnavailable(error)) return error;
  return new ChatError('store_unavailable', STORE_UNAVAILABLE_MESSAGE, { cause: error });
}

/**
 * The store, with every method's failure passed through `toStoreError`: the one boundary where
 * SQLite's, PostgreSQL's and the file system's errors become the domain's code, whichever method
 * (a write, a read, `checkWritable`) met them.
 */
export function withStoreErrors<S extends object>(store: S, isUnavailable: (error: unknown) => boolean): S {
  const wrapped = new WeakMap<object, unknown>();
  return new Proxy(store, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || property === 'constructor') return value;
      let method = wrapped.get(value);
      if (!method) {
        const original = value as (...args: unknown[]) => unknown;
        method = function (this: unknown, ...args: unknown[]) {
          let result: unknown;
          try {
            result = original.apply(this, args);
          } catch (error) {
            throw toStoreError(error, isUnavailable);
          }
          return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(toStoreError(error, isUnavailable))) : result;
        };
        wrapped.set(value, method);
      }
      return method;
    },
  });
}
