/**
 * Routing with several agents over real sockets (issue 4): automatic assignment by load within
 * capacity, the queue picked up when someone comes online, the disconnect grace period, transfers,
 * presence.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { AgentConversation, AgentPresence, ChatMessage, VisitorConversation } from '@support-chat/shared';
import { connected, data, nextEvent, startTestServer, type AgentClient, type TestServer, type VisitorClient } from './harness.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

async function agentOnline(name: string, capacity?: number): Promise<{ socket: AgentClient; id: string; cookie: string }> {
  const cookie = await t.loginAgent(name, 'agent', capacity);
  const socket = t.agent(cookie);
  await connected(socket);
  await t.server.routing.idle();
  const team = data(await socket.emitWithAck('team:list', {}));
  return { socket, id: team.agents.find((a) => a.name === name)!.agentId, cookie };
}

/** A visitor who asked for a person; resolves once routing has done what it does with them. */
async function visitorWaiting(): Promise<{ socket: VisitorClient; conversationId: string }> {
  const socket = t.visitor();
  await connected(socket);
  const { conversation } = data(await socket.emitWithAck('handoff:request', {}));
  await t.server.routing.idle();
  return { socket, conversationId: conversation.id };
}

const assignee = async (conversationId: string) => (await t.store.getConversation(conversationId))?.assignedAgentId;

describe('automatic assignment', () => {
  it('gives each conversation to the least busy online agent, never beyond capacity', async () => {
    t = await startTestServer();
    const anna = await agentOnline('Anna', 3);
    const ben = await agentOnline('Ben', 1);
    const picks: (string | null | undefined)[] = [];
    for (let i = 0; i < 5; i++) picks.push(await assignee((await visitorWaiting()).conversationId));
    // Tie at 0 → Anna (longest idle); Ben has fewer → Ben; Ben is full → Anna, Anna; Anna full → queue.
    expect(picks).toEqual([anna.id, ben.id, anna.id, anna.id, null]);

    const team = data(await anna.socket.emitWithAck('team:list', {}));
    expect(team.agents.map((a) => [a.name, a.status, a.openConversations, a.capacity])).toEqual([
      ['Anna', 'online', 3, 3],
      ['Ben', 'online', 1, 1],
    ]);

    // Ben closes one: the waiting visitor is his next.
    const [bensConversation] = await t.store.listConversations({ statuses: ['assigned'], assignedAgentId: ben.id });
    const waiting = (await t.store.listConversations({ statuses: ['queued'] }))[0]!;
    data(await ben.socket.emitWithAck('conversation:close', { conversationId: bensConversation!.id }));
    await t.server.routing.idle();
    expect(await assignee(waiting.id)).toBe(ben.id);
  });

  it('hands the queue, in order, to an agent who comes online, and not to one who is away', async () => {
    t = await startTestServer();
    const dora = await agentOnline('Dora');
    const presence = nextEvent<AgentPresence>(dora.socket, 'presence:changed', (p) => p.status === 'away');
    expect(data(await dora.socket.emitWithAck('presence:set', { status: 'away' })).presence.status).toBe('away');
    expect((await presence).name).toBe('Dora');
    const first = await visitorWaiting();
    const second = await visitorWaiting();
    expect(await assignee(first.conversationId)).toBeNull();

    const joined = nextEvent<VisitorConversation>(first.socket, 'conversation:updated', (c) => c.status === 'assigned');
    const movedUp = nextEvent<VisitorConversation>(second.socket, 'conversation:updated', (c) => c.queuePosition === 1);
    const cleo = await agentOnline('Cleo', 1);
    expect((await joined).agentName).toBe('Cleo');
    expect(await assignee(first.conversationId)).toBe(cleo.id);
    expect((await movedUp).status).toBe('queued');
    expect(await assignee(second.conversationId)).toBeNull();

    // Dora is back: the next in line is hers.
    data(await dora.socket.emitWithAck('presence:set', { status: 'online' }));
    await t.server.routing.idle();
    expect(await assignee(second.conversationId)).toBe(dora.id);
  });

  it('waits for agents to claim when assignment is manual', async () => {
    t = await startTestServer({ routing: { assignment: 'manual' } });
    await agentOnline('Anna');
    const waiting = await visitorWaiting();
    expect(await t.store.getConversation(waiting.conversationId)).toMatchObject({ status: 'queued', assignedAgentId: null });
  });
});

describe('an agent who disconnects', () => {
  it('keeps their conversations through the grace period, then they go back to the queue first in line', async () => {
    t = await startTestServer({ routing: { disconnectGraceSeconds: 1 } });
    const anna = await agentOnline('Anna', 1);
    const hers = await visitorWaiting();
    expect(await assignee(hers.conversationId)).toBe(anna.id);
    const later = await visitorWaiting(); // Anna is full: this one waits
    expect((await t.store.queuePosition(later.conversationId))).toBe(1);

    // A reload (a new socket before the grace ends) changes nothing.
    anna.socket.disconnect();
    const back = t.agent(anna.cookie);
    await connected(back);
    await new Promise((resolve) => setTimeout(resolve, 1200));
    expect(await assignee(hers.conversationId)).toBe(anna.id);

    // Gone for good: after the grace, her conversation is queued ahead of the later one.
    const requeued = nextEvent<VisitorConversation>(hers.socket, 'conversation:updated', (c) => c.status === 'queued', 3000);
    const offline = Date.now();
    back.disconnect();
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await assignee(hers.conversationId)).toBe(anna.id);
    expect((await requeued).queuePosition).toBe(1);
    expect(Date.now() - offline).toBeGreaterThanOrEqual(900);
    expect(await t.store.queuePosition(later.conversationId)).toBe(2);

    const ben = await agentOnline('Ben', 1);
    expect(await assignee(hers.conversationId)).toBe(ben.id);
    const history = data(await ben.socket.emitWithAck('conversation:watch', { conversationId: hers.conversationId })).messages;
    expect(history.map((m) => m.event?.type ?? m.kind)).toEqual(['queued', 'note', 'assigned', 'queued', 'note', 'assigned']);
    expect(history[4]?.text).toContain('Anna was disconnected');
    expect(history[4]?.note).toEqual({ type: 'requeued', agentName: 'Anna', cause: 'disconnected', seconds: 1 });
  });
});

describe('transfers', () => {
  it('moves a conversation to an online colleague, with a line the visitor sees', async () => {
    t = await startTestServer({ routing: { assignment: 'manual' } });
    const anna = await agentOnline('Anna');
    const ben = await agentOnline('Ben');
    await t.loginAgent('Otto');
    const otto = (await t.store.listAgents()).find((a) => a.name === 'Otto')!;
    const waiting = await visitorWaiting();
    const conversationId = waiting.conversationId;
    data(await anna.socket.emitWithAck('conversation:claim', { conversationId }));

    expect(await ben.socket.emitWithAck('conversation:transfer', { conversationId, agentId: ben.id })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await ben.socket.emitWithAck('conversation:close', { conversationId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden' },
    });
    expect(await anna.socket.emitWithAck('conversation:transfer', { conversationId, agentId: otto.id })).toMatchObject({
      ok: false,
      error: { code: 'invalid_state' }, // Otto is offline
    });
    expect(await anna.socket.emitWithAck('conversation:transfer', { conversationId, agentId: 'nobody' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });

    const line = nextEvent<ChatMessage>(waiting.socket, 'message:created', (m) => m.event?.type === 'transferred');
    const moved = data(await anna.socket.emitWithAck('conversation:transfer', { conversationId, agentId: ben.id }));
    expect(moved.conversation).toMatchObject({ assignedAgentId: ben.id, assignedAgentName: 'Ben', humanInvolved: true });
    expect((await line).event).toEqual({ type: 'transferred', agentName: 'Ben' });
    // Now Ben answers and Anna cannot.
    data(await ben.socket.emitWithAck('message:send', { conversationId, clientId: 'ben-000001', text: 'Ben here' }));
    expect(await anna.socket.emitWithAck('message:send', { conversationId, clientId: 'anna-00001', text: 'me?' })).toMatchObject({ ok: false });
  });

  it('lets a teammate take over, move or close a chat whose agent is away, and not while they are back or offline', async () => {
    t = await startTestServer({ routing: { assignment: 'manual' } });
    const anna = await agentOnline('Anna');
    const ben = await agentOnline('Ben');
    const carl = await agentOnline('Carl');
    const first = await visitorWaiting();
    const second = await visitorWaiting();
    data(await anna.socket.emitWithAck('conversation:claim', { conversationId: first.conversationId }));
    data(await anna.socket.emitWithAck('conversation:claim', { conversationId: second.conversationId }));

    data(await anna.socket.emitWithAck('presence:set', { status: 'away' }));
    // Ben and Carl both take the first to themselves at once: one of them has it, the other is told.
    const line = nextEvent<ChatMessage>(first.socket, 'message:created', (m) => m.event?.type === 'transferred');
    // Each says who it saw handling it (Anna), as the console does.
    const takes = await Promise.all(
      [ben, carl].map((who) => who.socket.emitWithAck('conversation:transfer', { conversationId: first.conversationId, agentId: who.id, handledBy: anna.id })),
    );
    const won = takes.findIndex((r) => r.ok);
    expect(takes.filter((r) => r.ok)).toHaveLength(1);
    expect(takes[1 - won]).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/look again/) } });
    const taker = [ben, carl][won]!;
    // An admin who saw Anna's chat a moment earlier is told, not obeyed: it is the taker's now.
    const admin = t.agent(await t.loginAgent('Ada', 'admin'));
    await connected(admin);
    const late = await admin.emitWithAck('conversation:close', { conversationId: first.conversationId, handledBy: anna.id });
    expect(late).toMatchObject({ ok: false, error: { code: 'conflict', message: `${taker === ben ? 'Ben' : 'Carl'} has this conversation since you last looked: look again.` } });
    admin.disconnect();
    expect(await assignee(first.conversationId)).toBe(taker.id);
    expect((await line).event).toEqual({ type: 'transferred', agentName: taker === ben ? 'Ben' : 'Carl' });
    data(await taker.socket.emitWithAck('message:send', { conversationId: first.conversationId, clientId: 'take-00001', text: 'Here now' }));
    const messages = data(await taker.socket.emitWithAck('conversation:watch', { conversationId: first.conversationId })).messages;
    expect(messages.filter((m) => m.event?.type === 'transferred')).toHaveLength(1);

    // Anna is back: her remaining chat is hers again to move.
    data(await anna.socket.emitWithAck('presence:set', { status: 'online' }));
    expect(await ben.socket.emitWithAck('conversation:close', { conversationId: second.conversationId })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', message: expect.stringMatching(/unless they are away/) },
    });
    // Offline (her console closed: a reload looks the same) is the disconnect grace's, not a teammate's.
    const annaLeft = nextEvent<AgentPresence>(ben.socket, 'presence:changed', (p) => p.name === 'Anna' && p.status === 'offline');
    anna.socket.disconnect();
    await annaLeft;
    expect(await ben.socket.emitWithAck('conversation:close', { conversationId: second.conversationId })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await assignee(second.conversationId)).toBe(anna.id);
  });
});

describe('presence', () => {
  it('tells the team who is online and announces changes', async () => {
    t = await startTestServer();
    const anna = await agentOnline('Anna');
    const benCame = nextEvent<AgentPresence>(anna.socket, 'presence:changed', (p) => p.name === 'Ben' && p.status === 'online');
    const ben = await agentOnline('Ben');
    await benCame;
    const benLeft = nextEvent<AgentPresence>(anna.socket, 'presence:changed', (p) => p.name === 'Ben' && p.status === 'offline');
    ben.socket.disconnect();
    await benLeft;
    const team = data(await anna.socket.emitWithAck('team:list', {}));
    expect(team.agents.map((a) => `${a.name}:${a.status}`)).toEqual(['Anna:online', 'Ben:offline']);
    const updated = nextEvent<AgentConversation>(anna.socket, 'conversation:updated', (c) => c.status === 'assigned');
    await visitorWaiting();
    expect((await updated).assignedAgentName).toBe('Anna');
  });
});
