import { RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { LOGIN_WINDOW_SECONDS, type FloodLimits } from '../limits.js';
import { RateLimited } from '../errors.js';
import type { LimiterFactory } from '../realtime/rate-limits.js';

/**
 * Who a login attempt counts against (issue 11, OWASP's "device cookies"). From a device the
 * account signed in on before (its signed cookie, auth/known-devices.ts): that device alone, so no
 * stranger's guesses, wherever they come from, keep an agent out. From anywhere else: the account
 * (guesses at one agent from many addresses) and the address (one address guessing at many
 * accounts: spraying).
 */
export type LoginSource = { device: string } | { account: string; address: string };

export interface LoginLimits {
  /**
   * Counts an attempt before its password is checked, and refuses it (`rate_limited`, with the
   * wait) past the limit. Counted first, not after a failure: a check that only read the count let
   * 200 guesses sent at once all through (none had failed yet while the others were checked;
   * found by a security probe, the right password among them logged in).
   */
  attempt(source: LoginSource): Promise<void>;
  /** The attempt was right: it does not count (and a known device is forgiven its typos). */
  succeeded(source: LoginSource): Promise<void>;
}

type Limit = { limiter: RateLimiterAbstract; key: string; message: string };

export function createLoginLimits(
  limiter: LimiterFactory,
  limits: Pick<FloodLimits, 'loginFailuresPerAccount' | 'loginFailuresPerAddress' | 'loginFailuresPerDevice'>,
): LoginLimits {
  const devices = limiter('login-device', limits.loginFailuresPerDevice, LOGIN_WINDOW_SECONDS);
  const accounts = limiter('login-account', limits.loginFailuresPerAccount, LOGIN_WINDOW_SECONDS);
  const addresses = limiter('login-address', limits.loginFailuresPerAddress, LOGIN_WINDOW_SECONDS);
  // The address first: `attempt` counts in this order (see there).
  const applying = (source: LoginSource): Limit[] =>
    'device' in source
      ? [{ limiter: devices, key: source.device, message: 'Too many failed logins on this device.' }]
      : [
          { limiter: addresses, key: source.address, message: 'Too many failed logins from your network.' },
          {
            limiter: accounts,
            key: source.account,
            message: 'Too many failed logins for this account. Sign in on a device you used before, or wait.',
          },
        ];
  return {
    // The address is counted before the account, and a refused attempt gives back what it
    // took: an address past its limit must not go on spending the accounts it names (ten more
    // requests from it would lock any agent out of a new device; a review of the first version).
    attempt: async (source) => {
      const taken: Limit[] = [];
      for (const limit of applying(source)) {
        try {
          await limit.limiter.consume(limit.key);
          taken.push(limit);
        } catch (rejection) {
          await Promise.all(taken.map(({ limiter, key }) => limiter.reward(key, 1)));
          if (rejection instanceof RateLimiterRes) throw new RateLimited(limit.message, rejection.msBeforeNext);
          throw rejection;
        }
      }
    },
    // A device that signs in is forgiven its typos. The account's and the address's earlier
    // failures stay until they expire: a right password from one place says nothing about
    // guesses from others; only this attempt is given back.
    succeeded: async (source) => {
      if ('device' in source) await devices.delete(source.device);
      else await Promise.all(applying(source).map(({ limiter, key }) => limiter.reward(key, 1)));
    },
  };
}
