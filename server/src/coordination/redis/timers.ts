import type { Logger } from '../../logger.js';
import type { Timers } from '../types.js';
import { LUA_NOW, Script, type RedisClient } from './client.js';

/** Due times on Redis's clock, so nodes whose clocks differ still agree when a timer is due. */
const SET = new Script(`${LUA_NOW}
if ARGV[3] == '1' then return redis.call('ZADD', KEYS[1], 'NX', now + tonumber(ARGV[2]), ARGV[1]) end
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])`);

/**
 * Takes what is due, atomically, so each key goes to one node: rather than removing a due key it
 * moves it `ARGV[2]` ms ahead (the claim), and returns each key with its claimed score. The node
 * removes it once its handler finished (ACK); a node killed before that leaves the claim to lapse,
 * and the key falls due again for any node.
 */
const CLAIM = new Script(`${LUA_NOW}
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[1]))
local claimed = {}
local until_ = now + tonumber(ARGV[2])
for _, key in ipairs(due) do
  redis.call('ZADD', KEYS[1], 'XX', until_, key)
  table.insert(claimed, key)
  table.insert(claimed, tostring(until_))
end
return claimed`);

/** Removes a fired key, unless it was set again (or claimed again) since: its score moved. */
const ACK = new Script(`local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then return redis.call('ZREM', KEYS[1], ARGV[1]) end
return 0`);

/**
 * Timers in one sorted set (`timers`: member = key, score = due time in ms). Every node polls
 * and claims what is due atomically, so a timer fires on one live node at a time, even when the
 * node that set it died. At least once: a node killed between claiming a key and finishing its
 * handler leaves the claim to lapse after `claimTimeoutMs`, and another node fires it again, so
 * handlers re-check state (the disconnect grace, the email outbox do). A handler that fails is
 * logged and not retried here: its feature keeps its own durable state to retry from. A key set
 * again while its handler runs keeps the new due time.
 */
export class RedisTimers implements Timers {
  private readonly key: string;
  private poller: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly options: { pollMs?: number; batch?: number; claimTimeoutMs?: number; logger?: Logger } = {},
  ) {
    this.key = `${prefix}timers`;
  }

  async set(key: string, delayMs: number, { keepExisting = false }: { keepExisting?: boolean } = {}): Promise<void> {
    await SET.run(this.client, [this.key], [key, Math.max(0, Math.round(delayMs)), keepExisting ? '1' : '0']);
  }

  async cancel(key: string): Promise<void> {
    await this.client.zRem(this.key, key);
  }

  start(handler: (key: string) => Promise<void>): void {
    if (this.poller) return;
    const { pollMs = 250, batch = 100, claimTimeoutMs = 30_000, logger } = this.options;
    this.poller = setInterval(() => {
      if (this.polling || !this.client.isReady) return;
      this.polling = true;
      CLAIM.run(this.client, [this.key], [batch, claimTimeoutMs])
        .then((claimed) => {
          const pairs = claimed as string[];
          for (let i = 0; i < pairs.length; i += 2) {
            const [key, score] = [pairs[i]!, pairs[i + 1]!];
            handler(key)
              .catch((error: unknown) => logger?.error({ err: error, timer: key }, 'timer handler failed'))
              .then(() => ACK.run(this.client, [this.key], [key, score]))
              .catch((error: unknown) => logger?.warn({ err: error, timer: key }, 'could not mark a timer done; it may fire again'));
          }
        })
        .catch((error: unknown) => logger?.warn({ err: error }, 'could not poll the shared timers'))
        .finally(() => {
          this.polling = false;
        });
    }, pollMs);
    this.poller.unref();
  }

  async close(): Promise<void> {
    if (this.poller) clearInterval(this.poller);
    this.poller = null;
  }
}
