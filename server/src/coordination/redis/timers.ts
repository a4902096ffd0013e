import type { Logger } from '../../logger.js';
import type { Timers } from '../types.js';
import { LUA_NOW, Script, type RedisClient } from './client.js';

/** Due times on Redis's clock, so nodes whose clocks differ still agree when a timer is due. */
const SET = new Script(`${LUA_NOW}
if ARGV[3] == '1' then return redis.call('ZADD', KEYS[1], 'NX', now + tonumber(ARGV[2]), ARGV[1]) end
return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])`);

/** Takes what is due: the ZREM happens in the same script, so each key goes to exactly one node. */
const CLAIM = new Script(`${LUA_NOW}
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, tonumber(ARGV[1]))
if #due > 0 then redis.call('ZREM', KEYS[1], unpack(due)) end
return due`);

/**
 * Timers in one sorted set (`timers`: member = key, score = due time in ms). Every node polls
 * and claims what is due atomically, so a timer fires once, on some live node, even when the node
 * that set it died. At most once: a node killed between claiming and running a handler loses that
 * firing; the handlers we run (the disconnect grace) re-check state and are set again on start.
 */
export class RedisTimers implements Timers {
  private readonly key: string;
  private poller: NodeJS.Timeout | null = null;
  private polling = false;

  constructor(
    private readonly client: RedisClient,
    prefix: string,
    private readonly options: { pollMs?: number; batch?: number; logger?: Logger } = {},
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
    const { pollMs = 250, batch = 100, logger } = this.options;
    this.poller = setInterval(() => {
      if (this.polling || !this.client.isReady) return;
      this.polling = true;
      CLAIM.run(this.client, [this.key], [batch])
        .then((due) => {
          for (const key of due as string[]) {
            handler(key).catch((error: unknown) => logger?.error({ err: error, timer: key }, 'timer handler failed'));
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
