import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import { DEFAULT_LIMITS } from '../src/limits.js';
import { createMemoryRateLimits } from '../src/realtime/rate-limits.js';
import { connected, data, nextEvent, startTestServer, type TestServer } from './harness.js';

describe('reconnects and retries lose nothing and double nothing', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.close();
  });

  it('resumes with the same token after a drop and gets exactly what it missed', async () => {
    const agent = t.agent(await t.loginAgent('Anna'));
    const visitor = t.visitor();
    await Promise.all([connected(agent), connected(visitor)]);
    const { token } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    data(await agent.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    const seen = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 })).messages;
    const lastSeen = seen.at(-1)!.seq;

    visitor.disconnect();
    const sentSeqs: number[] = [];
    for (const text of ['Are you there?', 'Here is the answer.']) {
      sentSeqs.push(data(await agent.emitWithAck('message:send', { conversationId: conversation.id, clientId: `agent-${text.length}-xyz`, text })).message.seq);
    }

    const again = t.visitor(token);
    await connected(again);
    const resumed = data(await again.emitWithAck('conversation:resume', { afterSeq: lastSeen, conversationId: conversation.id }));
    expect(resumed.conversation?.id).toBe(conversation.id);
    expect(resumed.messages.map((m) => m.text)).toEqual(['Are you there?', 'Here is the answer.']);
    // Exactly the agent's two messages (a hand-off note, for agents only, may sit between).
    expect(resumed.messages.map((m) => m.seq)).toEqual(sentSeqs);
    expect(sentSeqs[0]).toBeGreaterThan(lastSeen);
  });

  it('stores a message resent after a lost ack once, and answers it once', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const { token } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const first = data(await visitor.emitWithAck('message:send', { clientId: 'outbox-0001', text: 'How do I return an item?' }));
    visitor.disconnect();

    // The widget's outbox resends everything not acknowledged, from a new connection.
    const again = t.visitor(token);
    await connected(again);
    const resent = data(await again.emitWithAck('message:send', { clientId: 'outbox-0001', text: 'How do I return an item?' }));
    expect(resent.message.id).toBe(first.message.id);
    await t.server.router.idle();

    const { messages } = data(await again.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(messages.filter((m) => m.author === 'visitor')).toHaveLength(1);
    expect(messages.filter((m) => m.author === 'ai')).toHaveLength(1);
  });

  it('delivers messages emitted while the connection is down once it is back', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const { token } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    // Socket.IO buffers emits made while disconnected and sends them on reconnect.
    const buffered = t.visitor(token);
    buffered.io.reconnection(true).reconnectionDelay(50).reconnectionDelayMax(100);
    await connected(buffered);
    buffered.io.engine.close();
    const acks = ['first while offline', 'second while offline'].map((text, i) =>
      buffered.timeout(8000).emitWithAck('message:send', { clientId: `offline-000${i}`, text }),
    );
    const results = await Promise.all(acks);
    expect(results).toEqual([expect.objectContaining({ ok: true }), expect.objectContaining({ ok: true })]);
    await t.server.router.idle();
    const { messages } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(messages.filter((m: ChatMessage) => m.author === 'visitor').map((m) => m.text)).toEqual([
      'first while offline',
      'second while offline',
    ]);
  });
});

describe('bad input gets a clear error and the server stays up', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer();
  });
  afterEach(async () => {
    await t.close();
  });

  it.each([
    ['a number for text', { clientId: 'client-0001', text: 5 }],
    ['an empty text', { clientId: 'client-0001', text: '   ' }],
    ['a too-long text', { clientId: 'client-0001', text: 'x'.repeat(4001) }],
    ['a bad client id', { clientId: 'no spaces allowed', text: 'hi' }],
    ['unknown fields', { clientId: 'client-0001', text: 'hi', admin: true }],
    ['not an object', 'hello'],
  ])('rejects %s with invalid_payload', async (_label, payload) => {
    const visitor = t.visitor();
    await connected(visitor);
    const result = await (visitor as unknown as { emitWithAck: (e: string, p: unknown) => Promise<unknown> }).emitWithAck('message:send', payload);
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    // …and the same socket still works.
    expect(data(await visitor.emitWithAck('message:send', { clientId: 'client-0009', text: 'hello' })).message.text).toBe('hello');
  });

  it('survives commands without an ack callback and unknown events', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    (visitor as unknown as { emit: (e: string, p?: unknown) => void }).emit('message:send', { text: 'no ack' });
    (visitor as unknown as { emit: (e: string, p?: unknown) => void }).emit('nonsense:event', { a: 1 });
    expect(data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 })).conversation).toBeNull();
  });

  it('answers a command sent with only an ack, with extra arguments, or under an unknown name (issue 11 fuzzing)', async () => {
    const visitor = t.visitor();
    const agent = t.agent(await t.loginAgent('Anna'));
    await Promise.all([connected(visitor), connected(agent)]);
    type Raw = { timeout: (ms: number) => { emitWithAck: (event: string, ...args: unknown[]) => Promise<unknown> } };
    const ask = (socket: unknown, event: string, ...args: unknown[]) => (socket as Raw).timeout(2000).emitWithAck(event, ...args);
    expect(await ask(agent, 'team:list')).toMatchObject({ ok: true });
    expect(await ask(visitor, 'handoff:request')).toMatchObject({ ok: true });
    expect(await ask(visitor, 'typing:set', { typing: true }, 'surplus')).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await ask(visitor, 'conversation:claim', { conversationId: 'c1' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await ask(agent, '__proto__', {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('rate-limits a visitor who floods messages', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const results = [];
    for (let i = 0; i < 25; i++) {
      results.push(await visitor.emitWithAck('message:send', { clientId: `flood-${String(i).padStart(4, '0')}`, text: `spam ${i}` }));
    }
    expect(results.slice(0, 20).every((r) => r.ok)).toBe(true);
    expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
  });

  it("gives a signed-in agent a busy agent's event budget, not a stranger's, and still bounds it", async () => {
    const limited = await startTestServer({ limits: createMemoryRateLimits({ socketEventsPer10s: 5, agentEventsPer10s: 40 }) });
    try {
      const agent = limited.agent(await limited.loginAgent('Busy'));
      await connected(agent);
      const results = [];
      for (let i = 0; i < 41; i++) results.push(await agent.emitWithAck('team:list', {}));
      // Eight times what a visitor socket may send here, across one agent's commands…
      expect(results.slice(0, 40).every((r) => r.ok)).toBe(true);
      // …and then the agent is told to slow down too.
      expect(results.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
      const visitor = limited.visitor();
      await connected(visitor);
      const visitorResults = [];
      for (let i = 0; i < 6; i++) visitorResults.push(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
      expect(visitorResults.at(-1)).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    } finally {
      await limited.close();
    }
  });

  it('says it is ready while the store can write, and not ready (503) once it cannot', async () => {
    const ready = await fetch(`${t.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ok: true, data: { services: { store: 'ok' } } });
    expect(await (await fetch(`${t.url}/healthz`)).json()).toMatchObject({ data: { status: 'ok', version: expect.stringMatching(/^\d+\.\d+\.\d+/), services: { store: 'ok' } } });
    await t.store.close(); // as good as a database that is gone
    // Checked at most once a second (each check writes): the next one says so.
    await expect.poll(async () => (await fetch(`${t.url}/readyz`)).status, { timeout: 5000 }).toBe(503);
    const notReady = await fetch(`${t.url}/readyz`);
    expect(await notReady.json()).toMatchObject({ ok: false, error: { code: 'store_unavailable', message: 'Not ready: store down.' } });
    expect((await fetch(`${t.url}/healthz`)).status).toBe(200);
  });

  it('refuses agent sockets without a session and from foreign origins', async () => {
    const anonymous = t.agent('sc_session=forged');
    await expect(connected(anonymous)).rejects.toThrow('unauthorized');
    const cookie = await t.loginAgent('Anna');
    const { io } = await import('socket.io-client');
    const foreign = io(`${t.url}/agent`, {
      extraHeaders: { cookie, origin: 'https://evil.example' },
      transports: ['websocket'],
      forceNew: true,
      reconnection: false,
    });
    await expect(connected(foreign)).rejects.toThrow('forbidden');
    foreign.disconnect();
  });

  it('answers HTTP mistakes with a code and a message', async () => {
    const post = (body: string) =>
      fetch(`${t.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const badJson = await post('{not json');
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    const wrong = await post(JSON.stringify({ email: 'nobody@example.com', password: 'whatever' }));
    expect(wrong.status).toBe(401);
    const huge = await post(JSON.stringify({ email: 'a@b.co', password: 'x'.repeat(20_000) }));
    expect(huge.status).toBe(413);
    const me = await fetch(`${t.url}/api/auth/me`);
    expect(me.status).toBe(401);
    const missing = await fetch(`${t.url}/nope/nothing`);
    expect(missing.status).toBe(404);
  });

  it('publishes the knowledge base as help pages', async () => {
    const page = await fetch(`${t.url}/help/returns`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('How do I return an item?');
    const zh = await (await fetch(`${t.url}/zh/help/returns`)).text();
    expect(zh).toContain('lang="zh-CN"');
    expect((await fetch(`${t.url}/help/no-such-topic`)).status).toBe(404);
  });

  it('behind one proxy (TRUST_PROXY=1), throttles by the address the proxy saw, whatever the client forged before it', async () => {
    const proxied = await startTestServer({ trustProxy: 1, floodLimits: { loginFailuresPerAddress: 5 } });
    try {
      const statuses = [];
      for (let i = 0; i < 7; i++) {
        const response = await fetch(`${proxied.url}/api/auth/login`, {
          method: 'POST',
          // The client wrote its own X-Forwarded-For; the proxy appended the address it really saw.
          // A guess at another account each time: only the address's count can catch it (spraying).
          headers: { 'content-type': 'application/json', 'x-forwarded-for': `203.0.113.${i}, 198.51.100.7` },
          body: JSON.stringify({ email: `target-${i}@example.com`, password: 'guess-guess' }),
        });
        statuses.push(response.status);
      }
      // A blanket `true` took the forged left-most address: 7 different guessers, never throttled.
      expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    } finally {
      await proxied.close();
    }
  });

  it('refuses state-changing API calls from another origin, even with the session cookie (another port, a subdomain)', async () => {
    const cookie = await t.loginAgent('Anna', 'admin');
    const port = new URL(t.url).port;
    for (const origin of [`http://127.0.0.1:${Number(port) + 1}`, 'http://evil.127.0.0.1.nip.io', 'null']) {
      const logout = await fetch(`${t.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin } });
      expect(logout.status).toBe(403);
      expect(await logout.json()).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    // Still signed in; the same call from the console's own origin works.
    expect((await fetch(`${t.url}/api/auth/me`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/auth/logout`, { method: 'POST', headers: { cookie, origin: t.url } })).status).toBe(200);
    expect((await fetch(`${t.url}/api/auth/me`, { headers: { cookie } })).status).toBe(401);
  });

  it('slows down repeated failed logins', async () => {
    const attempt = () =>
      fetch(`${t.url}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: 'target@example.com', password: 'guess-guess' }),
      });
    const statuses = [];
    const limit = DEFAULT_LIMITS.loginFailuresPerAccount;
    for (let i = 0; i < limit + 2; i++) statuses.push((await attempt()).status);
    expect(statuses.slice(0, limit).every((status) => status === 401)).toBe(true);
    expect(statuses.slice(limit)).toEqual([429, 429]);
  });
});
