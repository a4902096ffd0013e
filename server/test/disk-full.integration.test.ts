/**
 * Issue 11, "disk full": the built server on a real, small filesystem (tmpfs) that a ballast file
 * fills. While full, writes fail with their own code (`store_unavailable`, HTTP 503) that clients
 * retry, nothing is acknowledged that is not on disk, login answers 503, and `/healthz` and
 * `/readyz` say so. Freeing the space is all the recovery it takes: no restart.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io } from 'socket.io-client';
import type { ChatMessage } from '@support-chat/shared';
import { connected, data, nextEvent, type VisitorClient } from './harness.js';
import { requireBuiltServer, startServerProcess, type ServerProcess } from './server-process.js';
import { mountSmallDiskOrThrow, skipWithoutSmallDisk, type SmallDisk } from './small-disk.js';

const skip = skipWithoutSmallDisk('disk-full suite');
const ADMIN = { email: 'admin@example.com', password: 'disk-full-password' };

describe.skipIf(skip)('a full disk under the SQLite store', () => {
  let server: ServerProcess;
  let small: SmallDisk;
  beforeAll(async () => {
    requireBuiltServer();
    small = mountSmallDiskOrThrow(16);
    server = await startServerProcess({ DATA_DIR: small.dir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'fatal' });
  });
  afterAll(async () => {
    await server?.kill();
    small?.remove();
  });

  const login = () =>
    fetch(`${server.url}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(ADMIN),
    });
  const health = async (route: '/healthz' | '/readyz') => {
    const response = await fetch(server.url + route);
    return { status: response.status, body: (await response.json()) as { ok: boolean; data?: { services: Record<string, string> }; error?: { code: string } } };
  };

  it('refuses writes with store_unavailable, reports it, and recovers when space is freed', async () => {
    const visitor: VisitorClient = io(`${server.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false });
    await connected(visitor);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const answered = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai', 10_000);
    data(await visitor.emitWithAck('message:send', { clientId: 'disk-full-0001', text: 'How do I return an item?' }));
    await answered;
    expect((await health('/readyz')).status).toBe(200);

    expect(small.fill()).toBeGreaterThan(0);

    // A visitor's message: refused with the code clients retry, and not stored.
    const refused = await visitor.emitWithAck('message:send', { clientId: 'disk-full-0002', text: 'Is my order on its way?' });
    expect(refused).toEqual({ ok: false, error: { code: 'store_unavailable', message: expect.any(String) } });
    const during = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(during.messages.map((m) => m.clientId)).not.toContain('disk-full-0002');

    // Login needs a session row: 503 with the clear code, not 500.
    const refusedLogin = await login();
    expect(refusedLogin.status).toBe(503);
    expect(((await refusedLogin.json()) as { error: { code: string } }).error.code).toBe('store_unavailable');

    // Liveness says what is wrong (restarting would not free the disk); readiness fails, by the
    // next check (at most one a second: each writes).
    await expect.poll(async () => (await health('/readyz')).status, { timeout: 5000 }).toBe(503);
    const liveWhileFull = await health('/healthz');
    expect(liveWhileFull.status).toBe(200);
    expect(liveWhileFull.body.data?.services.store).toBe('down');
    const readyWhileFull = await health('/readyz');
    expect(readyWhileFull.status).toBe(503);
    expect(readyWhileFull.body.error?.code).toBe('store_unavailable');

    small.free();

    // No restart: the next check and the next write succeed, and the resent message lands once.
    await expect.poll(async () => (await health('/readyz')).status, { timeout: 5000 }).toBe(200);
    expect((await health('/healthz')).body.data?.services.store).toBe('ok');
    const resent = data(await visitor.emitWithAck('message:send', { clientId: 'disk-full-0002', text: 'Is my order on its way?' }));
    const again = data(await visitor.emitWithAck('message:send', { clientId: 'disk-full-0002', text: 'Is my order on its way?' }));
    expect(again.message.id).toBe(resent.message.id);
    const after = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(after.messages.filter((m) => m.clientId === 'disk-full-0002')).toHaveLength(1);
    expect((await login()).status).toBe(200);
    visitor.disconnect();
  });
});
