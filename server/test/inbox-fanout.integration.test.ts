/**
 * Inbox fan-out scales with agents, not agents × messages (issue 9): a burst of messages in one
 * conversation reaches the rest of the team as a few coalesced patches, and its own agent within
 * the short tick.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AgentConversationPatch } from '@support-chat/shared';
import { createMemoryRateLimits } from '../src/realtime/rate-limits.js';
import { connected, data, nextEvent, startTestServer, type AgentClient, type TestServer } from './harness.js';

describe('inbox updates while a visitor and an agent chat', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ routing: { assignment: 'manual' }, limits: createMemoryRateLimits({ visitorMessagesPerMinute: 1000, socketEventsPer10s: 1000 }) });
  });
  afterEach(async () => {
    await t.close();
  });

  it('sends colleagues a few patches for 30 messages, ending at the latest, and no whole-conversation updates', async () => {
    const anna = t.agent(await t.loginAgent('Anna'));
    const ben = t.agent(await t.loginAgent('Ben'));
    await Promise.all([connected(anna), connected(ben)]);
    const visitor = t.visitor();
    await connected(visitor);
    const first = data(await visitor.emitWithAck('message:send', { clientId: 'first-0000', text: 'hello' }));
    const conversationId = first.message.conversationId;
    await t.server.router.idle();
    const claimSeen = [anna, ben].map((agent) => nextEvent(agent, 'conversation:updated', (c: { status: string }) => c.status === 'assigned'));
    data(await anna.emitWithAck('conversation:claim', { conversationId }));
    await Promise.all(claimSeen);

    const framesAt = (agent: AgentClient) => {
      const frames = { patched: [] as AgentConversationPatch[][], updated: 0 };
      agent.on('inbox:patched', (patches) => frames.patched.push(patches));
      agent.on('conversation:updated', () => frames.updated++);
      return frames;
    };
    const atAnna = framesAt(anna);
    const atBen = framesAt(ben);
    let lastSeq = 0;
    for (let i = 0; i < 30; i++) {
      lastSeq = data(await visitor.emitWithAck('message:send', { clientId: `burst-${String(i).padStart(4, '0')}`, text: `message ${i}` })).message.seq;
    }
    const latest = (patches: AgentConversationPatch[]) => patches.some((p) => p.id === conversationId && p.lastSeq === lastSeq);
    await Promise.all([nextEvent(anna, 'inbox:patched', latest), nextEvent(ben, 'inbox:patched', latest)]);

    // Ben is not on this conversation: the long tick batched the burst.
    expect(atBen.patched.length).toBeLessThanOrEqual(3);
    expect(atBen.updated).toBe(0);
    expect(atBen.patched.at(-1)!.find((p) => p.id === conversationId)).toMatchObject({
      lastSeq,
      lastMessage: { author: 'visitor', text: 'message 29' },
    });
    // Anna heard it on the short tick, still far fewer frames than messages.
    expect(atAnna.patched.length).toBeLessThan(30);
    expect(atAnna.updated).toBe(0);
  });

  it('does not send a sender their own message again: the ack has it; other tabs and watchers get it once', async () => {
    const anna = t.agent(await t.loginAgent('Anna'));
    await connected(anna);
    const tab = t.visitor();
    await connected(tab);
    const { token } = data(await tab.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const otherTab = t.visitor(token);
    await connected(otherTab);
    const first = data(await tab.emitWithAck('message:send', { clientId: 'tabs-0000', text: 'hello' }));
    const conversationId = first.message.conversationId;
    await t.server.router.idle();
    data(await anna.emitWithAck('conversation:claim', { conversationId }));
    data(await anna.emitWithAck('conversation:watch', { conversationId }));

    const seenByTab: string[] = [];
    const seenByOtherTab: string[] = [];
    const seenByAnna: string[] = [];
    tab.on('message:created', (m) => seenByTab.push(m.text));
    otherTab.on('message:created', (m) => seenByOtherTab.push(m.text));
    anna.on('message:created', (m) => seenByAnna.push(m.text));
    data(await tab.emitWithAck('message:send', { clientId: 'tabs-0001', text: 'from the visitor' }));
    const replies = [tab, otherTab].map((socket) => nextEvent(socket, 'message:created', (m: { text: string }) => m.text === 'from Anna'));
    data(await anna.emitWithAck('message:send', { conversationId, clientId: 'anna-0001', text: 'from Anna' }));
    await Promise.all(replies);
    // Frames on one socket arrive in order: had the sender been echoed, it would come first.
    expect(seenByTab).toEqual(['from Anna']);
    expect(seenByOtherTab).toEqual(['from the visitor', 'from Anna']);
    expect(seenByAnna).toEqual(['from the visitor']);
  });
});
