/**
 * A network between the server and PostgreSQL that goes silent without resetting anything (a
 * partition, a NAT or firewall that forgot its state, a host gone): the answers of statements
 * PostgreSQL finished never come. Before the pool's query timeout, those statements waited for
 * ever: the append lanes stayed full, the background loops and shutdown hung, until the kernel's
 * keepalive gave up two hours later (an operator's probe). Now each fails after the timeout as
 * `store_unavailable`, its connection is dropped, and once the network is back the store works
 * again without a restart. The "network" is a TCP relay on loopback that the test freezes.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../src/store/postgres-store.js';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from './postgres.js';

const unreachable = await postgresUnreachable();
const skip = skipWithoutPostgres('PostgreSQL partition', unreachable);

/** Relays to PostgreSQL; `freeze()` stops forwarding on the connections open now, closing nothing. */
async function startRelay(target: URL) {
  const open = new Set<{ frozen: boolean }>();
  const server = net.createServer((client) => {
    const state = { frozen: false };
    open.add(state);
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    client.on('data', (chunk) => state.frozen || upstream.write(chunk));
    upstream.on('data', (chunk) => state.frozen || client.write(chunk));
    const end = () => {
      open.delete(state);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    freeze: () => open.forEach((state) => (state.frozen = true)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe.skipIf(skip)('PostgreSQL behind a network that goes silent', () => {
  const schemas = testSchemas();
  let relay: Awaited<ReturnType<typeof startRelay>>;
  beforeAll(async () => {
    relay = await startRelay(new URL(TEST_DATABASE_URL));
  });
  afterAll(async () => {
    await relay?.close();
    await schemas.dropAll();
  });

  it('fails what waits past the query timeout as store_unavailable, and works again once the network is back', async () => {
    const url = new URL(TEST_DATABASE_URL);
    url.host = `127.0.0.1:${relay.port}`;
    const store = await PostgresStore.open(url.toString(), { schema: schemas.schema(), queryTimeoutMs: 1500, searchIndexIntervalMs: 60_000 });
    try {
      await store.checkWritable();
      // Silent: the statements' answers never come back on the connections open now.
      relay.freeze();
      const started = Date.now();
      await expect(store.checkWritable()).rejects.toMatchObject({ code: 'store_unavailable' });
      expect(Date.now() - started).toBeLessThan(10_000);
      // "Healed": new connections pass. The frozen ones were dropped, so the next write gets a new one.
      await expect.poll(() => store.checkWritable().then(() => 'written', (error: { code?: string }) => error.code), { timeout: 15_000, interval: 200 }).toBe('written');
      await store.saveSetting('after', 'the partition');
      expect(await store.getSetting('after')).toBe('the partition');

      // Silent again, under a transaction: its BEGIN fails within the timeout, and its connection
      // is dropped rather than handed back with the statement still unanswered ahead of the next.
      relay.freeze();
      const transactionAt = Date.now();
      await expect(store.updateWebhook('no-such-hook', { active: false })).rejects.toMatchObject({ code: 'store_unavailable' });
      expect(Date.now() - transactionAt).toBeLessThan(5000);
      await expect.poll(() => store.updateWebhook('no-such-hook', { active: true }).then(() => 'answered', (error: { code?: string }) => error.code), { timeout: 15_000, interval: 200 }).toBe('answered');
    } finally {
      await store.close();
    }
  }, 30_000);
});
