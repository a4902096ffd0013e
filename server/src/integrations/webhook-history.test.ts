import { describe, expect, it } from 'vitest';
import { MemoryLeases } from '../coordination/memory.js';
import { createLogger } from '../logger.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { WebhookHistory } from './webhook-history.js';

const DAY = 24 * 60 * 60 * 1000;
const NOW = 100 * DAY;

describe('WebhookHistory', () => {
  it('deletes finished deliveries older than the days kept, in batches, and keeps the rest', async () => {
    const store = SqliteStore.open(':memory:');
    await store.createWebhook({ id: 'h', url: 'https://hooks.example/h', events: ['message.created'], description: '', secret: 's', active: true, createdAt: 0, createdBy: 'admin' });
    // 2,500 delivered 40 days ago (more than one batch), one delivered yesterday, one pending from long ago.
    const old = Array.from({ length: 2500 }, (_, i) => `old-${i}`);
    for (const id of [...old, 'recent', 'stuck']) {
      const at = id === 'recent' ? NOW - DAY : NOW - 40 * DAY;
      await store.enqueueWebhookEvent({ id, type: 'message.created', at, body: '{}' });
    }
    for (const delivery of await store.dueWebhookDeliveries(NOW, 5000)) {
      if (delivery.eventId === 'stuck') continue;
      await store.recordWebhookAttempt(delivery.id, 0, { at: delivery.createdAt, status: 'delivered', nextAttemptAt: null, statusCode: 200, error: null });
    }
    const leases = new MemoryLeases();
    const history = new WebhookHistory({ store, leases, clock: { now: () => NOW }, logger: createLogger('silent') }, { keepDays: 30 });
    // Another process is pruning: this one leaves it alone.
    const held = await leases.acquire('webhook-history:prune', 60_000);
    expect(await history.prune()).toBe(0);
    await held!.release();

    expect(await history.prune()).toBe(2500);
    const left = await store.listWebhookDeliveries({ webhookId: 'h', limit: 10 });
    expect(left.map((d) => d.eventId).sort()).toEqual(['recent', 'stuck']);
    await store.close();
  });
});
