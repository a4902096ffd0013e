import { randomBytes } from 'node:crypto';
import type { Lease, Leases } from '../types.js';
import { Script, type RedisClient } from './client.js';

/** Only the holder's token may extend or drop the lease (compare-and-set in one script). */
const RENEW = new Script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0`);
const RELEASE = new Script(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

/**
 * `SET lease:<key> <token> NX PX <ttl>`. A lease alone can still double-run after a long pause
 * (the holder does not know it expired), so work under a lease must also be idempotent in the
 * store (SCALE-OUT.md, Kleppmann's "How to do distributed locking").
 */
export class RedisLeases implements Leases {
  constructor(
    private readonly client: RedisClient,
    private readonly prefix: string,
  ) {}

  async acquire(key: string, ttlMs: number): Promise<Lease | null> {
    const redisKey = `${this.prefix}lease:${key}`;
    const token = randomBytes(12).toString('base64url');
    const taken = await this.client.set(redisKey, token, { condition: 'NX', expiration: { type: 'PX', value: Math.max(1, Math.round(ttlMs)) } });
    if (taken !== 'OK') return null;
    return {
      key,
      renew: async (ms) => (await RENEW.run(this.client, [redisKey], [token, Math.max(1, Math.round(ms))])) === 1,
      release: async () => {
        await RELEASE.run(this.client, [redisKey], [token]);
      },
    };
  }
}
