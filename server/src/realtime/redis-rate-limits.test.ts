/** Rate limits shared through the machine's real Redis: two instances stand for two processes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUnreachable, skipWithoutRedis, testPrefixes, TEST_REDIS_URL } from '../../test/redis.js';
import { createClient } from 'redis';
import { createRedisRateLimits } from './redis-rate-limits.js';

const unreachable = await redisUnreachable();
const prefixes = testPrefixes();

describe.skipIf(skipWithoutRedis('Redis rate limits', unreachable))('Redis rate limits', () => {
  beforeAll(() => {
    if (unreachable) throw new Error(`Redis at ${TEST_REDIS_URL} is unreachable (${unreachable})`);
  });
  afterAll(async () => {
    if (!unreachable) await prefixes.dropAll();
  });

  const open = (prefix: string) =>
    createRedisRateLimits({
      url: TEST_REDIS_URL,
      prefix,
      visitorMessagesPerMinute: 3,
      socketEventsPer10s: 2,
      connectionsPerAddressPerMinute: 2,
      newVisitorsPerAddressPerHour: 2,
      conversationsPerAddressPerHour: 3,
      conversationsPerVisitorPerHour: 2,
      loginFailuresPerAccount: 2,
      loginFailuresPerAddress: 3,
      loginFailuresPerDevice: 2,
    });

  it('counts the calls of every node against one limit', async () => {
    const prefix = prefixes.prefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    try {
      await a.visitorMessage('v1');
      await b.visitorMessage('v1');
      await a.visitorMessage('v1');
      await expect(b.visitorMessage('v1')).rejects.toMatchObject({ code: 'rate_limited' });
      await a.visitorMessage('v2'); // per visitor
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('runs its Lua by SHA (EVALSHA), and loads it again after Redis forgot its scripts', async () => {
    const prefix = prefixes.prefix();
    const limits = await open(prefix);
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    const evalShaCalls = async () => Number(/cmdstat_evalsha:calls=(\d+)/.exec(await redis.info('commandstats'))?.[1] ?? 0);
    try {
      const before = await evalShaCalls();
      await limits.visitorMessage('v1');
      await limits.visitorMessage('v1');
      // Other suites may run scripts meanwhile: at least ours were counted.
      expect((await evalShaCalls()) - before).toBeGreaterThanOrEqual(2);
      await redis.scriptFlush(); // as after a restart: the next call gets NOSCRIPT and sends the script
      await limits.visitorMessage('v1');
      await expect(limits.visitorMessage('v1')).rejects.toMatchObject({ code: 'rate_limited' });
    } finally {
      await limits.close();
      await redis.close();
    }
  });

  it("counts a visitor's events on the node that holds their sockets, with no trip to Redis (issue 10)", async () => {
    const prefix = prefixes.prefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    const redis = createClient({ url: TEST_REDIS_URL });
    await redis.connect();
    try {
      await a.visitorEvent('v1');
      await a.visitorEvent('v1');
      await expect(a.visitorEvent('v1')).rejects.toMatchObject({ code: 'rate_limited', message: /Too many requests\. Try again in \d+ s\./ });
      await a.visitorEvent('v2'); // per visitor
      // Counted where the events arrive: nothing in Redis.
      expect(await redis.keys(`${prefix}*events*`)).toEqual([]);

    } finally {
      await redis.close();
      await a.close();
      await b.close();
    }
  });

  it('counts connections, new visitors and new conversations of an address on every node', async () => {
    const prefix = prefixes.prefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    try {
      await a.connection('1.2.3.4');
      await b.connection('1.2.3.4');
      await expect(b.connection('1.2.3.4')).rejects.toMatchObject({
        code: 'rate_limited',
        message: /Too many connections from your network\. Try again in \d+ s\./,
        retryAfterMs: expect.any(Number),
      });
      await a.connection('5.6.7.8'); // per address

      await a.newVisitor('1.2.3.4');
      await b.newVisitor('1.2.3.4');
      await expect(a.newVisitor('1.2.3.4')).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });

      await a.newConversation('v1', '1.2.3.4');
      await b.newConversation('v1', '1.2.3.4');
      await expect(a.newConversation('v1', '5.6.7.8')).rejects.toMatchObject({ message: /You have started too many conversations/ });
      await b.newConversation('v2', '1.2.3.4'); // the address's third
      await expect(a.newConversation('v3', '1.2.3.4')).rejects.toMatchObject({ message: /Too many new conversations from your network/ });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('counts login attempts per account, per address and per device on every node', async () => {
    const prefix = prefixes.prefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    const stranger = (address: string) => ({ account: 'anna@example.com', address });
    try {
      await a.login.attempt(stranger('1.1.1.1'));
      await b.login.attempt(stranger('2.2.2.2'));
      // Two guesses at Anna from two addresses on two nodes: the account waits, wherever from.
      await expect(a.login.attempt(stranger('3.3.3.3'))).rejects.toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
      // Her known device answers only to its own count, and is forgiven once she is in.
      await a.login.attempt({ device: 'anna-laptop' });
      await b.login.attempt({ device: 'anna-laptop' });
      await expect(b.login.attempt({ device: 'anna-laptop' })).rejects.toMatchObject({ message: /on this device/ });
      await a.login.succeeded({ device: 'anna-laptop' });
      await b.login.attempt({ device: 'anna-laptop' });
      // One address spraying three accounts through two nodes.
      await a.login.attempt({ account: 'x@example.com', address: '9.9.9.9' });
      await b.login.attempt({ account: 'y@example.com', address: '9.9.9.9' });
      await a.login.attempt({ account: 'z@example.com', address: '9.9.9.9' });
      await expect(b.login.attempt({ account: 'w@example.com', address: '9.9.9.9' })).rejects.toMatchObject({ message: /from your network/ });
      // Refused by the address, an attempt does not spend the account it names: W still has both.
      await expect(b.login.attempt({ account: 'w@example.com', address: '9.9.9.9' })).rejects.toMatchObject({ message: /from your network/ });
      await a.login.attempt({ account: 'w@example.com', address: '9.9.9.10' });
      await b.login.attempt({ account: 'w@example.com', address: '9.9.9.11' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('lets no more guesses through than the limit when they all come at once, and gives a right one back', async () => {
    const prefix = prefixes.prefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    const guess = (node: typeof a, i: number) =>
      node.login.attempt({ account: 'bo@example.com', address: `10.0.0.${i}` }).then(
        () => 'checked',
        () => 'refused',
      );
    try {
      // Before, each only read the count, which no failure had raised yet: all 40 were checked.
      const outcomes = await Promise.all(Array.from({ length: 40 }, (_, i) => guess(i % 2 ? a : b, i)));
      expect(outcomes.filter((o) => o === 'checked')).toHaveLength(2);
      // A right password is not a guess: Carl's attempt, given back, leaves room for his next one.
      const carl = { account: 'carl@example.com', address: '10.1.0.1' };
      await a.login.attempt(carl);
      await a.login.succeeded(carl);
      await b.login.attempt(carl);
      await b.login.attempt(carl);
      await expect(a.login.attempt(carl)).rejects.toMatchObject({ code: 'rate_limited' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('limits in memory while Redis is away instead of refusing everyone', async () => {
    const limits = await open(prefixes.prefix());
    await limits.close(); // the connection is gone, as in an outage
    await limits.visitorMessage('v1');
    await limits.visitorMessage('v1');
    await limits.visitorMessage('v1');
    await expect(limits.visitorMessage('v1')).rejects.toMatchObject({ code: 'rate_limited' });
    await limits.connection('1.2.3.4');
    await limits.connection('1.2.3.4');
    await expect(limits.connection('1.2.3.4')).rejects.toMatchObject({ code: 'rate_limited' });
    await limits.login.attempt({ device: 'd' });
    await limits.login.attempt({ device: 'd' });
    await expect(limits.login.attempt({ device: 'd' })).rejects.toMatchObject({ code: 'rate_limited' });
  });
});
