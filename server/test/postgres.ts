/**
 * The machine's PostgreSQL for tests (127.0.0.1:5432, trust auth, database `test`, or
 * `TEST_DATABASE_URL`). Each test run works in schemas of its own, named after the run, and drops
 * them at the end, so runs on one database never see each other.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Why PostgreSQL cannot be used, or null when it answers. */
export async function postgresUnreachable(url = TEST_DATABASE_URL): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    return error instanceof Error ? error.message || (error as NodeJS.ErrnoException).code || error.name : String(error);
  }
  await client.end();
  return null;
}

/**
 * Under `CI=true` a missing PostgreSQL is a failure; elsewhere the suite skips, with one loud line.
 * Returns whether to skip.
 */
export function skipWithoutPostgres(suite: string, unreachable: string | null): boolean {
  if (unreachable === null || process.env.CI === 'true') return false;
  console.warn(`⚠ SKIPPED ${suite}: PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${unreachable}). CI=true makes this a failure.`);
  return true;
}

/** Schema names for one test run: `schema()` gives a new one each call, `dropAll()` removes them. */
export function testSchemas(url = TEST_DATABASE_URL) {
  const run = `sc_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let count = 0;
  return {
    run,
    schema: () => `${run}_${++count}`,
    async dropAll(): Promise<void> {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        const { rows } = await client.query<{ name: string }>(
          `SELECT nspname AS name FROM pg_namespace WHERE starts_with(nspname, $1)`,
          [`${run}_`],
        );
        // Ten a statement: a run leaves a hundred schemas (one statement each took 10+ s on a busy
        // machine), and all in one would need a lock per table and index at once.
        for (let i = 0; i < rows.length; i += 10) {
          await client.query(`DROP SCHEMA ${rows.slice(i, i + 10).map(({ name }) => `"${name}"`).join(', ')} CASCADE`);
        }
      } finally {
        await client.end();
      }
    },
  };
}
