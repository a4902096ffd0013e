import pg from 'pg';
import { isQueryReadTimeout } from './store-errors.js';

export interface PostgresPoolOptions {
  /**
   * A schema of its own (created if missing): every pooled connection starts with
   * `search_path=<schema>`. Lower-case letters, digits and `_` only.
   */
  schema?: string;
  /** Most connections in the pool (default 10). */
  max?: number;
  /** Errors of idle connections (the server restarted, the network dropped). */
  onError?: (error: Error) => void;
  /**
   * How long a query may wait for its answer before it fails and its connection is dropped
   * (default `QUERY_TIMEOUT_MS`; migrations, which may build indexes, get far longer; 0: for ever).
   */
  queryTimeoutMs?: number;
}

/**
 * A query's answer that has not come in this long is not coming: the connection is dropped and the
 * pool opens another. A network that lost its state silently (a partition healed, a NAT or a
 * firewall that forgot the connection, a host gone without a reset) left the answers of statements
 * PostgreSQL had finished on their way for good: the append lanes full, the background loops and
 * shutdown waiting for ever, until the kernel's keepalive gave up after two hours (an operator's
 * probe). Generous: the slowest real query (a report over a big site) takes a few seconds.
 */
export const QUERY_TIMEOUT_MS = 30_000;

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
const INT8_OID = 20;

/**
 * Timestamps are epoch milliseconds in `bigint` columns, and counts are `bigint` too; pg returns
 * int8 as strings by default (it may exceed 2^53). Ours never do, so they are parsed to numbers,
 * for this pool only: the global `pg.types` is left alone for any other user of pg in the process.
 */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID && format !== 'binary' ? (value: string) => Number(value) : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

export function createPool(url: string, { schema, max = 10, onError, queryTimeoutMs = QUERY_TIMEOUT_MS }: PostgresPoolOptions): pg.Pool {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`PostgreSQL schema "${schema}": use lower-case letters, digits and _ only.`);
  }
  const pool = new pg.Pool({
    connectionString: withSearchPath(url, schema),
    max,
    types,
    // A database that cannot be reached fails the request after 10 s instead of queueing it forever.
    connectionTimeoutMillis: 10_000,
    // A query that timed out fails its connection too: pg-pool drops a client released with an
    // error, and a transaction's ROLLBACK on it times out as well (inTransaction).
    ...(queryTimeoutMs > 0 ? { query_timeout: queryTimeoutMs } : {}),
    keepAlive: true,
    // Idle connections to a host that vanished are found in minutes rather than two hours.
    keepAliveInitialDelayMillis: 10_000,
  });
  // Without a listener an idle connection's error would crash the process.
  pool.on('error', onError ?? ((error) => process.emitWarning(`PostgreSQL connection error: ${error.message}`)));
  return pool;
}

/**
 * The schema goes in the connection's startup `options` rather than a `SET` after connecting: no
 * query can ever run on a pooled connection before it applies. It is written into the URL because
 * pg lets a connection string's parameters override the config object's.
 */
function withSearchPath(url: string, schema: string | undefined): string {
  if (!schema) return url;
  const parsed = new URL(url);
  const options = [parsed.searchParams.get('options'), `-c search_path=${schema}`].filter(Boolean).join(' ');
  parsed.searchParams.set('options', options);
  return parsed.toString();
}

/**
 * Runs `work` in a transaction on one pooled connection: COMMIT when it resolves, ROLLBACK when
 * it throws. A connection that failed otherwise than by the statement's own error (its BEGIN,
 * COMMIT or ROLLBACK failed, or a statement's answer never came) is discarded rather than handed
 * back: the unanswered statement would stay ahead of whatever the next user sent (a review).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  // BEGIN and COMMIT: a failure that PostgreSQL did not answer leaves the connection unfit.
  const control = (sql: string) =>
    client.query(sql).catch((error: unknown) => {
      if (error instanceof Error && !isStatementError(error)) broken = error;
      throw error;
    });
  try {
    await control('BEGIN');
    let result: T;
    try {
      result = await work(client);
    } catch (error) {
      // No answer came: ROLLBACK would only wait behind it for another timeout; dropping the
      // connection rolls the transaction back anyway.
      if (isQueryReadTimeout(error)) broken = error as Error;
      else {
        await client.query('ROLLBACK').catch((rollbackError: Error) => {
          broken = rollbackError;
        });
      }
      throw error;
    }
    await control('COMMIT');
    return result;
  } finally {
    client.release(broken);
  }
}

/** An error PostgreSQL answered with (it has a SQLSTATE): the connection itself is fine. */
function isStatementError(error: Error): boolean {
  const { code } = error as { code?: unknown };
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code);
}

/** True for a unique-constraint violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || violated === constraint);
}
