/**
 * When the AI gives way to people, and when it comes back (issue 4): the visitor's ask, two
 * unanswered replies in a row, configured rules; the hand-off note for agents only; the AI silent
 * while queued or assigned, and answering again after a hand-back.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import type { AgentConversation, ChatMessage, RoutingSettings } from '@support-chat/shared';
import { connected, data, startTestServer, type TestServer, type VisitorClient } from './harness.js';

let t: TestServer;
afterEach(async () => {
  await t.close();
});

const IDENTITY_SECRET = 'handoff-rules-identity-'.padEnd(40, 'k');

async function start(routing: Partial<RoutingSettings> = {}) {
  // Manual assignment: conversations stay queued, so each test sees exactly what routing decided.
  t = await startTestServer({ routing: { assignment: 'manual', ...routing }, identitySecret: IDENTITY_SECRET });
}

/** The site's signed user with these claims (identity verification: routing rules read only these). */
function signedUser(claims: Record<string, string>): Promise<string> {
  return new SignJWT({ sub: `user-${Math.random()}`, ...claims })
    .setProtectedHeader({ alg: 'HS256' })
    .setExpirationTime('1h')
    .sign(new TextEncoder().encode(IDENTITY_SECRET));
}

/** A visitor (the site's signed user, when `user` is given) who records every message they are sent. */
async function visitor(user?: string) {
  const socket = user ? t.visitorAs(user) : t.visitor();
  await connected(socket);
  const received: ChatMessage[] = [];
  socket.on('message:created', (m) => received.push(m));
  data(await socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
  let n = 0;
  const say = async (text: string) => {
    const sent = data(await socket.emitWithAck('message:send', { clientId: `client-${String(++n).padStart(4, '0')}`, text }));
    await t.server.router.idle();
    await t.server.routing.idle();
    // A round trip on the same connection: everything emitted before it has arrived.
    await socket.emitWithAck('typing:set', { typing: false });
    return sent.conversation.id;
  };
  return { socket, received, say };
}

async function agentView(conversationId: string): Promise<{ conversation: AgentConversation; messages: ChatMessage[] }> {
  const agent = t.agent(await t.loginAgent('Anna'));
  await connected(agent);
  return data(await agent.emitWithAck('conversation:watch', { conversationId }));
}

const aiReplies = (v: { received: ChatMessage[] }) => v.received.filter((m) => m.author === 'ai');

describe('hand-off triggers', () => {
  it('queues after two unanswered AI replies in a row, not after one between answers', async () => {
    await start();
    const v = await visitor();
    const id = await v.say('Do you sell purple elephants on Mars?');
    await v.say('How do I return an item?');
    await v.say('Can I pay with seashells?');
    expect((await t.store.getConversation(id))?.status).toBe('bot'); // unanswered, answered, unanswered
    await v.say('xyzzy plugh');
    const { conversation, messages } = await agentView(id);
    expect(conversation).toMatchObject({ status: 'queued', handoffReason: 'ai_unanswered' });
    expect(aiReplies({ received: messages }).map((m) => m.provenance?.answered)).toEqual([false, true, false, false]);
    // The visitor is told why (their widget words it), not that they asked for a person.
    expect(v.received.at(-1)?.event).toEqual({ type: 'queued', reason: 'ai_unanswered' });
  });

  it("queues on a keyword rule and on a signed user's attribute rule, without an AI answer", async () => {
    await start({ handoffKeywords: ['refund', '投诉'], handoffAttributes: [{ key: 'plan', value: 'vip' }] });
    const angry = await visitor();
    const angryId = await angry.say('我要投诉');
    const vip = await visitor(await signedUser({ plan: 'VIP' }));
    const vipId = await vip.say('How do I return an item?');
    const regular = await visitor(await signedUser({ plan: 'free' }));
    const regularId = await regular.say('How do I return an item?');

    expect((await t.store.getConversation(angryId))).toMatchObject({ status: 'queued', handoffReason: 'rule' });
    expect((await t.store.getConversation(vipId))).toMatchObject({ status: 'queued', handoffReason: 'rule' });
    expect((await t.store.getConversation(regularId))).toMatchObject({ status: 'bot', handoffReason: null });
    expect(aiReplies(angry)).toHaveLength(0);
    expect(angry.received.find((m) => m.kind === 'event')?.event).toEqual({ type: 'queued', reason: 'rule' });
    expect(aiReplies(vip)).toHaveLength(0);
    expect(aiReplies(regular)).toHaveLength(1);
    const note = (await agentView(vipId)).messages.find((m) => m.kind === 'note');
    expect(note?.text).toContain("the visitor's plan is vip");
  });
});

describe('the hand-off note', () => {
  it('tells agents what was asked and tried, and never reaches the visitor', async () => {
    await start();
    const v = await visitor();
    const id = await v.say('How do I return an item?');
    await v.say('转人工');
    const { conversation, messages } = await agentView(id);
    expect(conversation).toMatchObject({ status: 'queued', handoffReason: 'visitor_request' });
    const notes = messages.filter((m) => m.kind === 'note');
    expect(notes).toHaveLength(1);
    expect(notes[0]!.text).toContain('the visitor asked for a person');
    expect(notes[0]!.text).toContain('How do I return an item?');
    expect(notes[0]!.text).toMatch(/sources: How do I return an item\?/);

    expect(v.received.some((m) => m.kind === 'note')).toBe(false);
    const resumed = data(await v.socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(resumed.messages.some((m) => m.kind === 'note')).toBe(false);
    expect(resumed.messages).toHaveLength(messages.length - 1);
  });

  it('is written by the summarizer when one is configured', async () => {
    t = await startTestServer({
      routing: { assignment: 'manual' },
      summarizer: { summarize: async (turns) => `Wants a person after ${turns.length} turns.` },
    });
    const v = await visitor();
    const id = await v.say('I want to talk to a person');
    const note = (await agentView(id)).messages.find((m) => m.kind === 'note');
    expect(note?.text).toContain('**Summary (AI):** Wants a person after 1 turns.');
  });
});

describe('the AI and people take turns', () => {
  async function claimAs(conversationId: string) {
    const agent = t.agent(await t.loginAgent('Ben'));
    await connected(agent);
    data(await agent.emitWithAck('conversation:claim', { conversationId }));
    return agent;
  }

  it('stays silent while the visitor waits in the queue and while a person has it; answers again after a hand-back', async () => {
    await start();
    const v = await visitor();
    const id = await v.say('I want to talk to a person');
    await v.say('How do I return an item?'); // waiting: no AI answer over the people they asked for
    expect(aiReplies(v)).toHaveLength(0);
    const last = data(await v.socket.emitWithAck('message:send', { clientId: 'client-0100', text: 'hello?' }));
    expect(last.conversation).toMatchObject({ status: 'queued', queuePosition: 1 });

    const agent = await claimAs(id);
    await v.say('How do I return an item?');
    expect(aiReplies(v)).toHaveLength(0);

    const handedBack = data(await agent.emitWithAck('conversation:handback', { conversationId: id }));
    expect(handedBack.conversation).toMatchObject({ status: 'bot', humanInvolved: true });
    await v.socket.emitWithAck('typing:set', { typing: false });
    expect(v.received.at(-1)?.event).toEqual({ type: 'returned_to_ai' });
    await v.say('How do I return an item?');
    expect(aiReplies(v)).toHaveLength(1);
    expect(aiReplies(v)[0]!.sources?.length).toBeGreaterThan(0);
  });

  it('counts unanswered replies afresh after a hand-back', async () => {
    await start();
    const v = await visitor();
    const id = await v.say('Do you sell purple elephants on Mars?');
    const agent = await claimAs(id);
    data(await agent.emitWithAck('conversation:handback', { conversationId: id }));
    await v.say('Can I pay with seashells?');
    expect((await t.store.getConversation(id))?.status).toBe('bot');
    await v.say('xyzzy plugh');
    expect((await t.store.getConversation(id))?.status).toBe('queued');
  });
});
