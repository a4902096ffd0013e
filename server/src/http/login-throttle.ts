import type { Request, Response } from 'express';
import { parse as parseCookies, serialize as serializeCookie } from 'cookie';
import { HTTP_ROUTES } from '@support-chat/shared';
import { DEVICE_COOKIE, DEVICE_COOKIE_MAX_AGE_MS, type KnownDevices } from '../auth/known-devices.js';
import type { LoginLimits, LoginSource } from '../auth/login-limits.js';
import type { Store } from '../store/types.js';
import { addressKey } from './client-address.js';

export interface LoginAttempt {
  /** Gives the attempt back, forgives the device its typos and (re)sets its cookie: from now on this browser is a known device. */
  succeeded(res: Response, agentId: string): Promise<void>;
}

/**
 * Slows password guessing without handing strangers a way to lock agents out (issue 11). An
 * attempt from a browser that holds a valid device cookie for the account it names answers only
 * to that device's count; any other attempt answers to the account's count (guesses from every
 * address) and the address's (guesses at every account). Past a count: 429 `rate_limited` with
 * `Retry-After`, before the password is checked.
 */
export function loginThrottle({ store, limits, devices }: { store: Store; limits: LoginLimits; devices: KnownDevices }) {
  /** The device, when the request carries a cookie we signed for the agent this email names. */
  async function knownDevice(req: Request, email: string): Promise<string | null> {
    const device = devices.verify(parseCookies(req.headers.cookie ?? '')[DEVICE_COOKIE]);
    if (!device) return null;
    const agent = await store.getAgent(device.agentId);
    return agent?.email === email ? device.deviceId : null;
  }

  return {
    async begin(req: Request, email: string): Promise<LoginAttempt> {
      const device = await knownDevice(req, email);
      const source: LoginSource = device ? { device } : { account: email, address: addressKey(req.ip) };
      await limits.attempt(source);
      return {
        succeeded: async (res, agentId) => {
          await limits.succeeded(source);
          res.append(
            'Set-Cookie',
            serializeCookie(DEVICE_COOKIE, devices.issue(agentId, device ?? undefined), {
              httpOnly: true,
              sameSite: 'strict',
              secure: req.secure,
              path: HTTP_ROUTES.login,
              maxAge: Math.floor(DEVICE_COOKIE_MAX_AGE_MS / 1000),
            }),
          );
        },
      };
    },
  };
}
