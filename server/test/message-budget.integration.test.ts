/**
 * A visitor's message budget (20 a minute by default) pays for messages stored, not for tries:
 * the widget resends by itself through a store outage (1 s doubling to 30 s) and after a lost
 * ack, and once the store was back its waiting messages met `rate_limited` (an operator's probe).
 */
import { describe, expect, it } from 'vitest';
import { ChatError } from '../src/errors.js';
import { createMemoryRateLimits } from '../src/realtime/rate-limits.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { connected, data, startTestServer } from './harness.js';

describe("a visitor's message budget", () => {
  it('is not spent by sends refused while the store is away, nor by resends of a stored message', async () => {
    const real = SqliteStore.open(':memory:');
    let away = false;
    const refuseWhileAway =
      <A extends unknown[], R>(method: (...args: A) => Promise<R>) =>
      (...args: A): Promise<R> =>
        away ? Promise.reject(new ChatError('store_unavailable', 'The store is away.')) : method.apply(real, args);
    const store: Store = Object.create(real, {
      appendToOpenConversation: { value: refuseWhileAway(real.appendToOpenConversation) },
      openConversation: { value: refuseWhileAway(real.openConversation) },
    });
    const t = await startTestServer({ store, limits: createMemoryRateLimits({ visitorMessagesPerMinute: 3 }) });
    try {
      const visitor = t.visitor();
      await connected(visitor);
      data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
      const send = (clientId: string) => visitor.emitWithAck('message:send', { clientId, text: `message ${clientId}` });
      data(await send('budget-0001'));
      // Its ack was lost: resent twice, stored once, paid once.
      data(await send('budget-0001'));
      data(await send('budget-0001'));
      // The store goes away: the next message is refused five times.
      away = true;
      for (let i = 0; i < 5; i++) expect(await send('budget-0002')).toMatchObject({ ok: false, error: { code: 'store_unavailable' } });
      away = false;
      data(await send('budget-0002'));
      data(await send('budget-0003'));
      // Three stored: the budget of three is spent, and only now.
      expect(await send('budget-0004')).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    } finally {
      await t.close();
    }
  });
});
