import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { closeRedis, connectRedis, Script, type RedisClient } from '../coordination/redis/client.js';
import type { Logger } from '../logger.js';
import { createRateLimits, type RateLimitOptions, type RateLimits } from './rate-limits.js';

/**
 * The limits shared by every node (`RateLimiterRedis`), so a second node does not double them;
 * those of one socket stay in memory (the socket is on this node only).
 * Each keeps an in-memory `insuranceLimiter` with the same points: while Redis is away, each node
 * limits on its own (looser by the number of nodes) instead of refusing everyone.
 * `rejectIfRedisNotReady` sends a call to the insurance at once when the client is not connected,
 * and `useRedisPackage` selects node-redis's command API (v4+: `eval(script, { keys, arguments })`,
 * `pTTL`, `exec(true)`). It is handed the client through `scriptsBySha`: each limited event runs
 * its Lua script, which node-redis's `eval` sends whole every time.
 */
export async function createRedisRateLimits(
  options: RateLimitOptions & { url: string; prefix: string; logger?: Logger },
): Promise<RateLimits & { close(): Promise<void> }> {
  const { url, prefix, logger, ...limits } = options;
  const client = await connectRedis(url, { name: 'rate-limits', logger });
  const rateLimits = createRateLimits(
    (name, points, duration) =>
      new RateLimiterRedis({
        storeClient: scriptsBySha(client),
        useRedisPackage: true,
        rejectIfRedisNotReady: true,
        keyPrefix: `${prefix}rl:${name}`,
        points,
        duration,
        insuranceLimiter: new RateLimiterMemory({ points, duration }),
      }),
    limits,
    // A socket's events: counted where the socket is (one Redis round trip less per visitor event).
    (_name, points, duration) => new RateLimiterMemory({ points, duration }),
  );
  return {
    ...rateLimits,
    close: async () => {
      await closeRedis(client);
    },
  };
}

/**
 * The client, but its `eval(script, { keys, arguments })` (what rate-limiter-flexible calls for
 * every limited event) runs the script by its SHA (`Script`: EVALSHA, and EVAL once more after a
 * NOSCRIPT), so the script's ~300 bytes are not sent and hashed by Redis on every event.
 */
function scriptsBySha(client: RedisClient): RedisClient {
  const scripts = new Map<string, Script>();
  const evalBySha = (source: string, options: { keys?: string[]; arguments?: string[] } = {}) => {
    let script = scripts.get(source);
    if (!script) scripts.set(source, (script = new Script(source)));
    return script.run(client, options.keys ?? [], options.arguments ?? []);
  };
  return new Proxy(client, {
    get(target, property) {
      if (property === 'eval') return evalBySha;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}
