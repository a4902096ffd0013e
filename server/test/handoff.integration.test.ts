import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentConversation, ChatMessage, VisitorConversation } from '@support-chat/shared';
import { connected, data, nextEvent, startTestServer, stored, type TestServer } from './harness.js';

describe('visitor ⇄ AI ⇄ agent over real sockets', () => {
  let t: TestServer;
  beforeEach(async () => {
    // Agents claim by hand here; automatic assignment has its own tests (routing.integration).
    t = await startTestServer({ routing: { assignment: 'manual' } });
  });
  afterEach(async () => {
    await t.close();
  });

  it('answers from the knowledge base with a source, in one frame', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const session = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(session.conversation).toBeNull();
    expect(session.token).toMatch(/^v2\./);
    // No agent has the console open: a person cannot be reached right now.
    expect(session.availability).toMatchObject({ agentsOnline: 0, acceptingChats: false });

    const tokens: string[] = [];
    visitor.on('ai:token', (e) => tokens.push(e.delta));
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    const sent = data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: 'How do I return an item?' }));
    expect(sent.message).toMatchObject({ author: 'visitor', seq: 1, text: 'How do I return an item?' });

    const reply = await answer;
    // The visitor gets the answer and its sources, not the team's provenance.
    expect(reply.provenance).toBeUndefined();
    expect((await stored(t, reply)).provenance).toMatchObject({ responder: 'offline', answered: true });
    expect(reply.sources?.length).toBeGreaterThan(0);
    expect(reply.sources?.[0]?.title.toLowerCase()).toContain('return');
    // An offline answer is complete at once: no token frames, only the stored message.
    expect(tokens).toEqual([]);
    expect(reply.streamId).toBeTruthy();
  });

  it('answers a Chinese question in Chinese', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: '怎么退货？' }));
    const reply = await answer;
    expect((await stored(t, reply)).provenance?.answered).toBe(true);
    expect(reply.text).toMatch(/\p{Script=Han}/u);
    expect(reply.sources?.[0]?.title).toMatch(/退/);
  });

  it('hands off to a person: queue, claim, reply, typing both ways, close', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const reachable = nextEvent<{ acceptingChats: boolean }>(visitor, 'availability:changed');
    const agentCookie = await t.loginAgent('Anna');
    const agent = t.agent(agentCookie);
    await connected(agent);
    expect(await reachable).toMatchObject({ acceptingChats: true, agentsOnline: 1 });

    data(
      await visitor.emitWithAck('conversation:resume', {
        afterSeq: 0,
        context: { pageUrl: 'https://shop.example/cart', pageTitle: 'Your cart', language: 'en-GB', timeZone: 'Europe/London', attributes: { plan: 'pro' } },
      }),
    );
    const aiAnswer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0001', text: 'How long does shipping take?' }));
    await aiAnswer;

    const queuedForVisitor = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (c) => c.status === 'queued');
    const queuedForAgent = nextEvent<AgentConversation>(agent, 'conversation:updated', (c) => c.status === 'queued');
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0002', text: 'I want to talk to a person' }));
    expect((await queuedForVisitor).queuePosition).toBe(1);
    const queued = await queuedForAgent;
    // The agent sees where the visitor is and what the site told us about them.
    expect(queued.context).toMatchObject({ pageUrl: 'https://shop.example/cart', pageTitle: 'Your cart', timeZone: 'Europe/London', attributes: { plan: 'pro' } });

    const inbox = data(await agent.emitWithAck('inbox:list', {}));
    expect(inbox.conversations.map((c) => c.id)).toContain(queued.id);

    // The visitor opens another page: the agent hears of it at once (a probe's console showed the
    // page they had left until it reloaded).
    const moved = nextEvent<AgentConversation>(agent, 'conversation:updated', (c) => c.id === queued.id && c.context.pageUrl === 'https://shop.example/help/returns');
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0, context: { pageUrl: 'https://shop.example/help/returns', pageTitle: 'Returns' } }));
    expect((await moved).context).toMatchObject({ pageUrl: 'https://shop.example/help/returns', pageTitle: 'Returns', attributes: { plan: 'pro' } });

    await t.server.routing.idle();
    const watched = data(await agent.emitWithAck('conversation:watch', { conversationId: queued.id }));
    expect(watched.messages.map((m) => `${m.author}/${m.kind}`)).toEqual([
      'visitor/text',
      'ai/text',
      'visitor/text',
      'system/event',
      'system/note', // the hand-off note, for agents only
    ]);

    const assignedForVisitor = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (c) => c.status === 'assigned');
    const claimed = data(await agent.emitWithAck('conversation:claim', { conversationId: queued.id }));
    expect(claimed.conversation.assignedAgentName).toBe('Anna');
    expect((await assignedForVisitor).agentName).toBe('Anna');

    const visitorTyping = nextEvent<{ typing: boolean }>(agent, 'typing:changed', (e) => e.typing);
    visitor.emit('typing:set', { typing: true });
    await visitorTyping;
    const agentTyping = nextEvent<{ name?: string; typing: boolean }>(visitor, 'typing:changed', (e) => e.typing);
    agent.emit('typing:set', { conversationId: queued.id, typing: true });
    expect((await agentTyping).name).toBe('Anna');

    const agentReply = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'agent');
    data(await agent.emitWithAck('message:send', { conversationId: queued.id, clientId: 'agent-0001', text: 'Hi, Anna here.' }));
    expect(await agentReply).toMatchObject({ text: 'Hi, Anna here.', authorName: 'Anna' });

    // While a person handles it the AI stays silent.
    const agentSees = nextEvent<ChatMessage>(agent, 'message:created', (m) => m.author === 'visitor');
    data(await visitor.emitWithAck('message:send', { clientId: 'client-0003', text: 'How do I return an item?' }));
    await agentSees;
    await t.server.router.idle();
    const history = data(await agent.emitWithAck('conversation:watch', { conversationId: queued.id }));
    expect(history.messages.at(-1)?.author).toBe('visitor');
    expect(history.messages.filter((m) => m.author === 'ai')).toHaveLength(1);

    // Closed while Anna types: the visitor hears that she stopped (the widget kept "Anna is typing" under "ended").
    agent.emit('typing:set', { conversationId: queued.id, typing: true });
    await nextEvent(visitor, 'typing:changed', (e: { typing: boolean }) => e.typing);
    const stopped = nextEvent<{ author: string; typing: boolean }>(visitor, 'typing:changed', (e) => !e.typing);
    const closed = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (c) => c.status === 'closed');
    data(await agent.emitWithAck('conversation:close', { conversationId: queued.id }));
    await closed;
    expect(await stopped).toMatchObject({ author: 'agent', typing: false });
  });

  it('lets the visitor ask for a person before asking anything, and tells each their place', async () => {
    const first = t.visitor();
    const second = t.visitor();
    await Promise.all([connected(first), connected(second)]);
    const a = data(await first.emitWithAck('handoff:request', {}));
    const b = data(await second.emitWithAck('handoff:request', {}));
    expect([a.conversation.queuePosition, b.conversation.queuePosition]).toEqual([1, 2]);

    const moved = nextEvent<VisitorConversation>(second, 'conversation:updated', (c) => c.queuePosition === 1);
    const cookie = await t.loginAgent('Ben');
    const agent = t.agent(cookie);
    await connected(agent);
    data(await agent.emitWithAck('conversation:claim', { conversationId: a.conversation.id }));
    expect((await moved).status).toBe('queued');
  });

  it('keeps a visitor to their own conversation and agents to what they claimed', async () => {
    const anna = t.agent(await t.loginAgent('Anna'));
    const ben = t.agent(await t.loginAgent('Ben'));
    const visitor = t.visitor();
    await Promise.all([connected(anna), connected(ben), connected(visitor)]);
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    data(await anna.emitWithAck('conversation:claim', { conversationId: conversation.id }));

    const stolen = await ben.emitWithAck('conversation:claim', { conversationId: conversation.id });
    expect(stolen).toMatchObject({ ok: false, error: { code: 'conflict' } });
    const reply = await ben.emitWithAck('message:send', { conversationId: conversation.id, clientId: 'agent-0001', text: 'hi' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_state' } });

    // Another visitor (another token) sees nothing of it.
    const stranger = t.visitor();
    await connected(stranger);
    const session = data(await stranger.emitWithAck('conversation:resume', { afterSeq: 0, conversationId: conversation.id }));
    expect(session.conversation).toBeNull();
    expect(session.messages).toEqual([]);
  });
});
