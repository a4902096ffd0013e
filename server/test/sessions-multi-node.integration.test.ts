/**
 * Sessions end on every process of a site (issue 11): an admin on node A changes an agent's password
 * or deactivates them, and the agent's console socket on node B is told why and disconnected at
 * once (well before B's periodic re-check, 30 s), through the Socket.IO adapter over Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SessionEndedEvent } from '@support-chat/shared';
import { Cluster } from './cluster.js';
import { connected, type AgentClient } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres } from './postgres.js';
import { redisUnreachable, skipWithoutRedis, TEST_REDIS_URL, testPrefixes } from './redis.js';
import { requireBuiltServer, type ServerProcess } from './server-process.js';

const [pgDown, redisDown] = await Promise.all([postgresUnreachable(), redisUnreachable()]);
const skip = skipWithoutPostgres('sessions across nodes', pgDown) || skipWithoutRedis('sessions across nodes', redisDown);

/** Why the server ended the socket's session, once it has also disconnected it. */
function ended(socket: AgentClient, timeoutMs: number): Promise<SessionEndedEvent> {
  return new Promise((resolve, reject) => {
    let event: SessionEndedEvent | null = null;
    const timer = setTimeout(() => reject(new Error(`the socket was not ended within ${timeoutMs} ms`)), timeoutMs);
    socket.on('session:ended', (e) => (event = e));
    socket.once('disconnect', (reason) => {
      clearTimeout(timer);
      if (event && reason === 'io server disconnect') resolve(event);
      else reject(new Error(`disconnected (${reason}) without being told why`));
    });
  });
}

describe.skipIf(skip)('sessions across the processes of one site', () => {
  const prefixes = testPrefixes();
  let cluster: Cluster;
  let a: ServerProcess;
  let b: ServerProcess;
  let admin: string;

  beforeAll(async () => {
    requireBuiltServer();
    cluster = await Cluster.create({ redisUrl: TEST_REDIS_URL, redisPrefix: prefixes.prefix() });
    [a, b] = await Promise.all([cluster.start(), cluster.start()]);
    admin = (await cluster.agent('Boss', a, 'admin')).cookie;
  }, 60_000);

  afterAll(async () => {
    await cluster?.close();
    await prefixes.dropAll();
  }, 30_000);

  const call = (node: ServerProcess, method: string, path: string, body?: unknown) =>
    fetch(`${node.url}${path}`, {
      method,
      headers: { cookie: admin, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });

  it('ends a socket on B when an admin on A changes the agent’s password', async () => {
    const ann = await cluster.agent('Ann', a);
    const socket = cluster.agentSocket(b, ann.cookie);
    await connected(socket);
    const socketEnded = ended(socket, 5000);
    expect((await call(a, 'PATCH', `/api/admin/agents/${ann.id}`, { password: 'a-new-password-1' })).status).toBe(200);
    expect((await socketEnded).reason).toBe('password_changed');
    expect((await fetch(`${b.url}/api/auth/me`, { headers: { cookie: ann.cookie } })).status).toBe(401);
  });

  it('ends a socket on B when an admin on A deactivates the agent, and lets them back after reactivation', async () => {
    const ben = await cluster.agent('Ben', b);
    const socket = cluster.agentSocket(b, ben.cookie);
    await connected(socket);
    const socketEnded = ended(socket, 5000);
    expect((await call(a, 'POST', `/api/admin/agents/${ben.id}/deactivate`)).status).toBe(200);
    expect((await socketEnded).reason).toBe('deactivated');
    await expect(cluster.login(b, ben.email)).rejects.toThrow('403');
    expect((await call(a, 'POST', `/api/admin/agents/${ben.id}/reactivate`)).status).toBe(200);
    const again = cluster.agentSocket(b, await cluster.login(b, ben.email));
    await connected(again);
  });
});
