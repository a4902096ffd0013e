/** Rate limits shared through the machine's real Redis: two instances stand for two processes. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisUnreachable, skipWithoutRedis, testPrefixes, TEST_REDIS_URL } from '../../test/redis.js';
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
    createRedisRateLimits({ url: TEST_REDIS_URL, prefix, visitorMessagesPerMinute: 3, socketEventsPer10s: 2, loginFailuresPer15min: 2 });

  it('counts the calls of every node against one limit', async () => {
    const prefix = prefixes.prefix();
    const [a, b] = [await open(prefix), await open(prefix)];
    try {
      await a.visitorMessage('v1');
      await b.visitorMessage('v1');
      await a.visitorMessage('v1');
      await expect(b.visitorMessage('v1')).rejects.toMatchObject({ code: 'rate_limited' });
      await a.visitorMessage('v2'); // per visitor
      await a.socketEvent('s1');
      await b.socketEvent('s1');
      await expect(a.socketEvent('s1')).rejects.toMatchObject({ code: 'rate_limited', message: /Too many requests\. Try again in \d+ s\./ });

      await a.loginFailure('anna@example.com|1.2.3.4');
      expect(await b.loginAllowed('anna@example.com|1.2.3.4')).toBe(true);
      await b.loginFailure('anna@example.com|1.2.3.4');
      expect(await a.loginAllowed('anna@example.com|1.2.3.4')).toBe(false);
      await a.loginSucceeded('anna@example.com|1.2.3.4');
      expect(await b.loginAllowed('anna@example.com|1.2.3.4')).toBe(true);
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
    await limits.loginFailure('k');
    expect(await limits.loginAllowed('k')).toBe(true);
  });
});
