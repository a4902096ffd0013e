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
    // Ben has the team's tab open: he follows its rows.
    data(await ben.emitWithAck('inbox:follow', { team: true }));
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

/**
 * The long tick's rows of the whole team go only to consoles that show them (`inbox:follow`):
 * 200 agents × 200 busy conversations made every agent parse ~70 KB a second of rows most never
 * looked at (issue 9).
 */
describe('team rows for the agents who follow them', () => {
  let t: TestServer;
  beforeEach(async () => {
    t = await startTestServer({ routing: { assignment: 'manual' }, limits: createMemoryRateLimits({ visitorMessagesPerMinute: 1000, socketEventsPer10s: 1000 }) });
  });
  afterEach(async () => {
    await t.close();
  });

  /** What one console hears from now on: every inbox patch and every whole update, in order. */
  const hears = (agent: AgentClient) => {
    const heard = { patches: [] as AgentConversationPatch[], updated: [] as { id: string; status: string }[] };
    agent.on('inbox:patched', (patches) => heard.patches.push(...patches));
    agent.on('conversation:updated', (c) => heard.updated.push({ id: c.id, status: c.status }));
    return heard;
  };
  const signedIn = async (name: string) => {
    const agent = t.agent(await t.loginAgent(name));
    await connected(agent);
    return agent;
  };
  /** A visitor whose conversation `agent` has claimed. */
  const claimedBy = async (agent: AgentClient, clientId: string) => {
    const visitor = t.visitor();
    await connected(visitor);
    const { conversationId } = data(await visitor.emitWithAck('message:send', { clientId, text: 'hello' })).message;
    await t.server.router.idle();
    data(await agent.emitWithAck('conversation:claim', { conversationId }));
    return { visitor, conversationId };
  };
  const say = async (visitor: ReturnType<TestServer['visitor']>, clientId: string, text: string) =>
    data(await visitor.emitWithAck('message:send', { clientId, text })).message.seq;
  const row = (conversationId: string, lastSeq: number) => (patches: AgentConversationPatch[]) =>
    patches.some((p) => p.id === conversationId && p.lastSeq === lastSeq);
  /**
   * Frames on one socket arrive in the order they were sent: once `agent` hears this status
   * change, which the server sends after the long tick, a row sent on that tick would be here.
   */
  const closedAndHeard = async (closer: AgentClient, agent: AgentClient, conversationId: string) => {
    const heard = nextEvent(agent, 'conversation:updated', (c: { id: string; status: string }) => c.id === conversationId && c.status === 'closed');
    data(await closer.emitWithAck('conversation:close', { conversationId }));
    await heard;
  };

  it("sends an agent who does not follow no rows of others' conversations, but its own, the queue's and status changes", async () => {
    const [anna, ben, carl] = await Promise.all([signedIn('Anna'), signedIn('Ben'), signedIn('Carl')]);
    const annas = await claimedBy(anna, 'anna-0000');
    const carls = await claimedBy(carl, 'carl-0000');
    const waiting = t.visitor();
    await connected(waiting);
    const queued = data(await waiting.emitWithAck('handoff:request', {})).conversation.id;
    data(await ben.emitWithAck('inbox:follow', { team: true }));
    const atBen = hears(ben);
    const atCarl = hears(carl);

    const annasSeq = await say(annas.visitor, 'anna-0001', 'for Anna');
    const queuedSeq = await say(waiting, 'wait-0001', 'still waiting');
    const carlsSeq = await say(carls.visitor, 'carl-0001', 'for Carl');
    // Ben, who follows, hears Anna's conversation on the long tick...
    await nextEvent(ben, 'inbox:patched', row(annas.conversationId, annasSeq));
    // ...Carl hears his own and the queue's on the short one.
    await Promise.all(
      atCarl.patches.some((p) => p.id === carls.conversationId && p.lastSeq === carlsSeq)
        ? []
        : [nextEvent(carl, 'inbox:patched', row(carls.conversationId, carlsSeq))],
    );
    await closedAndHeard(anna, carl, annas.conversationId);

    expect(atCarl.patches.filter((p) => p.id === annas.conversationId)).toEqual([]);
    expect(atCarl.patches.find((p) => p.id === queued && p.lastSeq === queuedSeq)).toMatchObject({ lastMessage: { text: 'still waiting' } });
    expect(atCarl.patches.find((p) => p.id === carls.conversationId && p.lastSeq === carlsSeq)).toMatchObject({ lastMessage: { text: 'for Carl' } });
    expect(atCarl.updated).toContainEqual({ id: annas.conversationId, status: 'closed' });
    expect(atBen.patches.find((p) => p.id === annas.conversationId && p.lastSeq === annasSeq)).toMatchObject({ lastMessage: { text: 'for Anna' } });
    expect(atBen.patches.some((p) => p.id === carls.conversationId && p.lastSeq === carlsSeq)).toBe(true);
  });

  it('stops sending team rows to an agent who unfollows', async () => {
    const [anna, ben, dana] = await Promise.all([signedIn('Anna'), signedIn('Ben'), signedIn('Dana')]);
    const annas = await claimedBy(anna, 'anna-0000');
    data(await ben.emitWithAck('inbox:follow', { team: true }));
    data(await dana.emitWithAck('inbox:follow', { team: true }));
    const first = await say(annas.visitor, 'anna-0001', 'one');
    await nextEvent(ben, 'inbox:patched', row(annas.conversationId, first));

    expect(await ben.emitWithAck('inbox:follow', { team: 'no' } as never)).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    data(await ben.emitWithAck('inbox:follow', { team: false }));
    const atBen = hears(ben);
    const second = await say(annas.visitor, 'anna-0002', 'two');
    // Dana still follows: once she has the row, the tick that carried it is over.
    await nextEvent(dana, 'inbox:patched', row(annas.conversationId, second));
    await closedAndHeard(anna, ben, annas.conversationId);
    expect(atBen.patches.filter((p) => p.id === annas.conversationId)).toEqual([]);
  });

  it("tells a colleague watching a conversation how far its visitor read, without following the team", async () => {
    const [anna, carl] = await Promise.all([signedIn('Anna'), signedIn('Carl')]);
    const annas = await claimedBy(anna, 'anna-0000');
    data(await carl.emitWithAck('conversation:watch', { conversationId: annas.conversationId }));
    const { lastSeq } = (await t.store.getConversation(annas.conversationId))!;
    const seen = nextEvent<AgentConversationPatch[]>(carl, 'inbox:patched', (patches) =>
      patches.some((p) => p.id === annas.conversationId && p.visitorReadSeq === lastSeq),
    );
    data(await annas.visitor.emitWithAck('conversation:read', { seq: lastSeq }));
    await seen;
  });
});
