import pg from 'pg';

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
}

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

export function createPool(url: string, { schema, max = 10, onError }: PostgresPoolOptions): pg.Pool {
  if (schema !== undefined && !SCHEMA_NAME.test(schema)) {
    throw new Error(`PostgreSQL schema "${schema}": use lower-case letters, digits and _ only.`);
  }
  const pool = new pg.Pool({
    connectionString: withSearchPath(url, schema),
    max,
    types,
    // A database that cannot be reached fails the request after 10 s instead of queueing it forever.
    connectionTimeoutMillis: 10_000,
    keepAlive: true,
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
 * it throws. A connection whose ROLLBACK failed is discarded (the pool drops connections that
 * died by itself).
 */
export async function inTransaction<T>(pool: pg.Pool, work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  try {
    await client.query('BEGIN');
    let result: T;
    try {
      result = await work(client);
    } catch (error) {
      await client.query('ROLLBACK').catch((rollbackError: Error) => {
        broken = rollbackError;
      });
      throw error;
    }
    await client.query('COMMIT');
    return result;
  } finally {
    client.release(broken);
  }
}

/** True for a unique-constraint violation, optionally of one named constraint. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const { code, constraint: violated } = error as { code?: unknown; constraint?: unknown };
  return code === '23505' && (constraint === undefined || violated === constraint);
}
