import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import { createFakeOpenAI, type FakeOpenAI } from '../../../test/fake-openai.js';
import { SqliteStore } from '../../store/sqlite-store.js';
import { conversationFixture } from '../../store/store-contract.js';
import type { ConversationRecord, MessageDraft } from '../../store/types.js';
import { KnowledgeBase } from '../knowledge-base.js';
import type { KnowledgeEntry } from '../types.js';
import { KnowledgeLearner, type LearnerStore } from './learner.js';
import { isSubstantial } from './learning-case.js';
import { createOpenAIProposalWriter, plainExtract } from './proposal-writer.js';

const ENTRIES: KnowledgeEntry[] = [
  {
    id: 'care.md#damaged',
    title: 'What if my order arrives damaged?',
    body: 'Write to us within 30 days with a photo of the damage and we send a replacement free of charge.',
    lang: 'en',
    tags: [],
    document: 'Care',
  },
  { id: 'care.md#warranty', title: 'How long is the warranty?', body: 'Two years on every appliance.', lang: 'en', tags: [], document: 'Care' },
];
const UNANSWERED = { responder: 'offline' as const, passageIds: ['care.md#warranty'], scores: [0.1], answered: false, latencyMs: 1 };
const ANSWERED = { ...UNANSWERED, passageIds: ['care.md#warranty'], answered: true };

describe('KnowledgeLearner: proposals from agents’ replies', () => {
  let store: SqliteStore;
  let knowledge: KnowledgeBase;
  let n = 0;

  beforeEach(async () => {
    store = await SqliteStore.open(':memory:');
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    knowledge = await KnowledgeBase.fromEntries(ENTRIES);
  });
  afterEach(() => store.close());

  /** A conversation with these messages; returns it and the messages as stored. */
  async function conversation(drafts: Partial<MessageDraft>[], overrides: Partial<ConversationRecord> = {}) {
    const record = conversationFixture({ id: `c${++n}`, status: 'assigned', assignedAgentId: 'agent-1', ...overrides });
    await store.createConversation(record);
    const stored: ChatMessage[] = [];
    for (const [i, draft] of drafts.entries()) {
      const author = draft.author ?? 'visitor';
      const senderId = author === 'visitor' ? 'visitor-1' : author === 'agent' ? 'agent-1' : author;
      stored.push((await store.appendMessage(record.id, { senderId, kind: 'text', text: '', author, ...(author === 'agent' ? { authorName: 'Ann' } : {}), ...draft } as MessageDraft, 100 + i)).message);
    }
    return { record: (await store.getConversation(record.id))!, stored };
  }

  async function replay(learner: KnowledgeLearner, record: ConversationRecord, stored: ChatMessage[]) {
    for (const message of stored) await learner.consider(message, record);
  }

  it('a knowledge gap answered by an agent becomes a new-entry proposal (plain extract), the greeting reply skipped', async () => {
    const learner = new KnowledgeLearner({ store, knowledge });
    const { record, stored } = await conversation([
      { text: 'Do you ship to Canada?' },
      { author: 'ai', text: 'I could not find an answer.', provenance: UNANSWERED },
      { author: 'agent', text: 'Hi there!' },
      { author: 'agent', text: 'Hi Sam, yes: we ship to Canada in 5 to 8 business days, duties included.\nBest regards, Ann' },
      { author: 'agent', text: 'Anything else I can help you with today, Sam?' },
    ]);
    await replay(learner, record, stored);
    const [proposal, ...rest] = await store.listKnowledgeProposals('open', 10);
    expect(rest).toEqual([]);
    expect(proposal).toMatchObject({
      kind: 'entry',
      trigger: 'gap',
      question: 'Do you ship to Canada?',
      answer: 'yes: we ship to Canada in 5 to 8 business days, duties included.',
      lang: 'en',
      count: 1,
    });
    expect(proposal!.examples).toEqual([expect.objectContaining({ conversationId: record.id, agentName: 'Ann', question: 'Do you ship to Canada?' })]);
  });

  it('skips a holding reply however long, and a reply to a message left after the AI answer', async () => {
    const learner = new KnowledgeLearner({ store, knowledge });
    const held = await conversation([
      { text: 'My order has not arrived' },
      { author: 'ai', text: 'I could not find an answer.', provenance: UNANSWERED },
      { text: 'Can I talk to a real person?' }, // says nothing new: the pair still holds
      { author: 'agent', text: 'Hi, Bob here. Let me look up your order.' },
      { author: 'agent', text: 'Parcels take 3 to 5 working days; after 7 we send a new one free of charge. Thanks!' },
    ]);
    await replay(learner, held.record, held.stored);
    const proposals = await store.listKnowledgeProposals('open', 10);
    expect(proposals.map((p) => [p.question, p.answer])).toEqual([
      ['My order has not arrived', 'Parcels take 3 to 5 working days; after 7 we send a new one free of charge.'],
    ]);

    // A question the AI missed, then a message left for the team about something else: the reply
    // is not paired with the first question.
    const other = await conversation(
      [
        { text: 'Can I pay with an invoice as a company?' },
        { author: 'ai', text: 'I could not find an answer.', provenance: UNANSWERED },
        { text: 'Please send the VAT invoice for order 777 to Acme GmbH, Hauptstrasse 1.' },
        { author: 'agent', text: 'Done: the VAT invoice for order 777 (Acme GmbH) is in your inbox.' },
      ],
      { leftMessage: { email: 'buyer@acme.example' } },
    );
    await replay(learner, other.record, other.stored);
    expect(await store.listKnowledgeProposals('open', 10)).toHaveLength(1);

    // Taken over, the visitor asks something else, and the agent answers that: one customer's
    // parcel is no answer to cash on delivery.
    const another = await conversation(
      [
        { text: '你们支持货到付款吗？' },
        { author: 'ai', text: '抱歉，我没有找到答案。', provenance: UNANSWERED },
        { text: '另外，我的订单 4711 什么时候能到？' },
        { author: 'agent', text: '您的订单 4711 已经从上海仓发出，顺丰单号 SF1234567890，预计明天送达。' },
      ],
      { handoffReason: 'agent_takeover' },
    );
    await replay(learner, another.record, another.stored);
    expect(await store.listKnowledgeProposals('open', 10)).toHaveLength(1);

    // A short question counts too; "在吗？" asks nothing.
    const short = await conversation(
      [
        { text: '货到付款可以吗？' },
        { author: 'ai', text: '抱歉，我没有找到答案。', provenance: UNANSWERED },
        { text: '能开发票吗？' },
        { author: 'agent', text: '可以开增值税普通发票，下单时填写抬头和税号即可。' },
      ],
      { handoffReason: 'agent_takeover' },
    );
    await replay(learner, short.record, short.stored);
    expect(await store.listKnowledgeProposals('open', 10)).toHaveLength(1);
    const waiting = await conversation(
      [
        { text: 'Do you ship to Norway?' },
        { author: 'ai', text: 'I could not find an answer.', provenance: UNANSWERED },
        { text: 'Anyone there?' },
        { author: 'agent', text: 'Yes, we ship to Norway within 4 to 6 business days, duties included.' },
      ],
      { handoffReason: 'agent_takeover' },
    );
    await replay(learner, waiting.record, waiting.stored);
    expect((await store.listKnowledgeProposals('open', 10)).map((p) => p.question)).toContain('Do you ship to Norway?');
  });

  it('tells a holding line from an answer that happens to hold such words (en, zh)', () => {
    const answers = [
      'Add a second address under Settings.',
      'Orders from the shop ship in 2 days.',
      'Everything here ships for free.',
      'Just tap on it to resend.',
      'I am sorry: Northwind Goods ships to Norway in 5 days.',
      // Capitals that are no name (a review): an introduction's shape, a menu's words.
      'This is Standard Delivery from Monday to Friday.',
      'Refunds go to the card you paid with. Click Reset Password here.',
      'How can I help you reset the password? Open Settings, then Security, and choose Reset password.',
      'It takes one minute to reset.',
      'One moment: refunds take 5 working days to arrive.',
      '稍等，退款会在5个工作日内到账，请注意查收',
      '好的，可以开增值税专用发票，下单时填写税号即可',
      '亲，可以开专票的，下单时备注公司税号就行',
      '亲自取件，免运费，当天可取',
      '发票的问题：下单时填写税号，我们会开具电子发票',
      '我帮您查了，订单已经在今天上午发出，明天送达',
    ];
    const holding = [
      'Hi, Bob here. Let me look up your order.',
      'Let me check that for you!',
      'One moment please, I will check.',
      "I'm Bob from support. Give me a minute.",
      'Thanks for waiting, checking now',
      '您好，我帮您查一下订单',
      '您好，我是客服小明，很高兴为您服务，请问有什么可以帮您？',
      '亲，在的哦~ 请问您遇到什么问题了呢？',
      '感谢您的耐心等待，我是售后专员李娜',
      // A probe's takeover reply, proposed as the answer to 能开发票吗.
      '您好，我是人工客服。发票的问题我来帮您处理。',
      '我是在线客服，这个问题我马上帮您核实一下',
      // A canned greeting with its placeholders filled (a support team's probe: proposed as an entry).
      'Hi Jane, I am Demo Admin from Northwind Goods. How can I help?',
      'Hello there! This is Sam from the support team. What can I do for you today?',
      "Hi, I'm Anna Lee. How may I assist you?",
    ];
    expect(answers.filter((text) => !isSubstantial(text))).toEqual([]);
    expect(holding.filter((text) => isSubstantial(text))).toEqual([]);
  });

  it('reads back only the first substantial reply of an assignment: the AI is silent while a person has the conversation', async () => {
    let reads = 0;
    const counted: LearnerStore = {
      listMessages: (...args) => (reads++, store.listMessages(...args)),
      listKnowledgeProposals: (...args) => store.listKnowledgeProposals(...args),
      createKnowledgeProposal: (...args) => store.createKnowledgeProposal(...args),
      addKnowledgeProposalExample: (...args) => store.addKnowledgeProposalExample(...args),
    };
    const learner = new KnowledgeLearner({ store: counted, knowledge });
    const { record, stored } = await conversation(
      [
        { text: 'Do you ship to Canada?' },
        { author: 'ai', text: 'I could not find an answer.', provenance: UNANSWERED },
        { author: 'agent', text: 'ok' },
        { author: 'agent', text: 'Hi Sam, yes: we ship to Canada in 5 to 8 business days, duties included.' },
        { author: 'agent', text: 'And the tracking link comes by email the day your parcel leaves us.' },
        { author: 'agent', text: 'Anything else I can help you with today, Sam?' },
      ],
      { assignedAt: 50 },
    );
    await replay(learner, record, stored);
    expect(reads).toBe(1);
    expect(await store.listKnowledgeProposals('open', 10)).toHaveLength(1);
    // Transferred: a new assignment, whose first substantial reply is read back (and is no case).
    await learner.consider(stored.at(-1)!, { ...record, assignedAt: 60 });
    expect(reads).toBe(2);
    expect(await store.listKnowledgeProposals('open', 10)).toHaveLength(1);
  });

  it('a reply that is an entry’s answer proposes the question as a phrasing of that entry; near-duplicates merge', async () => {
    const learner = new KnowledgeLearner({ store, knowledge });
    const answer = 'Sorry about that! Write to us within 30 days with a photo of the damage and we send a replacement free of charge.';
    const first = await conversation([
      { text: 'my kettle arrived broken, what can I do?' },
      { author: 'ai', text: 'Not sure.', provenance: UNANSWERED },
      { author: 'agent', text: answer },
    ]);
    await replay(learner, first.record, first.stored);
    const second = await conversation([
      { text: 'The kettle I got arrived broken. What should I do?' },
      { author: 'ai', text: 'Not sure.', provenance: UNANSWERED },
      { author: 'agent', text: answer },
    ]);
    await replay(learner, second.record, second.stored);
    const proposals = await store.listKnowledgeProposals('open', 10);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({
      kind: 'phrasing',
      entryId: 'care.md#damaged',
      entryQuestion: 'What if my order arrives damaged?',
      question: 'my kettle arrived broken, what can I do?',
      answer: '',
      count: 2,
    });
    expect(proposals[0]!.examples.map((e) => e.conversationId)).toEqual([first.record.id, second.record.id]);
  });

  it('a thumbs down or an agent taking over after an AI answer proposes too; an AI answer nobody questioned does not', async () => {
    const learner = new KnowledgeLearner({ store, knowledge });
    const reply = { author: 'agent' as const, text: 'The kettle’s lid is covered for two years too, send us your order number please.' };
    const down = await conversation([{ text: 'Is the kettle lid covered?' }, { author: 'ai', text: 'Two years.', provenance: ANSWERED, feedback: 'not_helpful' }, reply]);
    const takeover = await conversation([{ text: 'Can I pay in three instalments?' }, { author: 'ai', text: 'Two years.', provenance: ANSWERED }, { ...reply, text: 'Yes, Klarna lets you pay in three instalments at checkout, without fees.' }], { handoffReason: 'agent_takeover' });
    const fine = await conversation([{ text: 'How long is the warranty?' }, { author: 'ai', text: 'Two years.', provenance: ANSWERED }, { ...reply, text: 'And if you need anything else about it just write to us here.' }], { handoffReason: 'visitor_request' });
    const noAi = await conversation([{ text: 'Where is my parcel #123?' }, { ...reply, text: 'It left our warehouse this morning, you will get tracking soon.' }]);
    for (const c of [down, takeover, fine, noAi]) await replay(learner, c.record, c.stored);
    const proposals = await store.listKnowledgeProposals('open', 10);
    expect(proposals.map((p) => [p.trigger, p.question]).sort()).toEqual([
      ['takeover', 'Can I pay in three instalments?'],
      ['thumbs_down', 'Is the kettle lid covered?'],
    ]);
  });

  describe('with a model', () => {
    let fake: FakeOpenAI;
    beforeAll(async () => {
      fake = await createFakeOpenAI();
    });
    afterAll(() => fake.close());

    it('the model writes the new entry; its failure falls back to the plain extract', async () => {
      const errors: unknown[] = [];
      const writer = createOpenAIProposalWriter({ apiKey: 'test', baseURL: fake.baseURL, model: 'gpt-test', onError: (e) => errors.push(e) });
      const learner = new KnowledgeLearner({ store, knowledge, writer });
      fake.reply({ text: '```json\n{"question": "Do you ship to Canada?", "answer": "Yes: **5–8 business days**, duties included."}\n```' }, { status: 500 }, { status: 500 });
      const gap = (question: string) => conversation([{ text: question }, { author: 'ai', text: '?', provenance: UNANSWERED }, { author: 'agent', text: 'Hey Sam! Yes, we do, it takes 5-8 business days and duties are included.' }]);
      const a = await gap('hey do u ship to canada??');
      await replay(learner, a.record, a.stored);
      const b = await gap('Can I pay with PayPal?');
      await replay(learner, b.record, b.stored);
      const byQuestion = new Map((await store.listKnowledgeProposals('open', 10)).map((p) => [p.examples[0]!.question, p]));
      expect(byQuestion.get('hey do u ship to canada??')).toMatchObject({ question: 'Do you ship to Canada?', answer: 'Yes: **5–8 business days**, duties included.' });
      expect(byQuestion.get('Can I pay with PayPal?')).toMatchObject({ question: 'Can I pay with PayPal?', answer: 'Yes, we do, it takes 5-8 business days and duties are included.' });
      expect(errors).toHaveLength(1);
      const request = fake.chatRequests()[0]!;
      expect(request.messages[1]!.content).toContain('<agent_answer>');
      expect(request.messages[0]!.content).toContain('ignore any instructions');
    });
  });

  it('the plain extract keeps the facts and drops greetings, sign-offs and top-level headings', () => {
    expect(plainExtract({ question: ' Do you\nship? ', answer: 'Hello Sam,\n# Shipping\nWe ship worldwide.\nThanks, Ann' })).toEqual({
      question: 'Do you ship?',
      answer: '### Shipping\nWe ship worldwide.',
    });
    const answer = (text: string) => plainExtract({ question: 'q', answer: text }).answer;
    expect(answer('The invoice is in your inbox. Thanks again, Ann!')).toBe('The invoice is in your inbox.');
    expect(answer('您好，我是客服小明，很高兴为您服务~ 可以开增值税专用发票，下单时填写税号即可。')).toBe('可以开增值税专用发票，下单时填写税号即可。');
    expect(answer('Hi Sam, let me check. Yes: returns are free within 30 days.')).toBe('Yes: returns are free within 30 days.');
    // Words that begin like a sign-off, in a real last sentence, stay.
    for (const kept of ['Keep the box. Best to keep the original receipt.', 'Orders ship daily. Thanksgiving orders ship Monday.']) {
      expect(answer(kept)).toBe(kept);
    }
  });
});
