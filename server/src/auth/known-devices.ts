import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The cookie that tells the login which device it is talking to (httpOnly, sent to the login route only). */
export const DEVICE_COOKIE = 'support_chat_device';

/** How long a device stays known after its last successful login. */
export const DEVICE_COOKIE_MAX_AGE_MS = 365 * 24 * 3600 * 1000;

/**
 * A device an agent has signed in on (issue 11, OWASP's "device cookies"): a random device id and
 * the agent's id, signed with the server secret, so the login can tell an agent's own browser from
 * a stranger's without storing anything. It proves nothing by itself (the password still does); it
 * only decides which failure counts an attempt answers to (auth/login-limits.ts).
 */
export class KnownDevices {
  constructor(private readonly secret: string) {}

  issue(agentId: string, deviceId = randomBytes(16).toString('base64url')): string {
    const payload = `${deviceId}.${Buffer.from(agentId).toString('base64url')}`;
    return `d1.${payload}.${this.sign(payload)}`;
  }

  /** The device and the agent it was issued to, or null when the cookie is malformed or not ours. */
  verify(value: string | undefined): { deviceId: string; agentId: string } | null {
    const parts = /^d1\.([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{1,200})\.([A-Za-z0-9_-]{43})$/.exec(value ?? '');
    if (!parts) return null;
    const [, deviceId, agent, signature] = parts as unknown as [string, string, string, string];
    const expected = Buffer.from(this.sign(`${deviceId}.${agent}`));
    const actual = Buffer.from(signature);
    if (expected.length !== actual.length || !timingSafeEqual(expected, actual)) return null;
    return { deviceId, agentId: Buffer.from(agent, 'base64url').toString() };
  }

  private sign(payload: string): string {
    return createHmac('sha256', this.secret).update(`device:${payload}`).digest('base64url');
  }
}
