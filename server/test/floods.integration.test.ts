/**
 * Floods from one address (issue 11, hole 3), over real sockets: connections, open sockets, new
 * visitors and new conversations are bounded per address (and conversations per visitor); past a
 * bound the client hears `rate_limited` with `retryAfterMs`, and a visitor already waiting in the
 * queue stays in every agent's inbox.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LIMITS, type ErrorBody } from '@support-chat/shared';
import { io, Manager, type Socket } from 'socket.io-client';
import { connected, data, startTestServer, type TestServer, type VisitorClient } from './harness.js';

/** Connected, or the refusal it got: `data` from a middleware, null for a refusal without a word (403). */
type Outcome = { connected: true } | { connected: false; error: ErrorBody | null };

function attempt(socket: Socket, timeoutMs = 10_000): Promise<Outcome> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve({ connected: false, error: null }), timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      resolve({ connected: true });
    });
    socket.once('connect_error', (error: Error & { data?: ErrorBody }) => {
      clearTimeout(timer);
      resolve({ connected: false, error: error.data ?? null });
    });
  });
}

const refusedWithWait = (outcome: Outcome) =>
  !outcome.connected && outcome.error?.code === 'rate_limited' && (outcome.error.retryAfterMs ?? 0) > 0;

describe('floods from one address', () => {
  let t: TestServer;
  const extra: Socket[] = [];
  afterEach(async () => {
    for (const socket of extra.splice(0)) socket.disconnect();
    await t.close();
  });

  /** A raw client with no reconnection, closed after the test (the harness tracks its own). */
  const raw = (token?: string): VisitorClient => {
    const socket: VisitorClient = io(`${t.url}/visitor`, {
      auth: token ? { token } : {},
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    extra.push(socket);
    return socket;
  };

  it('holds 3,000 sockets from one address to the open-socket limit, telling the refused why', async () => {
    t = await startTestServer({ floodLimits: { openSocketsPerAddress: 100, connectionsPerAddressPerMinute: 1e6, newVisitorsPerAddressPerHour: 1e6 } });
    const started = Date.now();
    const outcomes: Outcome[] = [];
    // 3,000 attempts, 250 under way at a time; those let in stay open, as the flood's did.
    for (let i = 0; i < 3000; i += 250) {
      outcomes.push(...(await Promise.all(Array.from({ length: 250 }, () => attempt(raw())))));
    }
    const elapsed = Date.now() - started;
    const open = outcomes.filter((o) => o.connected).length;
    expect(open).toBe(100);
    expect(outcomes.length - open).toBe(2900);
    // Up to twice the limit the refused are told why and for how long; past it, refused bare.
    expect(outcomes.filter(refusedWithWait).length).toBeGreaterThan(0);
    expect(elapsed).toBeLessThan(120_000); // ~21 s alone on 2 cores, ~43 s beside other suites
    // Closing the open ones frees the places.
    for (const socket of extra.splice(0)) socket.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await attempt(raw())).connected).toBe(true);
  }, 180_000);

  it('refuses without a word, before the WebSocket handshake, an address holding twice the open-socket limit', async () => {
    t = await startTestServer({ floodLimits: { openSocketsPerAddress: 10, connectionsPerAddressPerMinute: 1e6 } });
    // Bare engine.io connections that never join a namespace, so are never told anything.
    const managers = Array.from({ length: 20 }, () => new Manager(t.url, { transports: ['websocket'], reconnection: false, autoConnect: false }));
    await Promise.all(managers.map((m) => new Promise((resolve, reject) => m.open((error) => (error ? reject(error) : resolve(null))))));
    try {
      const refused = await attempt(raw());
      expect(refused).toEqual({ connected: false, error: null });
    } finally {
      for (const m of managers) m.engine.close();
    }
  });

  it('refuses new connections from one address past the per-minute limit, with the wait', async () => {
    t = await startTestServer({ floodLimits: { connectionsPerAddressPerMinute: 20 } });
    const outcomes: Outcome[] = [];
    for (let i = 0; i < 30; i++) {
      const socket = raw();
      outcomes.push(await attempt(socket));
      socket.disconnect(); // one at a time: only the rate counts, not the sockets held
    }
    expect(outcomes.filter((o) => o.connected).length).toBe(20);
    const refused = outcomes.slice(20);
    expect(refused.every(refusedWithWait)).toBe(true);
    expect((refused[0] as { error: ErrorBody }).error.retryAfterMs).toBeLessThanOrEqual(60_000);
    expect((refused[0] as { error: ErrorBody }).error.message).toMatch(/Too many connections from your network\. Try again in \d+ s\./);
  });

  it('mints a bounded number of visitor tokens per address; a visitor who has one still connects', async () => {
    t = await startTestServer({ floodLimits: { newVisitorsPerAddressPerHour: 5 } });
    const tokens: string[] = [];
    for (let i = 0; i < 5; i++) {
      const visitor = raw();
      await connected(visitor);
      tokens.push(data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 })).token);
    }
    expect(new Set(tokens).size).toBe(5);
    const refused = await attempt(raw());
    expect(refusedWithWait(refused)).toBe(true);
    expect((refused as { error: ErrorBody }).error.retryAfterMs).toBeGreaterThan(60_000); // the hour's window
    expect((await attempt(raw(tokens[0]))).connected).toBe(true);
  });

  it('refuses conversations past the per-address limit while a queued visitor stays in the inbox', async () => {
    t = await startTestServer({ routing: { assignment: 'manual' }, floodLimits: { conversationsPerAddressPerHour: 30 } });
    const agent = t.agent(await t.loginAgent('Anna'));
    const waiting = t.visitor();
    await Promise.all([connected(agent), connected(waiting)]);
    data(await waiting.emitWithAck('message:send', { clientId: 'waiting-0001', text: 'hello' }));
    const queued = data(await waiting.emitWithAck('handoff:request', { clientId: 'waiting-0002' })).conversation;
    expect(queued.status).toBe('queued');

    // The flood: 60 new visitors each asking for a person (a new queued conversation each).
    const flood = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const visitor = raw();
        await connected(visitor);
        return visitor.emitWithAck('handoff:request', { clientId: `flood-${String(i).padStart(4, '0')}` });
      }),
    );
    const created = flood.filter((r) => r.ok).length;
    expect(created).toBe(29); // the waiting visitor's conversation was the 30th
    const refusals = flood.filter((r) => !r.ok).map((r) => (r as { error: ErrorBody }).error);
    expect(refusals).toHaveLength(31);
    for (const error of refusals) {
      expect(error.code).toBe('rate_limited');
      expect(error.retryAfterMs).toBeGreaterThan(0);
      expect(error.message).toMatch(/Too many new conversations from your network\. Try again in \d+ min\./);
    }

    const listing = data(await agent.emitWithAck('inbox:list', {}));
    const queuedIds = listing.conversations.filter((c) => c.status === 'queued').map((c) => c.id);
    expect(queuedIds).toContain(queued.id);
    expect(queuedIds).toHaveLength(30);
    // Past the limit, a visitor with an open conversation still writes in it.
    data(await waiting.emitWithAck('message:send', { clientId: 'waiting-0003', text: 'still there?' }));
  });

  it("counts a visitor's events across all their sockets, not per socket", async () => {
    t = await startTestServer();
    const first = raw();
    await connected(first);
    const { token } = data(await first.emitWithAck('conversation:resume', { afterSeq: 0 }));
    // A security probe opened 100 sockets on one token, each with a socket's whole allowance of
    // full resumes (2 MB apiece on a long conversation): seconds of a blocked event loop.
    const sockets = [first, ...Array.from({ length: 4 }, () => raw(token))];
    await Promise.all(sockets.map((socket) => connected(socket)));
    const answers = await Promise.all(sockets.flatMap((socket) => Array.from({ length: 14 }, () => socket.emitWithAck('conversation:resume', { afterSeq: 0 }))));
    const served = answers.filter((answer) => answer.ok).length;
    expect(served).toBe(LIMITS.socketEventsPer10s - 1); // the first socket's resume above counted too
    expect(answers.find((answer) => !answer.ok)).toMatchObject({ error: { code: 'rate_limited', retryAfterMs: expect.any(Number) } });
  });

  it('refuses a visitor a new conversation past the per-visitor limit', async () => {
    t = await startTestServer({ floodLimits: { conversationsPerVisitorPerHour: 2 } });
    const visitor = t.visitor();
    await connected(visitor);
    for (let i = 0; i < 2; i++) {
      const { conversation } = data(await visitor.emitWithAck('message:send', { clientId: `conv-${i}-0001`, text: 'hi' }));
      await t.server.router.idle();
      await t.server.conversations.close(conversation.id, 'agent');
    }
    const refused = await visitor.emitWithAck('message:send', { clientId: 'conv-2-0001', text: 'hi again' });
    expect(refused).toMatchObject({ ok: false, error: { code: 'rate_limited', message: /You have started too many conversations/ } });
    expect((refused as { error: ErrorBody }).error.retryAfterMs).toBeGreaterThan(0);
    expect((await t.store.listConversations({})).length).toBe(2);
  });
});
