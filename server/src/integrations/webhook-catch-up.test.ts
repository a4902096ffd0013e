import { describe, expect, it } from 'vitest';
import { MemoryLeases } from '../coordination/memory.js';
import { createLogger } from '../logger.js';
import { SqliteStore } from '../store/sqlite-store.js';
import { conversationFixture } from '../store/store-contract.js';
import { CAUGHT_UP_TO_SETTING, WebhookCatchUp } from './webhook-catch-up.js';
import type { ChatEvent } from './webhook-events.js';

describe('WebhookCatchUp', () => {
  it('starts from now on a new store, then covers each window once, and again after a failed pass', async () => {
    const store = SqliteStore.open(':memory:');
    let now = Date.now();
    await store.createWebhook({ id: 'h', url: 'https://hooks.example/h', events: ['message.created'], description: '', secret: 's', active: true, createdAt: 0, createdBy: 'admin' });
    await store.createVisitor({ id: 'visitor-1', createdAt: now });
    await store.createConversation(conversationFixture({ id: 'c1', createdAt: now, updatedAt: now }));
    const say = async (text: string) => (await store.appendMessage('c1', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text }, now)).message.id;
    const before = await say('stored before the catch-up ever ran');

    const queued: string[] = [];
    let failNext = false;
    const webhooks = {
      enqueueMissed: async (webhookId: string, event: ChatEvent, at: number) => {
        if (failNext) {
          failNext = false;
          throw new Error('store away');
        }
        queued.push(event.id);
        await store.enqueueWebhookEvent({ id: event.id, type: event.type, at, body: JSON.stringify(event.data()) }, { webhookId });
      },
    };
    const leases = new MemoryLeases();
    const catchUp = new WebhookCatchUp({ store, leases, clock: { now: () => now }, logger: createLogger('silent'), webhooks }, { settleMs: 1000 });

    // First pass: the window starts now (less the settling time); what came before is not its to look at.
    now += 2000;
    expect(await catchUp.pass()).toBe(0);
    expect(Number(await store.getSetting(CAUGHT_UP_TO_SETTING))).toBe(now - 1000);

    const lost = await say('stored, never queued');
    // Not settled yet: left for a later pass.
    expect(await catchUp.pass()).toBe(0);
    now += 1500;
    // Another process holds the lease: this one does nothing.
    const held = await leases.acquire('webhook-catch-up', 60_000);
    expect(await catchUp.pass()).toBe(0);
    await held!.release();
    // A pass that fails leaves the window where it was.
    failNext = true;
    expect(await catchUp.pass()).toBe(0);
    expect(await catchUp.pass()).toBe(1);
    expect(queued).toEqual([lost]);
    expect(queued).not.toContain(before);
    now += 5000;
    expect(await catchUp.pass()).toBe(0);
    expect(Number(await store.getSetting(CAUGHT_UP_TO_SETTING))).toBe(now - 1000);
    await store.close();
  });

  it('with no hook listening, reads nothing and moves the window on at most once a minute', async () => {
    const store = SqliteStore.open(':memory:');
    let now = Date.now();
    const webhooks = { enqueueMissed: async () => expect.unreachable('nothing to queue') };
    const catchUp = new WebhookCatchUp({ store, leases: new MemoryLeases(), clock: { now: () => now }, logger: createLogger('silent'), webhooks }, { settleMs: 1000 });
    await catchUp.pass();
    const first = Number(await store.getSetting(CAUGHT_UP_TO_SETTING));
    now += 30_000;
    await catchUp.pass();
    expect(Number(await store.getSetting(CAUGHT_UP_TO_SETTING))).toBe(first);
    now += 31_000;
    await catchUp.pass();
    expect(Number(await store.getSetting(CAUGHT_UP_TO_SETTING))).toBe(now - 1000);
    await store.close();
  });
});
