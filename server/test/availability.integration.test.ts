/**
 * What a visitor is told about reaching a person (issue 4): availability from presence and
 * business hours (a fixed clock), leaving a message when nobody is there, and their place in the
 * queue with an estimated wait, updating live.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConversation, Availability, BusinessHours, VisitorConversation } from '@support-chat/shared';
import { connected, data, nextEvent, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

/** Monday to Friday, 09:00–18:00 in Shanghai (UTC+8, no DST). */
const shanghaiHours: BusinessHours = {
  timeZone: 'Asia/Shanghai',
  days: { mon: [['09:00', '18:00']], tue: [['09:00', '18:00']], wed: [['09:00', '18:00']], thu: [['09:00', '18:00']], fri: [['09:00', '18:00']] },
};

describe('availability', () => {
  it('follows business hours in their time zone and agents online', async () => {
    // Wednesday 2025-01-08 10:00 in Shanghai.
    let now = Date.UTC(2025, 0, 8, 2, 0);
    t = await startTestServer({ clock: { now: () => now }, routing: { businessHours: shanghaiHours } });
    const visitor = t.visitor();
    await connected(visitor);
    const resume = async () => data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 })).availability;

    expect(await resume()).toEqual({ agentsOnline: 0, withinHours: true, acceptingChats: false });
    const open = nextEvent<Availability>(visitor, 'availability:changed');
    const agent = t.agent(await t.loginAgent('Anna'));
    await connected(agent);
    expect(await open).toEqual({ agentsOnline: 1, withinHours: true, acceptingChats: true });

    // Friday 19:30 in Shanghai (11:30 UTC): closed until Monday 09:00 Shanghai = Monday 01:00 UTC.
    now = Date.UTC(2025, 0, 10, 11, 30);
    const closed = nextEvent<Availability>(visitor, 'availability:changed');
    t.server.routing.settingsChanged();
    const outside = { agentsOnline: 1, withinHours: false, acceptingChats: false, nextOpenAt: Date.UTC(2025, 0, 13, 1, 0) };
    expect(await closed).toEqual(outside);
    expect(await resume()).toEqual(outside);

    // Asking for a person outside hours still queues (nothing is lost), but nobody is given it:
    // the visitor was told nobody is there. It is assigned when the hours begin.
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    await t.server.routing.idle();
    expect((await t.store.getConversation(conversation.id))?.status).toBe('queued');
    now = Date.UTC(2025, 0, 13, 1, 0); // Monday 09:00 in Shanghai
    t.server.routing.settingsChanged(); // what the periodic refresh does
    await expect.poll(async () => (await t.store.getConversation(conversation.id))?.status).toBe('assigned');
  });

  it('lets an agent working late claim from the queue by hand outside business hours', async () => {
    const now = Date.UTC(2025, 0, 10, 11, 30); // Friday 19:30 in Shanghai
    t = await startTestServer({ clock: { now: () => now }, routing: { businessHours: shanghaiHours } });
    const agent = t.agent(await t.loginAgent('Anna'));
    await connected(agent);
    const visitor = t.visitor();
    await connected(visitor);
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    await t.server.routing.idle();
    expect((await t.store.getConversation(conversation.id))?.status).toBe('queued');
    const claimed = data(await agent.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    expect(claimed.conversation.status).toBe('assigned');
  });
});

describe('leaving a message', () => {
  it('becomes a queued offline conversation agents see with the email, and is stored once', async () => {
    t = await startTestServer({ routing: { assignment: 'manual' } });
    const visitor = t.visitor();
    await connected(visitor);
    const session = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(session.availability.acceptingChats).toBe(false);

    expect(await visitor.emitWithAck('offline:leave', { clientId: 'leave-0001', email: 'not an email', text: 'hi' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_payload' },
    });
    const payload = { clientId: 'leave-0001', email: ' Eve@Example.com ', name: 'Eve', text: 'My order #42 never arrived. Please email me.' };
    const left = data(await visitor.emitWithAck('offline:leave', payload));
    expect(left.message).toMatchObject({ author: 'visitor', text: payload.text });
    expect(left.conversation).toMatchObject({ status: 'queued', queuePosition: 1 });
    const again = data(await visitor.emitWithAck('offline:leave', payload));
    expect(again.message.id).toBe(left.message.id);
    await t.server.router.idle();
    await t.server.routing.idle();

    const agent = t.agent(await t.loginAgent('Anna'));
    await connected(agent);
    const inbox = data(await agent.emitWithAck('inbox:list', {}));
    const offline = inbox.conversations.find((c) => c.id === left.conversation.id);
    expect(offline).toMatchObject({
      status: 'queued',
      handoffReason: 'offline_message',
      leftMessage: { email: 'eve@example.com', name: 'Eve' },
    });
    const { messages } = data(await agent.emitWithAck('conversation:watch', { conversationId: left.conversation.id }));
    // The message, the queue line, the note; no AI answer to a message left for people.
    expect(messages.map((m) => `${m.author}/${m.kind}`)).toEqual(['visitor/text', 'system/event', 'system/note']);
    // The note is Markdown: what the visitor typed is escaped, shown as typed.
    expect(messages[2]!.text).toContain('Eve \\<eve@example.com>');
    expect(messages[2]!.note).toMatchObject({ type: 'handoff', reason: 'offline_message', replyTo: { name: 'Eve', email: 'eve@example.com' } });
  });
});

describe('the queue', () => {
  it('tells each waiting visitor their place and an estimated wait, live', async () => {
    let now = Date.UTC(2025, 0, 8, 2, 0);
    t = await startTestServer({ clock: { now: () => now }, routing: { assignment: 'manual' } });
    const anna = t.agent(await t.loginAgent('Anna'));
    await connected(anna);
    await t.server.routing.idle();
    const waiting = async () => {
      const socket = t.visitor();
      await connected(socket);
      return { socket, ...data(await socket.emitWithAck('handoff:request', {})) };
    };

    // No history yet: a place, but no made-up wait.
    const first = await waiting();
    expect(first.conversation).toMatchObject({ queuePosition: 1 });
    expect(first.conversation.estimatedWaitSeconds).toBeUndefined();
    now += 90_000; // Anna takes 90 s to claim it: the history the estimate uses.
    data(await anna.emitWithAck('conversation:claim', { conversationId: first.conversation.id }));

    const second = await waiting();
    const third = await waiting();
    expect(second.conversation).toMatchObject({ queuePosition: 1, estimatedWaitSeconds: 90 });
    expect(third.conversation).toMatchObject({ queuePosition: 2, estimatedWaitSeconds: 180 });

    // A second agent comes online: the waits halve.
    const halved = nextEvent<VisitorConversation>(third.socket, 'conversation:updated', (c) => c.estimatedWaitSeconds === 90);
    const ben = t.agent(await t.loginAgent('Ben'));
    await connected(ben);
    expect((await halved).queuePosition).toBe(2);

    // The queue moves: the third visitor is next.
    const moved = nextEvent<VisitorConversation>(third.socket, 'conversation:updated', (c) => c.queuePosition === 1);
    const inboxSees = nextEvent<AgentConversation>(anna, 'conversation:updated', (c) => c.id === third.conversation.id && c.queuePosition === 1);
    data(await ben.emitWithAck('conversation:claim', { conversationId: second.conversation.id }));
    // Average claim time (90 s + 0 s) / 2 × 1st in line ÷ 2 agents = 22.5 s, rounded up to 30 s.
    expect((await moved).estimatedWaitSeconds).toBe(30);
    await inboxSees;
  });
});
