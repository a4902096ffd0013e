/** The Socket.IO Redis adapter over the machine's real Redis: a room spans two servers. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OwnRedis } from '../../test/own-redis.js';
import { redisUnreachable, skipWithoutRedis, testPrefixes, TEST_REDIS_URL } from '../../test/redis.js';
import { connectRedis } from '../coordination/redis/client.js';
import { attachRedisAdapter, type RedisAdapterMode } from './redis-adapter.js';

const unreachable = await redisUnreachable();
const prefixes = testPrefixes();

async function node(prefix: string, mode: RedisAdapterMode, nodeId?: string, url = TEST_REDIS_URL) {
  const httpServer = http.createServer();
  const io = new Server(httpServer, { transports: ['websocket'] });
  const detach = await attachRedisAdapter(io, { url, prefix, mode, ...(nodeId ? { nodeId, resyncDelayMs: 100 } : {}) });
  io.on('connection', (socket) => void socket.join(String(socket.handshake.query.room)));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    io,
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}`,
    close: async () => {
      await new Promise<void>((resolve) => io.close(() => resolve()));
      await detach();
    },
  };
}

describe.skipIf(skipWithoutRedis('Redis adapter', unreachable))('Redis adapter', () => {
  beforeAll(() => {
    if (unreachable) throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable (${unreachable})`);
  });
  afterAll(async () => {
    if (!unreachable) await prefixes.dropAll();
  });

  it.each(['sharded', 'classic'] as const)('%s: an emit to a room on one server reaches its sockets on another', async (mode) => {
    const prefix = prefixes.prefix();
    const [a, b] = [await node(prefix, mode), await node(prefix, mode)];
    const client = connect(b.url, { transports: ['websocket'], query: { room: 'visitor:v1' } });
    try {
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      const got = new Promise<string>((resolve) => client.once('message:created', resolve));
      // Subscriptions are asynchronous: emit until the first one arrives.
      const retry = setInterval(() => a.io.to('visitor:v1').emit('message:created', 'hello'), 50);
      expect(await got).toBe('hello');
      clearInterval(retry);
    } finally {
      client.close();
      await a.close();
      await b.close();
    }
  });

  it.each(['sharded', 'classic'] as const)('%s: while Redis is away, a broadcast still reaches this server\'s sockets, and no publish goes unhandled', async (mode) => {
    const redis = await OwnRedis.onFreePort();
    await redis.start();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const a = await node('outage:', mode, undefined, redis.url);
    const client = connect(a.url, { transports: ['websocket'], query: { room: 'visitor:v1' }, reconnection: false });
    try {
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      await redis.kill();
      const received: string[] = [];
      client.on('message:created', (text: string) => received.push(text));
      // Each emit publishes to a Redis that is gone: the classic adapter's publish rejects.
      for (let i = 0; i < 5; i++) {
        a.io.to('visitor:v1').emit('message:created', `while away ${i}`);
        await new Promise((resolve) => setTimeout(resolve, 40));
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(received).toEqual([0, 1, 2, 3, 4].map((i) => `while away ${i}`));
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
      client.close();
      await a.close();
      await redis.kill();
    }
  });

  it('closes the other nodes\' connections, so their clients resume, when a node lost only its publishing connection', async () => {
    const prefix = prefixes.prefix();
    const nodeA = `a-${prefix.replace(/[^a-z0-9]/gi, '')}`;
    const [a, b] = [await node(prefix, 'sharded', nodeA), await node(prefix, 'sharded', `b-${nodeA}`)];
    const admin = await connectRedis(TEST_REDIS_URL, { name: 'test-admin' });
    // Connected after the admin: while its connection was awaited, the client had connected
    // already now and then, and a `connect` listener added after that waited forever (1 run in 5).
    const client = connect(b.url, { transports: ['websocket'], query: { room: 'visitor:v1' }, reconnection: false });
    try {
      await new Promise<void>((resolve) => client.once('connect', () => resolve()));
      const closed = new Promise<string>((resolve) => client.once('disconnect', resolve));
      // What A broadcast while its publisher was away never reached B: B's clients must resume.
      const list = String(await admin.sendCommand(['CLIENT', 'LIST']));
      const publisher = list.split('\n').find((line) => line.includes(`name=${nodeA}:adapter-pub`));
      expect(publisher, 'A\'s publishing connection is named').toBeTruthy();
      await admin.sendCommand(['CLIENT', 'KILL', 'ID', publisher!.match(/id=(\d+)/)![1]!]);
      expect(await closed).toBe('transport close');
    } finally {
      client.close();
      await admin.close();
      await a.close();
      await b.close();
    }
  });
});
