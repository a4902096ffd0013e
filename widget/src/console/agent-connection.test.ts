import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AckResult, AgentProfile } from '@support-chat/shared';
import { AgentConnection, type AgentSocket } from './agent-connection.js';
import { conv, msg } from './test-fixtures.js';

type Handler = (...args: unknown[]) => void;
type Responder = (payload: Record<string, unknown>) => AckResult<unknown> | Promise<AckResult<unknown>>;

/** Just enough of a socket.io client socket: tests play the server's part. */
class FakeSocket {
  connected = false;
  active = false;
  readonly handlers = new Map<string, Handler[]>();
  readonly acked: Array<{ event: string; payload: Record<string, unknown> }> = [];
  readonly emitted: Array<{ event: string; payload: unknown }> = [];
  readonly responders = new Map<string, Responder>();

  on(event: string, handler: Handler) {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), handler]);
    return this;
  }
  connect() {
    this.active = true;
    return this;
  }
  disconnect() {
    this.active = false;
    this.connected = false;
    return this;
  }
  emit(event: string, payload: unknown) {
    this.emitted.push({ event, payload });
    return this;
  }
  timeout(_ms: number) {
    return {
      emitWithAck: async (event: string, payload: Record<string, unknown>) => {
        this.acked.push({ event, payload });
        const respond = this.responders.get(event);
        if (!respond) throw new Error('operation has timed out');
        return respond(payload);
      },
    };
  }
  /** The server (or socket.io itself) fires an event at the client. */
  fire(event: string, ...args: unknown[]) {
    if (event === 'connect') this.connected = true;
    for (const handler of this.handlers.get(event) ?? []) handler(...args);
  }
  acksOf(event: string) {
    return this.acked.filter((a) => a.event === event).map((a) => a.payload);
  }
}

const agent: AgentProfile = { id: 'me', email: 'me@x.io', name: 'Mia', role: 'agent', capacity: 5 };
const ok = <T>(data: T): AckResult<T> => ({ ok: true, data });
const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup() {
  const socket = new FakeSocket();
  let n = 0;
  const connection = new AgentConnection({
    agent,
    createSocket: () => socket as unknown as AgentSocket,
    createId: () => `client-${++n}`,
    now: () => 42,
  });
  socket.responders.set('inbox:list', () => ok({ conversations: [conv('a', { status: 'queued' }), conv('b')] }));
  socket.responders.set('conversation:watch', (p) =>
    ok({ conversation: conv(String(p['conversationId'])), messages: [msg(String(p['conversationId']), 1)] }),
  );
  socket.responders.set('conversation:unwatch', () => ok(null));
  return { socket, connection };
}

async function online() {
  const ctx = setup();
  ctx.connection.start();
  ctx.socket.fire('connect');
  await flush();
  return ctx;
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('AgentConnection', () => {
  it('lists the inbox once connected', async () => {
    const { connection, socket } = await online();
    expect(connection.state.status).toBe('online');
    expect(socket.acksOf('inbox:list')).toEqual([{}]);
    expect([...connection.state.inbox.byId.keys()]).toEqual(['a', 'b']);
  });

  it('reports an unauthorized handshake so the console can show the login form', () => {
    const { connection, socket } = setup();
    const seen: string[] = [];
    connection.subscribe((s) => seen.push(s.status));
    connection.start();
    socket.fire('connect_error', new Error('unauthorized'));
    expect(connection.state.status).toBe('unauthorized');
    expect(socket.active).toBe(false);
    expect(seen.at(-1)).toBe('unauthorized');
  });

  it('opens a conversation, merges live messages for it, ignores others, unwatches on switch', async () => {
    const { connection, socket } = await online();
    connection.open('a');
    await flush();
    expect(socket.acksOf('conversation:watch')).toEqual([{ conversationId: 'a', afterSeq: 0 }]);
    expect(connection.state.transcript?.loaded).toBe(true);
    socket.fire('message:created', msg('a', 2));
    socket.fire('message:created', msg('b', 7));
    expect(connection.state.transcript?.messages.map((m) => m.seq)).toEqual([1, 2]);
    connection.open('b');
    await flush();
    expect(socket.acksOf('conversation:unwatch')).toEqual([{ conversationId: 'a' }]);
    expect(connection.state.transcript?.conversationId).toBe('b');
  });

  it('drops watch answers, even failures, that arrive after the agent opened another conversation', async () => {
    const { connection, socket } = await online();
    const late: Array<() => void> = [];
    socket.responders.set(
      'conversation:watch',
      (p) =>
        new Promise((resolve) => {
          const id = String(p['conversationId']);
          if (id === 'a') late.push(() => resolve(ok({ conversation: conv(id), messages: [msg(id, 1)] })));
          else if (id === 'c') late.push(() => resolve({ ok: false, error: { code: 'not_found', message: 'gone' } }));
          else resolve(ok({ conversation: conv(id), messages: [msg(id, 1)] }));
        }),
    );
    connection.open('a');
    connection.open('c');
    connection.open('b');
    await flush();
    for (const answer of late) answer();
    await flush();
    expect(connection.state.transcript?.conversationId).toBe('b');
    expect(connection.state.transcript?.messages.map((m) => m.conversationId)).toEqual(['b']);
    expect(connection.state.notice).toBeNull();
  });

  it('after a reconnect re-lists the inbox and re-watches after the last seq seen', async () => {
    const { connection, socket } = await online();
    connection.open('a');
    await flush();
    socket.fire('message:created', msg('a', 2));
    socket.fire('message:created', msg('a', 3));
    socket.fire('ai:token', { conversationId: 'a', streamId: 'cut', delta: 'Half an ans' });
    socket.fire('disconnect', 'transport close');
    expect(connection.state.status).toBe('reconnecting');
    expect(connection.state.transcript?.streams).toEqual([]);
    socket.responders.set('conversation:watch', () => ok({ conversation: conv('a'), messages: [msg('a', 4)] }));
    socket.fire('connect');
    await flush();
    expect(socket.acksOf('inbox:list')).toHaveLength(2);
    expect(socket.acksOf('conversation:watch').at(-1)).toEqual({ conversationId: 'a', afterSeq: 3 });
    expect(connection.state.transcript?.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('applies conversation:updated to the inbox live', async () => {
    const { connection, socket } = await online();
    socket.fire('conversation:updated', conv('b', { status: 'queued', updatedAt: 9_000 }));
    expect(connection.state.inbox.byId.get('b')?.status).toBe('queued');
    expect([...connection.state.inbox.unread]).toEqual(['b']);
  });

  it('shows a send as pending, settles it with the acked message, and keeps a failure for retry', async () => {
    const { connection, socket } = await online();
    connection.open('a');
    await flush();
    socket.responders.set('message:send', (p) =>
      ok({ message: msg('a', 2, { author: 'agent', clientId: String(p['clientId']), text: String(p['text']) }) }),
    );
    expect(connection.send('  hello  ')).toBe(true);
    expect(connection.state.transcript?.pending.map((p) => p.text)).toEqual(['hello']);
    await flush();
    expect(connection.state.transcript?.pending).toEqual([]);
    expect(connection.state.transcript?.messages.at(-1)?.text).toBe('hello');

    socket.responders.set('message:send', () => ({ ok: false, error: { code: 'invalid_state', message: 'Not yours' } }));
    connection.send('second');
    await flush();
    expect(connection.state.transcript?.pending[0]).toMatchObject({ clientId: 'client-2', error: 'Not yours' });
    socket.responders.delete('message:send');
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    connection.retry('client-2');
    await flush();
    const sends = socket.acksOf('message:send');
    expect(sends.at(-1)).toEqual({ conversationId: 'a', clientId: 'client-2', text: 'second' });
    expect(connection.state.transcript?.pending[0]?.error).toBe('The server did not answer in time.');
    expect(warn).toHaveBeenCalledOnce();
    expect(connection.send('   ')).toBe(false);
  });

  it('shows a streamed AI answer token by token and replaces it with the stored message', async () => {
    const { connection, socket } = await online();
    connection.open('b');
    await flush();
    socket.fire('ai:token', { conversationId: 'b', streamId: 's1', delta: 'We open ' });
    socket.fire('ai:token', { conversationId: 'b', streamId: 's1', delta: 'at nine.' });
    expect(connection.state.transcript?.streams.map((s) => s.text)).toEqual(['We open at nine.']);
    socket.fire('message:created', msg('b', 2, { author: 'ai', streamId: 's1', text: 'We open at nine.' }));
    expect(connection.state.transcript?.streams).toEqual([]);
    expect(connection.state.transcript?.messages.at(-1)?.author).toBe('ai');
  });

  it('claims the open conversation and reports a refused command', async () => {
    const { connection, socket } = await online();
    connection.open('a');
    await flush();
    socket.responders.set('conversation:claim', () =>
      ok({ conversation: conv('a', { status: 'assigned', assignedAgentId: 'me', updatedAt: 5_000 }) }),
    );
    expect(await connection.claim()).toBe(true);
    expect(connection.openConversation?.status).toBe('assigned');
    socket.responders.set('conversation:close', () => ({ ok: false, error: { code: 'forbidden', message: 'Nope' } }));
    expect(await connection.close()).toBe(false);
    expect(connection.state.notice).toBe('Could not close the conversation: Nope');
    connection.dismissNotice();
    expect(connection.state.notice).toBeNull();
  });

  it('shows the visitor typing, ignores its own echo, and expires a stale indicator', async () => {
    vi.useFakeTimers();
    const { connection, socket } = setup();
    connection.start();
    socket.fire('connect');
    await vi.advanceTimersByTimeAsync(0);
    connection.open('a');
    await vi.advanceTimersByTimeAsync(0);
    socket.fire('typing:changed', { conversationId: 'a', author: 'agent', name: 'Mia', typing: true });
    socket.fire('typing:changed', { conversationId: 'a', author: 'visitor', typing: true });
    expect(connection.state.transcript?.typing).toEqual([{ author: 'visitor' }]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(connection.state.transcript?.typing).toEqual([]);
  });

  it('throttles the agent typing signal for the open conversation', async () => {
    const { connection, socket } = await online();
    connection.open('a');
    connection.typing(true);
    connection.typing(true);
    connection.typing(false);
    expect(socket.emitted).toEqual([
      { event: 'typing:set', payload: { conversationId: 'a', typing: true } },
      { event: 'typing:set', payload: { conversationId: 'a', typing: false } },
    ]);
  });
});
