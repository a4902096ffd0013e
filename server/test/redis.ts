/**
 * The machine's Redis for tests (127.0.0.1:6379, or `TEST_REDIS_URL`). Each test works under a
 * key prefix of its own and deletes its keys at the end, so runs on one Redis never see each other.
 * Same rules as test/postgres.ts: under `CI=true` an unreachable Redis fails the suite.
 */
import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Why Redis cannot be used, or null when it answers. */
export async function redisUnreachable(url = TEST_REDIS_URL): Promise<string | null> {
  const client = createClient({ url, socket: { connectTimeout: 2000, reconnectStrategy: false } });
  client.on('error', () => undefined); // the rejected connect() below carries the reason
  try {
    await client.connect();
    await client.ping();
  } catch (error) {
    return error instanceof Error ? error.message || error.name : String(error);
  }
  await client.close();
  return null;
}

/** Under `CI=true` a missing Redis is a failure; elsewhere the suite skips, with one loud line. */
export function skipWithoutRedis(suite: string, unreachable: string | null): boolean {
  if (unreachable === null || process.env.CI === 'true') return false;
  console.warn(`⚠ SKIPPED ${suite}: Redis at ${TEST_REDIS_URL} is unreachable (${unreachable}). CI=true makes this a failure.`);
  return true;
}

/** Key prefixes for one test run: `prefix()` gives a new one each call, `dropAll()` deletes their keys. */
export function testPrefixes(url = TEST_REDIS_URL) {
  const run = `sc-test:${process.pid}-${randomBytes(4).toString('hex')}:`;
  let count = 0;
  return {
    run,
    prefix: () => `${run}${++count}:`,
    async dropAll(): Promise<void> {
      const client = createClient({ url });
      await client.connect();
      try {
        for await (const keys of client.scanIterator({ MATCH: `${run}*`, COUNT: 500 })) {
          if (keys.length > 0) await client.del(keys);
        }
      } finally {
        await client.close();
      }
    },
  };
}
