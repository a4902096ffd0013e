/**
 * Password guessing over real HTTP (issue 11, hole 5): spraying many accounts from one address and
 * guessing one account from many addresses are both slowed (429 `rate_limited`, `Retry-After`),
 * and neither lets a stranger keep an agent out of their own known device.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createAgent } from '../src/auth/agents.js';
import { DEVICE_COOKIE, KnownDevices } from '../src/auth/known-devices.js';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { startTestServer, TEST_SECRET, type TestServer } from './harness.js';

const PASSWORD = 'right-password-1';

describe('login throttle', () => {
  let t: TestServer;
  afterEach(async () => {
    await t.close();
  });

  /** POST /api/auth/login as a browser would: from `address` (X-Forwarded-For, one trusted proxy) with its cookies. */
  const login = (email: string, password: string, { address = '203.0.113.1', cookie }: { address?: string; cookie?: string } = {}) =>
    fetch(`${t.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address, ...(cookie ? { cookie } : {}) },
      body: JSON.stringify({ email, password }),
    });

  /** The device cookie a successful login sets (`name=value`). */
  const deviceCookie = (response: Response) =>
    response.headers
      .getSetCookie()
      .map((c) => c.split(';')[0]!)
      .find((c) => c.startsWith('support_chat_device='));

  it('slows spraying: many accounts guessed from one address get 429 with Retry-After past the limit', async () => {
    t = await startTestServer({ trustProxy: 1 });
    const statuses: number[] = [];
    let last: Response | undefined;
    for (let i = 0; i < 40; i++) {
      last = await login(`someone-${i}@example.com`, 'guess-123456');
      statuses.push(last.status);
    }
    const limit = DEFAULT_LIMITS.loginFailuresPerAddress;
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    const body = (await last!.json()) as { ok: false; error: { code: string; message: string; retryAfterMs?: number } };
    expect(body.error).toMatchObject({ code: 'rate_limited', message: /Too many failed logins from your network/ });
    expect(body.error.retryAfterMs).toBeGreaterThan(0);
    expect(body.error.retryAfterMs).toBeLessThanOrEqual(15 * 60 * 1000);
    // Another address is not held back by this one.
    expect((await login('someone-0@example.com', 'guess-123456', { address: '198.51.100.7' })).status).toBe(401);
  });

  it('checks no more passwords than the limit when the guesses are sent all at once, the right one among them', async () => {
    t = await startTestServer({ trustProxy: 1 });
    const agent = await createAgent(t.store, { email: 'root@example.com', password: PASSWORD, name: 'Root', role: 'admin' });
    // A security probe sent 200 at once, the right password 173rd: all were checked, and it logged in.
    const guesses = Array.from({ length: 60 }, (_, i) => (i === 59 ? PASSWORD : `guess-${i}-123456`));
    const statuses = await Promise.all(guesses.map((password) => login(agent.email, password).then((r) => r.status)));
    // Whichever arrived first were checked (401, or 200 had the right one been among them); the rest waited.
    expect(statuses.filter((s) => s !== 429)).toHaveLength(DEFAULT_LIMITS.loginFailuresPerAccount);
  });

  it("does not let a stranger's guesses from many addresses keep an agent out of their known device", async () => {
    t = await startTestServer({ trustProxy: 1 });
    const agent = await createAgent(t.store, { email: 'anna@example.com', password: PASSWORD, name: 'Anna', role: 'agent' });
    const first = await login(agent.email, PASSWORD, { address: '198.51.100.20' });
    expect(first.status).toBe(200);
    const device = deviceCookie(first);
    expect(device).toBeDefined();

    // The attacker knows Anna's email and guesses from a new address each time.
    const statuses: number[] = [];
    for (let i = 0; i < 25; i++) statuses.push((await login(agent.email, `guess-${i}-abcdef`, { address: `192.0.2.${i + 1}` })).status);
    const limit = DEFAULT_LIMITS.loginFailuresPerAccount;
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);
    // Strangers stay slowed even with the right password (the throttle answers before checking it)...
    expect((await login(agent.email, PASSWORD, { address: '192.0.2.200' })).status).toBe(429);
    // ...and so does the attacker's own address, shared with Anna behind the office NAT.
    expect((await login(agent.email, PASSWORD, { address: '192.0.2.1' })).status).toBe(429);

    // Anna, on her own browser, gets in, even from the attacker's address, even after typos.
    for (let i = 0; i < 3; i++) expect((await login(agent.email, 'typo-typo-typo', { address: '192.0.2.1', cookie: device })).status).toBe(401);
    const again = await login(agent.email, PASSWORD, { address: '192.0.2.1', cookie: device });
    expect(again.status).toBe(200);
    expect(deviceCookie(again)).toBe(device); // the same device, kept
  });

  it('bounds guesses on a known device too, and a device cookie vouches only for its own agent', async () => {
    t = await startTestServer({ trustProxy: 1 });
    const anna = await createAgent(t.store, { email: 'anna@example.com', password: PASSWORD, name: 'Anna', role: 'agent' });
    const ben = await createAgent(t.store, { email: 'ben@example.com', password: PASSWORD, name: 'Ben', role: 'agent' });
    const device = deviceCookie(await login(anna.email, PASSWORD));
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await login(anna.email, `guess-${i}-abcdef`, { cookie: device })).status);
    const limit = DEFAULT_LIMITS.loginFailuresPerDevice;
    expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);

    // Anna's cookie is a stranger's device for Ben: his account's count applies, not hers.
    for (let i = 0; i < DEFAULT_LIMITS.loginFailuresPerAccount; i++) {
      await login(ben.email, `guess-${i}-abcdef`, { address: `192.0.2.${i + 1}`, cookie: device });
    }
    expect((await login(ben.email, PASSWORD, { address: '198.51.100.99', cookie: device })).status).toBe(429);
    // A device cookie for Ben signed with another secret is no device at all; one signed by this server is.
    const forged = `${DEVICE_COOKIE}=${new KnownDevices('another-secret-'.padEnd(40, 'y')).issue(ben.id)}`;
    expect((await login(ben.email, PASSWORD, { address: '198.51.100.98', cookie: forged })).status).toBe(429);
    const genuine = `${DEVICE_COOKIE}=${new KnownDevices(TEST_SECRET).issue(ben.id)}`;
    expect((await login(ben.email, PASSWORD, { address: '198.51.100.98', cookie: genuine })).status).toBe(200);
  });
});
