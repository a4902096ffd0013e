import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Server } from 'socket.io';
import { connectRedis } from '../coordination/redis/client.js';
import type { Logger } from '../logger.js';

export type RedisAdapterMode = 'sharded' | 'classic';

/**
 * Broadcasts from any node reach sockets on every node (SCALE-OUT.md: fan-out happens once, on
 * the node that produced the event). Two node-redis connections: one publishes, one subscribes.
 *
 * Sharded, measured against classic with `server/bench/redis-adapter.ts` (4 Socket.IO servers in
 * one process, 400 one-socket rooms on 3 of them, emits from the 4th; 2 shared cores, noisy):
 * closed loop 9–12k msg/s for both (classic 8.9k/10.2k, sharded 12.1k/9.5k), p50 18–20 ms classic
 * vs 26 ms sharded (it awaits the publish before the local emit); at a fixed 3,000 msg/s
 * 108–122 µs process CPU per message sharded vs 117–167 classic, redis-server 11–12 vs 13–18 µs.
 * No throughput winner on 4 nodes, so we take sharded for how it grows and how it fails: our
 * rooms are small (one per visitor, per watched conversation), and with `subscriptionMode:
 * 'dynamic'` a node only receives the rooms it has sockets in, where classic sends every
 * broadcast to every node to decode and drop (cost × nodes).
 * It also fails soft: its publish errors are caught and the local part of a broadcast still
 * goes out while Redis is away, so it runs without an offline queue. The classic adapter's
 * publishes are not caught, so it keeps node-redis's offline queue (a rejected publish would
 * be an unhandled rejection). Needs Redis ≥ 7 (SPUBLISH); `classic` stays for older servers.
 * Socket.IO's connection-state recovery is not used with either: resume by `seq` is our one path.
 */
export async function attachRedisAdapter(
  io: Server,
  { url, prefix, mode = 'sharded', logger }: { url: string; prefix: string; mode?: RedisAdapterMode; logger?: Logger },
): Promise<() => Promise<void>> {
  const offlineQueue = mode === 'classic';
  const pub = await connectRedis(url, { name: 'adapter-pub', logger, offlineQueue });
  const sub = await connectRedis(url, { name: 'adapter-sub', logger, offlineQueue }).catch(async (error: unknown) => {
    await pub.close();
    throw error;
  });
  const key = `${prefix}socket.io`;
  io.adapter(
    mode === 'sharded'
      ? createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: 'dynamic' })
      : createAdapter(pub, sub, { key }),
  );
  return async () => {
    await Promise.all([pub, sub].map((client) => (client.isOpen ? client.close() : undefined)));
  };
}
