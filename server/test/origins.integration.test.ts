/**
 * ALLOWED_ORIGINS (issue 11, hole 2): CORS alone never stopped a WebSocket, so a page on any site
 * could chat and spend the AI. The `/visitor` handshake itself is checked, on both transports,
 * with real sockets whose `Origin` is what a browser on that page would send.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { Fetch, NodeWebSocket, io, type Socket } from 'socket.io-client';
import type { AckResult, VisitorSession } from '@support-chat/shared';
import { startTestServer, type TestServer } from './harness.js';

const SHOP = 'https://shop.example';
const OTHER = 'https://other.example';
const TRANSPORTS = { websocket: NodeWebSocket, polling: Fetch } as const;
type Transport = keyof typeof TRANSPORTS;

type Outcome = { connected: true } | { connected: false; message: string; data?: { code?: string; message?: string } };

let t: TestServer | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.disconnect();
  await t?.close();
  t = null;
});

function visitorFrom(server: TestServer, origin: string | undefined, transport: Transport): Socket {
  const socket = io(`${server.url}/visitor`, {
    transports: [TRANSPORTS[transport]],
    extraHeaders: origin ? { origin } : {},
    forceNew: true,
    reconnection: false,
  });
  sockets.push(socket);
  return socket;
}

function outcome(socket: Socket): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('neither connect nor connect_error')), 5000);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: { code?: string; message?: string } }) => {
      clearTimeout(timer);
      resolve({ connected: false, message: error.message, data: error.data });
    });
  });
}

async function chats(socket: Socket): Promise<boolean> {
  const res = (await socket.timeout(5000).emitWithAck('conversation:resume', { afterSeq: 0 })) as AckResult<VisitorSession>;
  return res.ok;
}

describe.each(['websocket', 'polling'] as const)('the /visitor handshake over %s', (transport) => {
  it('refuses a page whose origin is not in ALLOWED_ORIGINS, with a code the widget can show', async () => {
    t = await startTestServer({ allowedOrigins: [SHOP] });
    const result = await outcome(visitorFrom(t, OTHER, transport));
    expect(result.connected).toBe(false);
    if (result.connected) return;
    expect(result.data?.code).toBe('origin_not_allowed');
    expect(result.data?.message).toContain(OTHER);
    expect(result.message).toBe(result.data?.message);
  });

  it('accepts a listed origin, and chats', async () => {
    t = await startTestServer({ allowedOrigins: [SHOP, 'https://second.example'] });
    const socket = visitorFrom(t, SHOP, transport);
    expect(await outcome(socket)).toEqual({ connected: true });
    expect(await chats(socket)).toBe(true);
  });

  it("always accepts the server's own origin (demo, help pages) and clients that send none", async () => {
    t = await startTestServer({ allowedOrigins: [SHOP] });
    expect(await outcome(visitorFrom(t, t.url, transport))).toEqual({ connected: true });
    expect(await outcome(visitorFrom(t, undefined, transport))).toEqual({ connected: true });
  });

  it('accepts any origin with the default `*`', async () => {
    t = await startTestServer();
    const socket = visitorFrom(t, OTHER, transport);
    expect(await outcome(socket)).toEqual({ connected: true });
    expect(await chats(socket)).toBe(true);
  });
});

describe('an Engine.IO session', () => {
  it('stays with the origin that opened it: a foreign page cannot carry on a session opened for a listed one', async () => {
    t = await startTestServer({ allowedOrigins: [SHOP] });
    const open = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: SHOP } });
    const sid = (JSON.parse((await open.text()).slice(1)) as { sid: string }).sid;
    const connect = (origin: string) =>
      fetch(`${t!.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, {
        method: 'POST',
        headers: { origin, 'content-type': 'text/plain;charset=UTF-8' },
        body: '40/visitor,',
      });
    expect((await connect(OTHER)).status).toBe(400);
    expect((await connect(SHOP)).status).toBe(200);
  });
});

describe('CORS on the socket', () => {
  it.each([['*'], [[SHOP]]] as const)('never lets a foreign page send credentials (ALLOWED_ORIGINS=%j)', async (allowedOrigins) => {
    t = await startTestServer({ allowedOrigins: allowedOrigins as '*' | string[] });
    const handshake = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, { headers: { origin: OTHER } });
    expect(handshake.status).toBe(200);
    expect(handshake.headers.get('access-control-allow-credentials')).toBeNull();
    expect(handshake.headers.get('access-control-allow-origin')).not.toBe(OTHER);
    const preflight = await fetch(`${t.url}/socket.io/?EIO=4&transport=polling`, {
      method: 'OPTIONS',
      headers: { origin: OTHER, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type' },
    });
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });
});
