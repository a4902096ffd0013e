import { createAdapter, createShardedAdapter } from '@socket.io/redis-adapter';
import type { Server } from 'socket.io';
import { closeRedis, connectRedis } from '../coordination/redis/client.js';
import type { RedisClient } from '../coordination/redis/client.js';
import { rareWarning, type Logger } from '../logger.js';
import { closeSpread } from './spread-closes.js';

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
 * goes out while Redis is away. The classic adapter does not catch its publishes, so they are
 * caught here (below); both run without an offline queue. Needs Redis ≥ 7 (SPUBLISH), which the
 * site checks at start (`requireRedisVersion`); `classic` stays for the adapter bench.
 * Socket.IO's connection-state recovery is not used with either: resume by `seq` is our one path.
 */
export async function attachRedisAdapter(
  io: Server,
  {
    url,
    prefix,
    mode = 'sharded',
    logger,
    nodeId,
    resyncDelayMs = 2000,
  }: {
    url: string;
    prefix: string;
    mode?: RedisAdapterMode;
    logger?: Logger;
    /** Names this node's Redis connections (`<nodeId>:adapter-pub`), for operators and tests. */
    nodeId?: string;
    /** How long a node gathers outage notices before it closes its connections once for all of them. */
    resyncDelayMs?: number;
  },
): Promise<() => Promise<void>> {
  const named = (role: string) => (nodeId ? `${nodeId}:${role}` : role);
  const pub = await connectRedis(url, { name: named('adapter-pub'), logger });
  const sub = await connectRedis(url, { name: named('adapter-sub'), logger }).catch(async (error: unknown) => {
    await closeRedis(pub);
    throw error;
  });
  // The classic adapter publishes without handling the promise: while Redis was away each
  // broadcast was an unhandled rejection, which ends a Node process. Caught and counted here (one
  // warning a minute); what was lost is resent by the resume after the outage (below).
  const publishFailed = logger ? rareWarning(logger, 'Socket.IO adapter: publishing to Redis failed; clients resume once it is back') : () => undefined;
  /** Closing: what the connections still had waiting is rejected on purpose, not worth a warning. */
  let closing = false;
  handleRejections(pub, ['publish', 'sPublish'], (error) => closing || publishFailed(error));
  // The adapter subscribes and unsubscribes per room without handling the promises (its
  // SSUBSCRIBE helper): while Redis is away they reject, and an unhandled rejection ended the
  // process (found by the chaos test). Failures are logged; the reconnect below subscribes again.
  handleRejections(sub, ['sSubscribe', 'sUnsubscribe', 'subscribe', 'unsubscribe'], (error, method) =>
    closing || logger?.warn({ err: error, method }, 'Socket.IO adapter: Redis subscription call failed'),
  );
  const key = `${prefix}socket.io`;
  io.adapter(
    mode === 'sharded'
      ? createShardedAdapter(pub, sub, { channelPrefix: key, subscriptionMode: 'dynamic' })
      : createAdapter(pub, sub, { key }),
  );
  const stopResuming = resumeAfterOutage(io, { pub, sub }, { logger, resyncDelayMs });
  return async () => {
    closing = true;
    stopResuming();
    await Promise.all([closeRedis(pub), closeRedis(sub)]);
  };
}

/**
 * Gives `methods` of `client` a rejection handler, for callers that drop the promise: the caller
 * still gets the same promise (and its rejection, when it awaits it).
 */
function handleRejections<M extends keyof RedisClient>(client: RedisClient, methods: M[], onRejected: (error: unknown, method: M) => void): void {
  for (const method of methods) {
    const original = (client[method] as (...args: unknown[]) => Promise<unknown>).bind(client);
    (client as unknown as Record<M, unknown>)[method] = (...args: unknown[]) => {
      const result = original(...args);
      result.catch((error: unknown) => onRejected(error, method));
      return result;
    };
  }
}

/** The notice a node sends the others (`serverSideEmit`) when its publisher is back after an outage. */
const BROADCASTS_LOST = 'support-chat:broadcasts-lost';

/** Connections a node closes per second after an outage: the reconnects it takes on at once. */
const RECONNECTS_PER_SECOND = 500;

/**
 * Broadcasts between nodes are lost while Redis is away (published into nothing, or not received),
 * and rooms joined meanwhile may have no subscription. Once both connections are back, every
 * connection to this node is closed at the transport level: the widget and the console reconnect
 * by themselves (a "transport close", unlike a server-side disconnect, which the console would
 * not retry), join their rooms again, and resume by seq, which is the one path that fills gaps
 * (SCALE-OUT.md, "Redis down"). Found by the chaos test: readers connected through a Redis restart
 * never received what other nodes sent during it.
 * A node whose publisher alone was away lost what it sent, which the OTHER nodes' clients missed:
 * it tells them (`BROADCASTS_LOST`), and they close theirs too. Notices are gathered for
 * `resyncDelayMs` (after a Redis restart every node sends one) and answered by one pass, over the
 * connections opened before the last notice; the pass closes 500 a second (`closeSpread`) so a big
 * site's clients do not all reconnect in the same second.
 */
function resumeAfterOutage(
  io: Server,
  { pub, sub }: { pub: RedisClient; sub: RedisClient },
  { logger, resyncDelayMs }: { logger?: Logger | undefined; resyncDelayMs: number },
): () => void {
  const lost = { pub: false, sub: false };
  let pending: NodeJS.Timeout | undefined;
  let cutoff = 0;
  let stopClosing: (() => void) | undefined;
  const resync = (why: string) => {
    cutoff = Date.now();
    pending ??= setTimeout(() => {
      pending = undefined;
      const sockets = [...io._nsps.values()]
        .flatMap((namespace) => [...namespace.sockets.values()])
        .filter((socket) => socket.handshake.issued <= cutoff);
      logger?.warn({ sockets: sockets.length, perSecond: RECONNECTS_PER_SECOND, why }, 'closing connections, a batch at a time, so clients resume what they missed');
      stopClosing?.();
      stopClosing = closeSpread(
        sockets.map((socket) => socket.conn),
        { perSecond: RECONNECTS_PER_SECOND },
      );
    }, resyncDelayMs);
    pending.unref();
  };
  const onError = (which: keyof typeof lost) => () => {
    lost[which] = true;
  };
  const onReady = () => {
    if (!(lost.pub || lost.sub) || !pub.isReady || !sub.isReady) return;
    if (lost.pub) io.serverSideEmit(BROADCASTS_LOST);
    lost.pub = lost.sub = false;
    resync('Redis is back');
  };
  pub.on('error', onError('pub'));
  sub.on('error', onError('sub'));
  pub.on('ready', onReady);
  sub.on('ready', onReady);
  io.on(BROADCASTS_LOST, () => resync('another node lost its broadcasts to Redis'));
  return () => {
    clearTimeout(pending);
    stopClosing?.();
  };
}
