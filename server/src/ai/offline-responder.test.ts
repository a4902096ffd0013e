import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createKnowledgeIndex } from '../knowledge/bm25-index.js';
import { loadKnowledgeDir } from '../knowledge/markdown-source.js';
import type { Retriever } from '../knowledge/types.js';
import { createOfflineResponder, questionClauses } from './offline-responder.js';
import type { ResponderRequest } from './types.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/knowledge');
const { entries } = await loadKnowledgeDir(fixtures);
const retriever = createKnowledgeIndex(entries);
const byId = new Map(entries.map((e) => [e.id, e]));

function ask(question: string, extra: Partial<ResponderRequest> = {}): ResponderRequest {
  return { conversationId: 'c1', question, history: [], locale: 'en', ...extra };
}

describe('offline responder', () => {
  const responder = createOfflineResponder({ retriever });

  it('answers with the entry it is confident about, whole: no tokens to stream', async () => {
    const tokens: string[] = [];
    const answer = await responder.answer(ask('How do I make a warranty claim?', { onToken: (t) => tokens.push(t) }));
    const entry = byId.get('en/warranty.md#how-do-i-make-a-warranty-claim')!;
    expect(answer.text).toBe(entry.body);
    expect(tokens).toEqual([]);
    expect(answer.sources).toEqual([{ id: entry.id, title: entry.title, url: '/help/warranty' }]);
    expect(answer.suggestions).toBeUndefined();
    expect(answer.provenance).toMatchObject({
      responder: 'offline',
      passageIds: [entry.id],
      answered: true,
    });
    expect(answer.provenance.scores[0]).toBeGreaterThan(0);
    expect(answer.provenance.latencyMs).toBeGreaterThanOrEqual(0);
  });

  it('answers a Chinese question in Chinese', async () => {
    const answer = await responder.answer(ask('退款多久到账？', { locale: 'zh-CN' }));
    expect(answer.provenance.answered).toBe(true);
    expect(answer.sources[0]!.id).toBe('zh/refunds.md#退款多久到账');
    expect(answer.text).toMatch(/3 个工作日内/);
  });

  it('says honestly when it is not sure, with the closest questions as suggestions', async () => {
    const tokens: string[] = [];
    // Nothing in the fixtures says whether the lamp dims; the bulbs entry is related, not an answer.
    const answer = await responder.answer(ask('Does the lamp work with a dimmer switch?', { onToken: (t) => tokens.push(t) }));
    expect(answer.provenance.answered).toBe(false);
    expect(answer.text).toMatch(/couldn't find an answer to that in our help center/);
    expect(answer.text).toMatch(/person/);
    expect(answer.sources).toEqual([]);
    expect(answer.suggestions!.length).toBeGreaterThanOrEqual(2);
    expect(answer.suggestions!.length).toBeLessThanOrEqual(3);
    expect(answer.suggestions).toContain('What bulbs fit the lamp?');
    expect(answer.provenance.passageIds.length).toBeGreaterThan(0);
    expect(tokens).toEqual([]);
  });

  it('speaks Chinese to a zh-CN visitor and suggests Chinese questions first', async () => {
    const answer = await responder.answer(ask('保修和退款', { locale: 'zh-CN' }));
    expect(answer.provenance.answered).toBe(false);
    expect(answer.text).toMatch(/^抱歉，我在帮助中心没有找到/);
    expect(answer.suggestions!.length).toBeGreaterThanOrEqual(2);
    for (const s of answer.suggestions!) expect(s).toMatch(/\p{Script=Han}/u);
  });

  it('has no suggestions when nothing matches at all', async () => {
    const answer = await responder.answer(ask('xylophone quartz'));
    expect(answer).toMatchObject({ sources: [], suggestions: [], provenance: { answered: false, passageIds: [] } });
    expect(answer.text).toBe("I couldn't find an answer to that in our help center. I can connect you with a person who can help.");
  });

  it('treats hits without a confidence as unsure', async () => {
    const plain: Retriever = {
      size: 1,
      search: () => [{ entry: entries[0]!, score: 10 }],
    };
    const answer = await createOfflineResponder({ retriever: plain }).answer(ask('anything'));
    expect(answer.provenance.answered).toBe(false);
    expect(answer.suggestions).toEqual([entries[0]!.title]);
  });

  it('honours a custom threshold', async () => {
    const strict = createOfflineResponder({ retriever, minConfidence: 0.99 });
    expect((await strict.answer(ask('How do I make a warranty claim?'))).provenance.answered).toBe(false);
  });

  it('holds the threshold of the answering entry\'s language (OFFLINE_ANSWER_MIN_CONFIDENCE and _ZH)', async () => {
    const question = 'How do I make a warranty claim?';
    const strictEnglish = createOfflineResponder({ retriever, thresholds: { en: 0.99, zh: 0 } });
    expect((await strictEnglish.answer(ask(question))).provenance.answered).toBe(false);
    const strictChinese = createOfflineResponder({ retriever, thresholds: { en: 0, zh: 0.99 } });
    expect((await strictChinese.answer(ask(question))).provenance.answered).toBe(true);
  });

  it('answers the question behind a lead-in or after another sentence, as it answers the question alone', async () => {
    // Each of these went unanswered as a whole: the lead-in's words are in no entry's question.
    const plain = await responder.answer(ask('Can I change my delivery address?'));
    expect(plain.provenance.answered).toBe(true);
    for (const message of [
      'One more question: can I change my delivery address?',
      'Hi there, quick question - can I change my delivery address?',
      'OK thanks. Another question. Can I change my delivery address?',
    ]) {
      const answer = await responder.answer(ask(message));
      expect({ message, answered: answer.provenance.answered, source: answer.sources[0]?.id }).toEqual({
        message,
        answered: true,
        source: plain.sources[0]!.id,
      });
    }
    const chinese = await responder.answer(ask('还有一个问题：保修期多长？', { locale: 'zh-CN' }));
    expect(chinese.sources[0]?.id).toBe((await responder.answer(ask('保修期多长？', { locale: 'zh-CN' }))).sources[0]!.id);
    expect(chinese.sources[0]?.id).toMatch(/^zh\/warranty\.md#/);
  });

  it('answers a message the whole of which it is sure about as before, and does not answer from a clause that is unsure too', async () => {
    // Sure as a whole: the whole message's entry, though its last question alone points elsewhere.
    const message = 'How long does shipping take? How long is the warranty? shipping shipping';
    const [wholeTop] = retriever.search(message, { limit: 1, lang: 'en' });
    const [clauseTop] = retriever.search('How long is the warranty?', { limit: 1, lang: 'en' });
    expect(wholeTop!.entry.id).not.toBe(clauseTop!.entry.id);
    const whole = await responder.answer(ask(message));
    expect(whole.provenance).toMatchObject({ answered: true, passageIds: [wholeTop!.entry.id] });
    expect(whole.provenance.matched).toBeUndefined();
    // Unsure as a whole and in every part: not found, with the whole message's suggestions.
    const unsure = await responder.answer(ask('Hello! Does the lamp work with a dimmer switch?'));
    expect(unsure.provenance.answered).toBe(false);
    expect(unsure.suggestions).toContain('What bulbs fit the lamp?');
  });

  it('splits a message into the clauses that may be its question: question sentences and the last one, nearest the end first', () => {
    expect(questionClauses('How do I return an item?')).toEqual([]);
    expect(questionClauses('One more question: how do I return an item?')).toEqual(['how do I return an item?']);
    expect(questionClauses('Thanks, how long does shipping take?')).toEqual(['how long does shipping take?']);
    // A comma after more than a short lead-in belongs to the question.
    expect(questionClauses('If my parcel is late again next week, can I cancel?')).toEqual([]);
    // A statement before the question is never asked alone; a dot or colon inside a number does not split.
    expect(questionClauses('I already reset my password: it still does not work.')).toEqual(['it still does not work.']);
    expect(questionClauses('Is 2.5 kg too heavy? Hi - what about 3 kg at 10:30')).toEqual(['what about 3 kg at 10:30', 'Is 2.5 kg too heavy?']);
    expect(questionClauses('谢谢。另外，运费怎么算？')).toEqual(['另外，运费怎么算？', '运费怎么算？']);
    expect(questionClauses('我想问一下——运费怎么算')).toEqual(['运费怎么算']);
    // Nothing to ask in a clause without two letters or digits; four at most, the last ones.
    expect(questionClauses('?! ok. a. b.')).toEqual([]);
    expect(questionClauses('one? two? three? four? five? six?')).toEqual(['six?', 'five?', 'four?', 'three?']);
  });

  it('says which part of the message it answered, and searches the parts by their words alone', async () => {
    const asked: { query: string; lexicalOnly?: boolean }[] = [];
    const recording: Retriever = {
      size: retriever.size,
      search: (query, options) => (asked.push({ query, lexicalOnly: options?.lexicalOnly }), retriever.search(query, options)),
    };
    const answer = await createOfflineResponder({ retriever: recording }).answer(ask('One more question: can I change my delivery address?'));
    expect(answer.provenance).toMatchObject({ answered: true, matched: 'can I change my delivery address?' });
    expect(asked).toEqual([
      { query: 'One more question: can I change my delivery address?', lexicalOnly: undefined },
      { query: 'can I change my delivery address?', lexicalOnly: true },
    ]);
    // Sure of the whole: no part is searched, and nothing is said of one.
    asked.length = 0;
    const whole = await createOfflineResponder({ retriever: recording }).answer(ask('Can I change my delivery address?'));
    expect(whole.provenance.matched).toBeUndefined();
    expect(asked).toHaveLength(1);
  });

  it('stops when the request is aborted', async () => {
    const before = new AbortController();
    before.abort();
    await expect(responder.answer(ask('How do I make a warranty claim?', { signal: before.signal }))).rejects.toMatchObject({
      reason: 'aborted',
    });
  });
});
