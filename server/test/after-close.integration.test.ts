/**
 * The end of a conversation and what follows (issue 4): read receipts both ways, the visitor's
 * rating once it is closed, and an agent reopening it.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentConversation, AgentConversationPatch, VisitorConversation } from '@support-chat/shared';
import { connected, data, nextEvent, startTestServer, type AgentClient, type TestServer, type VisitorClient } from './harness.js';

describe('after a person answered', () => {
  let t: TestServer;
  let agent: AgentClient;
  let visitor: VisitorClient;
  let conversationId: string;
  /** Added to the server's clock. */
  let skew = 0;

  beforeEach(async () => {
    skew = 0;
    t = await startTestServer({ clock: { now: () => Date.now() + skew } });
    agent = t.agent(await t.loginAgent('Anna'));
    visitor = t.visitor();
    await Promise.all([connected(agent), connected(visitor)]);
    await t.server.routing.idle();
    conversationId = data(await visitor.emitWithAck('handoff:request', {})).conversation.id;
    await t.server.routing.idle(); // automatically Anna's
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'anna-000001', text: 'Hello, Anna here.' }));
  });
  afterEach(async () => {
    await t.close();
  });

  it('shows agents how far the visitor read, and keeps the agent read state', async () => {
    const { lastSeq } = (await t.store.getConversation(conversationId))!;
    // Read receipts reach the assigned agent as an inbox patch, within the short tick.
    const seen = nextEvent<AgentConversationPatch[]>(agent, 'inbox:patched', (patches) =>
      patches.some((p) => p.id === conversationId && p.visitorReadSeq === lastSeq),
    );
    data(await visitor.emitWithAck('conversation:read', { seq: lastSeq }));
    expect((await seen).find((p) => p.id === conversationId)).toMatchObject({ lastSeq });

    data(await agent.emitWithAck('conversation:read', { conversationId, seq: 2 }));
    // A colleague looking in does not mark it read for Anna.
    const ben = t.agent(await t.loginAgent('Ben'));
    await connected(ben);
    data(await ben.emitWithAck('conversation:read', { conversationId, seq: lastSeq }));
    expect(await t.store.getConversation(conversationId)).toMatchObject({ visitorReadSeq: lastSeq, agentReadSeq: 2 });
  });

  it('lets only that visitor rate, only once closed, and tells the agents', async () => {
    const rate = { conversationId, score: 5, comment: 'Quick and kind' };
    expect(await visitor.emitWithAck('conversation:rate', rate)).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    data(await agent.emitWithAck('conversation:close', { conversationId }));

    const stranger = t.visitor();
    await connected(stranger);
    expect(await stranger.emitWithAck('conversation:rate', rate)).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await visitor.emitWithAck('conversation:rate', { ...rate, score: 6 })).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });

    const agentsHear = nextEvent<AgentConversation>(agent, 'conversation:updated', (c) => c.rating?.score === 5);
    const rated = data(await visitor.emitWithAck('conversation:rate', rate));
    expect(rated.conversation.rating).toMatchObject({ score: 5, comment: 'Quick and kind' });
    expect((await agentsHear).humanInvolved).toBe(true);
    // Changing one's mind replaces the rating, not in the same moment (each change is an event for every console and webhook).
    expect(await visitor.emitWithAck('conversation:rate', { conversationId, score: 4 })).toMatchObject({ ok: false, error: { code: 'rate_limited' } });
    skew += 10_000;
    data(await visitor.emitWithAck('conversation:rate', { conversationId, score: 4 }));
    expect((await t.store.getConversation(conversationId))?.rating).toMatchObject({ score: 4 });
    const resumed = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(resumed.conversation?.rating?.score).toBe(4);
  });

  it('lets an agent reopen the closed conversation, assigned to them', async () => {
    data(await agent.emitWithAck('conversation:close', { conversationId }));
    const ben = t.agent(await t.loginAgent('Ben'));
    await connected(ben);
    const visitorSees = nextEvent<VisitorConversation>(visitor, 'conversation:updated', (c) => c.status === 'assigned');
    const reopened = data(await ben.emitWithAck('conversation:reopen', { conversationId }));
    expect(reopened.conversation).toMatchObject({ status: 'assigned', assignedAgentName: 'Ben' });
    expect((await visitorSees).agentName).toBe('Ben');
    expect(await ben.emitWithAck('conversation:reopen', { conversationId })).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    data(await ben.emitWithAck('message:send', { conversationId, clientId: 'ben-0000001', text: 'Picking this up again.' }));
  });
});
