/**
 * `--seed`: fills a product data directory through the Store API, before the product process
 * opens it: `conversations` conversations of 10 messages each over the last 29 days (the default
 * report range), a third of them handed to a person, a fifth with a question the AI could not
 * answer (knowledge gaps), most closed.
 */
import { randomUUID } from 'node:crypto';
import type { AnswerProvenance, ChatMessage } from '@support-chat/shared';
import { SqliteStore } from '../../src/store/sqlite-store.js';
import type { ConversationRecord, MessageDraft } from '../../src/store/types.js';
import { inBatches } from './in-batches.js';
import { seeded } from '../synthetic.js';

const DAY_MS = 24 * 60 * 60 * 1000;

const answered: AnswerProvenance = { responder: 'offline', passageIds: ['bench'], scores: [1], answered: true, latencyMs: 1 };
const notFound: AnswerProvenance = { ...answered, passageIds: [], scores: [], answered: false };

function script(random: () => number, question: () => string): MessageDraft[] {
  const visitor = (text: string): MessageDraft => ({ senderId: 'visitor', author: 'visitor', kind: 'text', text, clientId: randomUUID() });
  const ai = (ok: boolean): MessageDraft => ({
    senderId: 'ai',
    author: 'ai',
    kind: 'text',
    text: ok ? 'You can return any item within 30 days for a full refund.' : "Sorry, I couldn't find that.",
    provenance: ok ? answered : notFound,
  });
  const event = (e: ChatMessage['event']): MessageDraft => ({ senderId: 'system', author: 'system', kind: 'event', text: '', event: e });
  const agent = (text: string): MessageDraft => ({ senderId: 'bench-agent-0', author: 'agent', authorName: 'Agent 0', kind: 'text', text, clientId: randomUUID() });
  const gap = random() < 0.2;
  if (random() < 0.33) {
    return [
      visitor(question()), ai(true), visitor(`${question()} (order ${Math.floor(random() * 1e6)})`), ai(!gap),
      event({ type: 'queued' }), event({ type: 'assigned', agentName: 'Agent 0' }),
      agent('Hello, let me check your order.'), visitor('Thanks, it is the blue jacket.'), agent('It ships tomorrow.'),
      event({ type: 'closed', by: 'agent' }),
    ];
  }
  return [visitor(question()), ai(true), visitor(question()), ai(!gap), visitor(question()), ai(true), visitor(question()), ai(true), visitor('Thanks!'), ai(true)];
}

export async function seedStore(dataDir: string, conversations: number, questions: readonly string[]): Promise<{ messages: number; ms: number }> {
  const started = performance.now();
  const random = seeded(9);
  const question = () => questions[Math.floor(random() * questions.length)]!;
  const now = Date.now();
  // Planned first, so the same seed gives the same store whatever order the writes finish in.
  const plans = Array.from({ length: conversations }, (_, i) => {
    const visitorId = `seed-visitor-${i}`;
    const createdAt = now - Math.floor(random() * 29 * DAY_MS) - 60 * 60 * 1000;
    const drafts = script(random, question).map((d) => (d.senderId === 'visitor' ? { ...d, senderId: visitorId } : d));
    const handedOff = drafts.some((d) => d.event?.type === 'queued');
    const closed = random() < 0.9;
    const end = createdAt + drafts.length * 30_000;
    const conversation: ConversationRecord = {
      id: randomUUID(),
      visitorId,
      status: closed ? 'closed' : handedOff ? 'assigned' : 'bot',
      assignedAgentId: handedOff ? 'bench-agent-0' : null,
      locale: 'en',
      context: { pageUrl: 'https://shop.example.com/checkout', language: 'en' },
      lastSeq: 0,
      createdAt,
      updatedAt: end,
      queuedAt: handedOff ? createdAt + 4 * 30_000 : null,
      closedAt: closed ? end : null,
      handoffReason: handedOff ? 'visitor_request' : null,
      humanInvolved: handedOff,
      assignedAt: handedOff ? createdAt + 5 * 30_000 : null,
      rating: closed && handedOff ? { score: (1 + Math.floor(random() * 5)) as 1 | 2 | 3 | 4 | 5, ratedAt: end } : null,
    };
    return { conversation, drafts };
  });
  const store = SqliteStore.open(dataDir);
  try {
    // Many conversations at once, each in order: their writes share the store's group commits.
    await inBatches(plans.length, 64, async (i) => {
      const { conversation, drafts } = plans[i]!;
      await store.createVisitor({ id: conversation.visitorId, createdAt: conversation.createdAt });
      await store.createConversation(conversation);
      for (const [n, draft] of drafts.entries()) await store.appendMessage(conversation.id, draft, conversation.createdAt + n * 30_000);
    });
  } finally {
    await store.close();
  }
  const messages = plans.reduce((sum, p) => sum + p.drafts.length, 0);
  return { messages, ms: Math.round(performance.now() - started) };
}
