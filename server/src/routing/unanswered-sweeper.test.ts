/**
 * What a dead process leaves unanswered is answered after the restart (issue 10): every question,
 * not only the last. A real server (the offline responder over the demo knowledge) on a store
 * holding what the dead process wrote.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Store } from '../store/types.js';
import { answerClientId } from './router.js';
import { startTestServer, type TestServer } from '../../test/harness.js';

const LEFT_AT = Date.now() - 60_000;

async function conversationLeftBehind(store: Store, visitorId: string, messages: { author: 'visitor' | 'ai'; text: string; answers?: number }[]) {
  const { conversation } = await store.openConversation({
    id: `conv-${visitorId}`,
    visitorId,
    status: 'bot',
    assignedAgentId: null,
    locale: 'en',
    context: {},
    lastSeq: 0,
    createdAt: LEFT_AT,
    updatedAt: LEFT_AT,
    queuedAt: null,
    closedAt: null,
  });
  const written: ChatMessage[] = [];
  for (const [index, m] of messages.entries()) {
    const answered = m.answers === undefined ? undefined : written[m.answers]!;
    const { message } = await store.appendMessage(
      conversation.id,
      m.author === 'visitor'
        ? { senderId: visitorId, author: 'visitor', kind: 'text', text: m.text, clientId: `q-${index}` }
        : { senderId: 'ai', author: 'ai', kind: 'text', text: m.text, clientId: answerClientId(answered!.id) },
      LEFT_AT + index,
    );
    written.push(message);
  }
  return conversation.id;
}

async function settled(store: Store, conversationId: string, aiCount: number): Promise<ChatMessage[]> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const messages = await store.listMessages(conversationId, { afterSeq: 0 });
    if (messages.filter((m) => m.author === 'ai').length >= aiCount || Date.now() > deadline) return messages;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('the unanswered sweeper', () => {
  let server: TestServer | undefined;
  afterEach(async () => {
    await server?.server.close();
    server = undefined;
  });

  it('answers every question a dead process left, in the order they were asked, each once', async () => {
    const store = SqliteStore.open(':memory:');
    const id = await conversationLeftBehind(store, 'v-two', [
      { author: 'visitor', text: 'How do I return an item?' },
      { author: 'visitor', text: 'How long does shipping take?' },
    ]);
    server = await startTestServer({ store });
    const messages = await settled(store, id, 2);
    const questions = messages.filter((m) => m.author === 'visitor');
    const answers = messages.filter((m) => m.author === 'ai');
    expect(answers.map((m) => m.clientId)).toEqual(questions.map((q) => answerClientId(q.id)));
    // Each answer comes after its question, and the first question's answer first.
    expect(answers[0]!.seq).toBeLessThan(answers[1]!.seq);
    expect(answers[0]!.seq).toBeGreaterThan(questions[1]!.seq);
  });

  it('leaves questions that were answered alone, and answers the one after them', async () => {
    const store = SqliteStore.open(':memory:');
    const id = await conversationLeftBehind(store, 'v-mixed', [
      { author: 'visitor', text: 'How do I return an item?' },
      { author: 'ai', text: 'From your orders page.', answers: 0 },
      { author: 'visitor', text: 'How long does shipping take?' },
    ]);
    server = await startTestServer({ store });
    const messages = await settled(store, id, 2);
    const answers = messages.filter((m) => m.author === 'ai');
    expect(answers).toHaveLength(2);
    expect(answers[1]!.clientId).toBe(answerClientId(messages[2]!.id));
    // Nothing written twice: give a second pass the time to run.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await store.listMessages(id, { afterSeq: 0 })).filter((m) => m.author === 'ai')).toHaveLength(2);
  });
});
