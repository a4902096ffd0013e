import { beforeEach, describe, expect, it } from 'vitest';
import type { Summarizer } from '../ai/types.js';
import { DomainEventBus } from '../conversations/events.js';
import { ConversationService } from '../conversations/service.js';
import { createLogger } from '../logger.js';
import { SqliteStore } from '../store/sqlite-store.js';
import type { ConversationRecord } from '../store/types.js';
import { NOTE_WORDS_EN, systemNoteMarkdown, type ChatMessage } from '@support-chat/shared';
import { extract, HandoffNotes } from './handoff-note.js';

/** The English note of a hand-off with only the extract of `messages`. */
const plainExtract = (messages: ChatMessage[]) => systemNoteMarkdown({ type: 'handoff', reason: 'visitor_request', ...extract(messages) }, NOTE_WORDS_EN);

const logger = createLogger('silent');

describe('hand-off notes', () => {
  let service: ConversationService;
  let conversation: ConversationRecord;

  beforeEach(async () => {
    service = new ConversationService(SqliteStore.open(':memory:'), new DomainEventBus());
    ({ conversation } = await service.postVisitorMessage('visitor-1', { clientId: 'client-0001', text: 'Where is my parcel #123?', locale: 'en' }));
    await service.append(conversation, {
      senderId: 'ai',
      author: 'ai',
      kind: 'text',
      text: 'Parcels arrive in 3–5 working days. Track it under My account → Orders.',
      sources: [{ id: 'k1', title: 'Shipping times' }],
      provenance: { responder: 'offline', passageIds: ['k1'], scores: [1], answered: true, latencyMs: 1 },
    });
    await service.append(conversation, {
      senderId: 'ai',
      author: 'ai',
      kind: 'text',
      text: "I couldn't find an answer to that.",
      sources: [],
      provenance: { responder: 'offline', passageIds: [], scores: [], answered: false, latencyMs: 1 },
    });
    await service.postVisitorMessage('visitor-1', { clientId: 'client-0002', text: 'I want to talk to a person', locale: 'en' });
  });

  it('extracts the question, what the AI tried with its sources, and why', async () => {
    const note = await new HandoffNotes(service, logger).write(conversation, 'visitor_request');
    expect(note.kind).toBe('note');
    expect(note.text).toContain('the visitor asked for a person');
    expect(note.text).toContain('Where is my parcel #123?');
    expect(note.text).not.toContain('I want to talk to a person');
    expect(note.text).toContain('(sources: Shipping times)');
    expect(note.text).toContain("could not answer: “I couldn't find an answer to that.”");
    // The same, as data, for consoles in other languages.
    expect(note.note).toEqual({
      type: 'handoff',
      reason: 'visitor_request',
      asked: ['Where is my parcel #123?'],
      tried: [
        { text: 'Parcels arrive in 3–5 working days. Track it under My account → Orders.', sources: ['Shipping times'], answered: true },
        { text: "I couldn't find an answer to that.", sources: [], answered: false },
      ],
    });
    expect((await service.history(conversation.id)).at(-1)!.note).toEqual(note.note);
  });

  it('keeps a request for a person that says what it is about', async () => {
    const asked = (texts: string[]) =>
      plainExtract(texts.map((text, i) => ({ id: `m${i}`, conversationId: 'c', seq: i + 1, senderId: 'v', author: 'visitor', kind: 'text', text, createdAt: i })));
    expect(asked(['I want to talk to a person about order 777'])).toContain('order 777');
    expect(asked(['Can I talk to a real person? My refund from last month never arrived'])).toContain('refund');
    expect(asked(['我要转人工，订单777一直没有发货'])).toContain('订单777');
    for (const about of [
      'Can I talk to someone about billing?',
      'talk to a person about my refund',
      'speak to an agent about cancelling',
      'I need a human, order never arrived',
      'I want a human, refund',
      'billing, talk to a person',
      '转人工 退款没到账',
      'Talk to a person — заказ не пришёл',
    ]) {
      expect(asked([about]), about).toContain(about);
    }
    for (const bare of ['talk to a person', 'Can I please talk to a real person', 'Is there a real person I can talk to?', 'human please', '请帮我转人工客服', '能帮我转人工吗']) {
      expect(asked([bare]), bare).toContain('nothing yet');
    }
  });

  it('uses the summarizer when there is one, and the extract when it fails or is too slow', async () => {
    const seen: string[] = [];
    const good: Summarizer = {
      summarize: async (turns, locale) => {
        seen.push(`${turns.length} turns, ${locale}`);
        return 'Customer wants to know where parcel #123 is.';
      },
    };
    const summarised = await new HandoffNotes(service, logger, good).write(conversation, 'ai_unanswered');
    expect(seen).toEqual(['4 turns, en']);
    expect(summarised.text).toContain('**Summary (AI):** Customer wants to know where parcel #123 is.');
    expect(summarised.text).toContain('Sources the AI used:** Shipping times');

    let aborted = false;
    const slow: Summarizer = {
      summarize: (_turns, _locale, signal) =>
        new Promise((resolve) => {
          signal?.addEventListener('abort', () => {
            aborted = true;
          });
          setTimeout(() => resolve('too late'), 1000).unref();
        }),
    };
    const fallback = await new HandoffNotes(service, logger, slow, 50).write(conversation, 'ai_unanswered');
    expect(aborted).toBe(true);
    expect(fallback.text).not.toContain('too late');
    expect(fallback.text).toContain('Where is my parcel #123?');

    const broken: Summarizer = { summarize: async () => Promise.reject(new Error('model down')) };
    expect((await new HandoffNotes(service, logger, broken).write(conversation, 'rule', { rule: { keyword: 'refund' } })).text).toContain(
      'a routing rule matched (the message mentions "refund")',
    );
  });
});

describe('the plain extract', () => {
  const at = { conversationId: 'c', createdAt: 1 };
  it('quotes what was said as plain text: a cut never leaves Markdown half open, and a visitor cannot format the note', () => {
    const extract = plainExtract([
      { ...at, id: 'q', seq: 1, author: 'visitor', kind: 'text', text: 'Is [this](https://evil.example) **urgent**? # yes' },
      {
        ...at,
        id: 'a',
        seq: 2,
        author: 'ai',
        kind: 'text',
        text: `1. Sign in and go to **My account → Orders**. ${'Then choose the order and click **Return items**. '.repeat(4)}`,
        provenance: { responder: 'offline', passageIds: [], scores: [1], answered: true, latencyMs: 1 },
      },
    ]);
    expect(extract).toContain('“Is this urgent? # yes”');
    expect(extract).not.toContain('](');
    const aiLine = extract.split('\n').find((line) => line.startsWith('- “1.'))!;
    expect(aiLine).toContain('My account → Orders');
    expect(aiLine).not.toContain('*');
    expect(aiLine).toMatch(/…”$/);
  });
});
