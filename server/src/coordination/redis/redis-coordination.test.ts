/**
 * The Redis coordination against the machine's real Redis (no mocks): two instances stand for two
 * processes of one site. Each test works under its own key prefix, deleted at the end.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUnreachable, skipWithoutRedis, testPrefixes, TEST_REDIS_URL } from '../../../test/redis.js';
import type { Coordination } from '../types.js';
import { connectRedis, type RedisClient } from './client.js';
import { RedisTimers } from './timers.js';
import { createRedisCoordination, RedisPresence } from './index.js';

const unreachable = await redisUnreachable();
const prefixes = testPrefixes();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(20);
  }
}

/** A presence node on connections of its own, so a test can cut them as a kill -9 would. */
async function presenceNode(prefix: string, nodeId: string) {
  const client = await connectRedis(TEST_REDIS_URL, { name: nodeId });
  const subscriber = await connectRedis(TEST_REDIS_URL, { name: `${nodeId}-sub` });
  const presence = await RedisPresence.start(client, subscriber, { prefix, nodeId, heartbeatMs: 100, ttlMs: 400 });
  const heard: string[][] = [];
  presence.onRemoteChange((agents) => heard.push(agents));
  return {
    client,
    presence,
    heard,
    heardOf: (agentId: string) => heard.some((agents) => agents.includes(agentId)),
    kill: () => {
      client.destroy();
      subscriber.destroy();
    },
    close: async () => {
      await presence.close();
      for (const c of [client, subscriber]) if (c.isOpen) await c.close();
    },
  };
}

describe.skipIf(skipWithoutRedis('Redis coordination', unreachable))('Redis coordination', () => {
  beforeAll(() => {
    if (unreachable) throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable (${unreachable})`);
  });
  afterAll(async () => {
    if (!unreachable) await prefixes.dropAll();
  });

  describe('RedisPresence', () => {
    it('shares each agent’s connections and status across nodes, and tells the other nodes', async () => {
      const prefix = prefixes.prefix();
      const a = await presenceNode(prefix, 'node-a');
      const b = await presenceNode(prefix, 'node-b');
      try {
        expect(await a.presence.connect('anna', 's1', 100)).toEqual({ first: true });
        await until(() => b.heardOf('anna'));
        expect(await b.presence.connected()).toEqual(new Map([['anna', { status: 'online', connectedSince: 100 }]]));

        expect(await b.presence.connect('anna', 's2', 200)).toEqual({ first: false });
        a.heard.length = 0;
        await b.presence.setStatus('anna', 'away');
        await until(() => a.heardOf('anna'));
        expect(await a.presence.connected()).toEqual(new Map([['anna', { status: 'away', connectedSince: 100 }]]));

        expect(await a.presence.disconnect('anna', 's1')).toEqual({ last: false });
        expect(await a.presence.disconnect('anna', 's1')).toEqual({ last: false });
        expect((await a.presence.connected()).get('anna')?.connectedSince).toBe(200);
        a.heard.length = 0;
        expect(await b.presence.disconnect('anna', 's2')).toEqual({ last: true });
        await until(() => a.heardOf('anna'));
        expect((await a.presence.connected()).size).toBe(0);
        // The chosen status outlives the connections, as in one process.
        await a.presence.connect('anna', 's3', 300);
        expect((await b.presence.connected()).get('anna')?.status).toBe('away');
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('forgets the agents of a node whose heartbeat stopped, and tells the nodes left', async () => {
      const prefix = prefixes.prefix();
      const a = await presenceNode(prefix, 'node-a');
      const b = await presenceNode(prefix, 'node-b');
      try {
        await a.presence.connect('bob', 's1', 100);
        await a.presence.connect('anna', 's2', 100);
        await b.presence.connect('anna', 's3', 150);
        expect([...(await b.presence.connected()).keys()].sort()).toEqual(['anna', 'bob']);
        b.heard.length = 0;
        a.kill();
        const killedAt = Date.now();
        await until(() => b.heardOf('bob'));
        // Not before the TTL (400 ms) ran out from the last heartbeat, which may have come up to one
        // heartbeat (100 ms) plus a busy machine's timer delay before the kill.
        expect(Date.now() - killedAt).toBeGreaterThanOrEqual(200);
        expect(b.heardOf('anna')).toBe(true);
        // Anna is still connected through node B; Bob is gone, and so are node A's fields.
        expect(await b.presence.connected()).toEqual(new Map([['anna', { status: 'online', connectedSince: 150 }]]));
        expect(await b.client.hKeys(`${prefix}sockets:anna`)).toEqual(['node-b|s3']);
        expect(await b.client.sMembers(`${prefix}nodes`)).toEqual(['node-b']);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('writes its connections back when Redis lost them (a restart without persistence)', async () => {
      const prefix = prefixes.prefix();
      const a = await presenceNode(prefix, 'node-a');
      try {
        await a.presence.connect('anna', 's1', 100);
        await a.presence.setStatus('anna', 'away');
        const keys = await a.client.keys(`${prefix}*`);
        await a.client.del(keys);
        expect((await a.presence.connected()).size).toBe(0);
        await until(async () => (await a.presence.connected()).size === 1);
        expect(await a.presence.connected()).toEqual(new Map([['anna', { status: 'away', connectedSince: 100 }]]));
      } finally {
        await a.close();
      }
    });

    it('answers from what the node holds while Redis is away, with the status Redis last had', async () => {
      const prefix = prefixes.prefix();
      const a = await presenceNode(prefix, 'node-a');
      const b = await presenceNode(prefix, 'node-b');
      try {
        await a.presence.connect('anna', 's1', 100);
        await a.presence.connect('anna', 's2', 50);
        await b.presence.connect('bob', 's3', 200);
        await b.presence.setStatus('anna', 'away');
        expect([...(await a.presence.connected()).keys()].sort()).toEqual(['anna', 'bob']);
        a.kill(); // node A's connections to Redis are gone, as in an outage
        // Anna is on this node, as away as Redis last said; Bob's node cannot be asked.
        expect(await a.presence.connected()).toEqual(new Map([['anna', { status: 'away', connectedSince: 50 }]]));
        await a.presence.disconnect('anna', 's1').catch(() => undefined);
        await a.presence.disconnect('anna', 's2').catch(() => undefined);
        expect((await a.presence.connected()).size).toBe(0);
      } finally {
        await a.close();
        await b.close();
      }
    });

    it('removes its own entries when closed', async () => {
      const prefix = prefixes.prefix();
      const a = await presenceNode(prefix, 'node-a');
      const b = await presenceNode(prefix, 'node-b');
      try {
        await a.presence.connect('anna', 's1', 100);
        b.heard.length = 0;
        await a.close();
        await until(() => b.heardOf('anna'));
        expect((await b.presence.connected()).size).toBe(0);
      } finally {
        await b.close();
      }
    });
  });

  describe('createRedisCoordination', () => {
    const nodes: Coordination[] = [];
    const open = async (prefix: string, nodeId: string) => {
      const node = await createRedisCoordination({ url: TEST_REDIS_URL, prefix, nodeId, timerPollMs: 20 });
      nodes.push(node);
      return node;
    };
    afterAll(async () => {
      await Promise.all(nodes.map((node) => node.close()));
    });

    it('reports Redis in health, and refuses a Redis it cannot reach', async () => {
      const a = await open(prefixes.prefix(), 'node-a');
      expect(await a.health?.()).toEqual({ redis: 'ok' });
      await expect(createRedisCoordination({ url: 'redis://127.0.0.1:1', prefix: 'x:', nodeId: 'n' })).rejects.toThrow(
        /Redis at redis:\/\/127\.0\.0\.1:1 is unreachable/,
      );
    });

    it('gives a lease to one node until it is released or expires; only the holder renews or releases it', async () => {
      const prefix = prefixes.prefix();
      const [a, b] = [await open(prefix, 'node-a'), await open(prefix, 'node-b')];
      const first = await a.leases.acquire('answer:m1', 60_000);
      expect(first).not.toBeNull();
      expect(await b.leases.acquire('answer:m1', 60_000)).toBeNull();
      expect(await first!.renew(60_000)).toBe(true);
      await first!.release();
      const second = await b.leases.acquire('answer:m1', 50);
      expect(second).not.toBeNull();
      expect(await a.leases.acquire('answer:m1', 60_000)).toBeNull();
      await sleep(80);
      // Expired: node A takes it; B's old lease can neither renew nor release A's.
      const third = await a.leases.acquire('answer:m1', 60_000);
      expect(third).not.toBeNull();
      expect(await second!.renew(60_000)).toBe(false);
      await second!.release();
      expect(await b.leases.acquire('answer:m1', 60_000)).toBeNull();
      await third!.release();
    });

    it('fires each due timer on exactly one node, moves it when set again, keeps it when asked, cancels it', async () => {
      const prefix = prefixes.prefix();
      const [a, b] = [await open(prefix, 'node-a'), await open(prefix, 'node-b')];
      const fired: string[] = [];
      a.timers.start(async (key) => void fired.push(`a:${key}`));
      b.timers.start(async (key) => void fired.push(`b:${key}`));
      const keys = Array.from({ length: 30 }, (_, i) => `due:${i}`);
      await Promise.all(keys.map((key, i) => (i % 2 ? a : b).timers.set(key, 30)));
      await a.timers.set('grace:moved', 30);
      await b.timers.set('grace:moved', 60_000);
      await a.timers.set('grace:kept', 30);
      await b.timers.set('grace:kept', 60_000, { keepExisting: true });
      await b.timers.set('grace:cancelled', 30);
      await a.timers.cancel('grace:cancelled');
      await until(() => fired.length >= 31);
      await sleep(150);
      const firedKeys = fired.map((entry) => entry.slice(2));
      expect(firedKeys.sort()).toEqual([...keys, 'grace:kept'].sort());
    });

    it('fires a timer again on another node when the node that claimed it died before its handler finished', async () => {
      const prefix = prefixes.prefix();
      const client = await connectRedis(TEST_REDIS_URL, { name: 'dying-node' });
      const dying = new RedisTimers(client, prefix, { pollMs: 20, claimTimeoutMs: 300 });
      let claimed = false;
      // The handler never finishes: the node is killed mid-handler.
      dying.start(() => {
        claimed = true;
        return new Promise<void>(() => {});
      });
      await dying.set('grace:anna', 0);
      await until(() => claimed);
      await dying.close();
      client.destroy();
      const b = await open(prefix, 'node-b');
      const fired: string[] = [];
      b.timers.start(async (key) => void fired.push(key));
      await until(() => fired.length === 1, 3000);
      await sleep(400);
      expect(fired).toEqual(['grace:anna']);
    });

    it('fires once when the handler finishes, and keeps a timer set again while its handler ran', async () => {
      const prefix = prefixes.prefix();
      const client = await connectRedis(TEST_REDIS_URL, { name: 'node-a' });
      const a = new RedisTimers(client, prefix, { pollMs: 20, claimTimeoutMs: 200 });
      const fired: string[] = [];
      let release: () => void = () => {};
      a.start(async (key) => {
        fired.push(key);
        if (key === 'grace:again' && fired.length === 1) {
          await a.set('grace:again', 500);
          await new Promise<void>((resolve) => (release = resolve));
        }
      });
      try {
        await a.set('grace:again', 0);
        await until(() => fired.length === 1);
        release();
        await a.set('mail:once', 0);
        await until(() => fired.length === 3, 3000);
        await sleep(600);
        // The claim timeout passed several times: neither fired again, and the re-set one fired once.
        expect(fired.sort()).toEqual(['grace:again', 'grace:again', 'mail:once']);
      } finally {
        await a.close();
        await client.close();
      }
    });

    it('fires a timer set by a node that closed meanwhile', async () => {
      const prefix = prefixes.prefix();
      const a = await createRedisCoordination({ url: TEST_REDIS_URL, prefix, nodeId: 'node-a' });
      await a.timers.set('grace:anna', 50);
      await a.close();
      const b = await open(prefix, 'node-b');
      const fired: string[] = [];
      b.timers.start(async (key) => void fired.push(key));
      await until(() => fired.length === 1);
      expect(fired).toEqual(['grace:anna']);
    });
  });
});
