import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Logger } from '../../logger.js';
import type { Coordination } from '../types.js';
import { closeRedis, connectRedis, requireRedisVersion, type RedisClient } from './client.js';
import { RedisLeases } from './leases.js';
import { RedisPresence } from './presence.js';
import { RedisTimers } from './timers.js';

export { RedisLeases, RedisPresence, RedisTimers };

/** A node id that is new for every process, readable in Redis (`host-pid-random`). */
export function newNodeId(): string {
  return `${hostname().replace(/[^\w.-]/g, '_')}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

export interface RedisCoordinationOptions {
  url: string;
  /** Every key and channel starts with it, so several sites (or tests) can share one Redis. */
  prefix: string;
  nodeId: string;
  logger?: Logger;
  /** Presence heartbeat and expiry (defaults 2 s and 6 s); timer polling (250 ms). */
  heartbeatMs?: number;
  presenceTtlMs?: number;
  timerPollMs?: number;
}

/** Presence, leases and timers for many processes, on two connections (commands and pub/sub). */
export async function createRedisCoordination(options: RedisCoordinationOptions): Promise<Coordination> {
  const { url, prefix, nodeId, logger } = options;
  const client = await connectRedis(url, { name: 'coordination', logger });
  await requireRedisVersion(client, url, logger).catch(async (error: unknown) => {
    await closeRedis(client);
    throw error;
  });
  const subscriber = await connectRedis(url, { name: 'presence-subscriber', logger }).catch(async (error: unknown) => {
    await closeRedis(client);
    throw error;
  });
  const presence = await RedisPresence.start(client, subscriber, {
    prefix,
    nodeId,
    logger,
    ...(options.heartbeatMs ? { heartbeatMs: options.heartbeatMs } : {}),
    ...(options.presenceTtlMs ? { ttlMs: options.presenceTtlMs } : {}),
  });
  const timers = new RedisTimers(client, prefix, { pollMs: options.timerPollMs, logger });
  return {
    presence,
    leases: new RedisLeases(client, prefix),
    timers,
    health: async () => ({ redis: await ping(client) }),
    close: async () => {
      await timers.close();
      await presence.close();
      await Promise.all([closeRedis(client), closeRedis(subscriber)]);
    },
  };
}

/** PING, bounded: with the offline queue off it fails at once while Redis is away. */
async function ping(client: RedisClient): Promise<'ok' | 'down'> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'down'>((resolve) => {
    timer = setTimeout(() => resolve('down'), 1000);
  });
  const answer = client.ping().then(
    (reply: string) => (reply === 'PONG' ? ('ok' as const) : ('down' as const)),
    () => 'down' as const,
  );
  try {
    return await Promise.race([answer, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
