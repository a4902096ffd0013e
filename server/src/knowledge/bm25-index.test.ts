import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAnalyzer, createThesaurus } from './analyzer.js';
import { createKnowledgeIndex, createKnowledgeIndexAsync } from './bm25-index.js';
import { analyze as analyzeWithoutSynonyms } from './tokenizer.js';
import { loadKnowledgeDir } from './markdown-source.js';
import type { KnowledgeEntry } from './types.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/knowledge');

function entry(id: string, title: string, body: string, lang: 'en' | 'zh' = 'en'): KnowledgeEntry {
  return { id, title, body, lang, tags: [], document: 'test' };
}

describe('createKnowledgeIndex over the fixture knowledge', async () => {
  const { entries } = await loadKnowledgeDir(fixtures);
  const index = createKnowledgeIndex(entries);
  const top = (query: string, lang?: 'en' | 'zh') => index.search(query, { lang })[0]?.entry.id;

  it('counts its entries', () => {
    expect(index.size).toBe(entries.length);
  });

  it.each([
    ['How many days does delivery take?', 'en/shipping.md#how-long-does-shipping-take'],
    ['Do you ship to Canada?', 'en/shipping.md#which-countries-do-you-ship-to'],
    ['Can I pay with PayPal?', 'faq/general.json#payment-methods'],
    ['my lamp is frozen, how to reset it', 'faq/products.csv#how-do-i-reset-the-lumen-desk-lamp'],
    ['Is water damage covered by the warranty?', 'en/warranty.md#what-does-the-warranty-not-cover'],
    ['I want to cancel the order I placed', 'faq/more.jsonl#7'],
  ])('ranks the right English entry first: %s', (query, id) => {
    expect(top(query, 'en')).toBe(id);
  });

  it.each([
    ['退款几天能到账？', 'zh/refunds.md#退款多久到账'],
    ['退款会退回到哪个账户', 'zh/refunds.md#钱会退到哪里'],
    ['保修期是多长时间', 'zh/warranty.md#保修期多长'],
    ['能不能开发票', 'faq/general.json#可以开发票吗'],
    ['台灯能用110V吗', 'faq/more.jsonl#台灯支持-110-伏电压吗'],
  ])('ranks the right Chinese entry first: %s', (query, id) => {
    expect(top(query, 'zh')).toBe(id);
  });

  it('returns hits best first, at most `limit`, with confidences in [0, 1]', () => {
    const hits = index.search('shipping delivery order', { limit: 3 });
    expect(hits).toHaveLength(3);
    for (let i = 1; i < hits.length; i++) expect(hits[i - 1]!.score).toBeGreaterThanOrEqual(hits[i]!.score);
    for (const hit of hits) expect(hit.confidence).toBeGreaterThanOrEqual(0);
    for (const hit of hits) expect(hit.confidence).toBeLessThanOrEqual(1);
    expect(index.search('shipping', { limit: 0 })).toEqual([]);
  });

  it('returns nothing for a query with no known term', () => {
    expect(index.search('xylophone quartz')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(index.search('how do I')).toEqual([]);
  });

  it('gives the same answer twice (the scratch buffers are reset)', () => {
    const first = index.search('warranty claim');
    index.search('退款多久到账');
    expect(index.search('warranty claim')).toEqual(first);
  });

  it('is confident for a question that matches one entry and not for a vague one', () => {
    const exact = index.search('How do I make a warranty claim?')[0]!;
    expect(exact.entry.id).toBe('en/warranty.md#how-do-i-make-a-warranty-claim');
    expect(exact.confidence).toBeGreaterThan(0.6);
    const vague = index.search('problem with my order')[0]!;
    expect(vague.confidence).toBeLessThan(0.3);
    const offTopic = index.search('can I pay with bitcoin at the airport lounge')[0]!;
    expect(offTopic.confidence).toBeLessThan(0.3);
  });

  it('gives hits after the first no margin (their confidence is similarity only)', () => {
    const [first, second] = index.search('Can I change my delivery address?', { limit: 2 });
    // The two sections share a heading: identical similarity, but only the first can lead.
    expect(second!.entry.title).toBe(first!.entry.title);
    expect(second!.confidence).toBeLessThanOrEqual(first!.confidence!);
  });
});

describe('Chinese question frames', () => {
  it('does not match questions on 怎么办 (what do I do) alone', () => {
    const index = createKnowledgeIndex([
      entry('password', '忘记密码了怎么办？', '在登录页点“忘记密码”。', 'zh'),
      entry('lamp', 'Lumen 台灯怎么重置和配网？', '长按开关十秒。', 'zh'),
      entry('refund', '退款多久到账？', '三个工作日内。', 'zh'),
      entry('shipping', '下单后多久发货？', '当天发货。', 'zh'),
      entry('returns', '哪些商品不支持退货？', '定制商品。', 'zh'),
      entry('invoice', '可以开发票吗？', '可以。', 'zh'),
    ]);
    expect(index.search('台灯坏了怎么办', { lang: 'zh' })[0]!.entry.id).toBe('lamp');
  });
});

describe('fields and language preference', () => {
  it('weighs a match in the title above the same words in a body', () => {
    const index = createKnowledgeIndex([
      entry('body', 'How do I clean the lamp?', 'Unplug it. The battery is not removable, so never rinse the battery.'),
      entry('title', 'How long does the battery last?', 'About eight hours on a full charge.'),
    ]);
    expect(index.search('battery').map((h) => h.entry.id)).toEqual(['title', 'body']);
  });

  it('uses the article title and tags as context for a section', () => {
    const index = createKnowledgeIndex([
      { ...entry('a', 'How long does it take?', 'Three to five days.'), document: 'Shipping', tags: ['delivery'] },
      { ...entry('b', 'How long does it take?', 'About a week.'), document: 'Repairs', tags: ['warranty'] },
    ]);
    expect(index.search('how long does delivery take')[0]!.entry.id).toBe('a');
    expect(index.search('how long do repairs take')[0]!.entry.id).toBe('b');
  });

  const bilingual = [
    entry('en', 'iPhone 15 case: which sizes?', 'Our iPhone 15 case fits the 15 and 15 Pro.'),
    entry('zh', 'iPhone 15 保护壳有哪些尺寸？', '我们的 iPhone 15 保护壳适用于 15 和 15 Pro。', 'zh'),
    entry('en-only', 'Lamp specification sheet', 'Voltage 100–240 V, 9 W LED, 800 lumen.'),
  ];
  const index = createKnowledgeIndex(bilingual);

  it('prefers entries in the visitor language on a tie', () => {
    expect(index.search('iPhone 15', { lang: 'zh' })[0]!.entry.id).toBe('zh');
    expect(index.search('iPhone 15', { lang: 'en' })[0]!.entry.id).toBe('en');
  });

  it('weighs each term by termWeight, and ignores a term weighted 0', () => {
    const pair = [entry('sofa', 'Sofa', 'Three seats.'), entry('lamp', 'Lamp', 'Nine watts.')];
    const favour = (term: string) => (t: string) => (t === term ? 2 : 1);
    expect(createKnowledgeIndex(pair, { termWeight: favour('sofa') }).search('sofa lamp')[0]!.entry.id).toBe('sofa');
    expect(createKnowledgeIndex(pair, { termWeight: favour('lamp') }).search('sofa lamp')[0]!.entry.id).toBe('lamp');
    const ignoring = createKnowledgeIndex(pair, { termWeight: (t) => (t === 'sofa' ? 0 : 1) });
    expect(ignoring.search('sofa lamp').map((h) => h.entry.id)).toEqual(['lamp']);
  });

  it('judges a Chinese entry long or short against Chinese entries, not English ones', () => {
    // Chinese yields about three terms per character, English one per word: against a shared
    // average length the Chinese twin of an English entry looked long and scored far lower.
    const [first, second] = index.search('iPhone 15');
    expect(new Set([first!.entry.id, second!.entry.id])).toEqual(new Set(['en', 'zh']));
    expect(second!.score / first!.score).toBeGreaterThan(0.9);
  });

  it('boosts rather than filters: other-language entries still appear', () => {
    expect(index.search('iPhone 15', { lang: 'zh' }).map((h) => h.entry.id)).toContain('en');
    expect(index.search('lumen', { lang: 'zh' }).map((h) => h.entry.id)).toEqual(['en-only']);
  });

  it('is empty when built from no entries', () => {
    const empty = createKnowledgeIndex([]);
    expect(empty.size).toBe(0);
    expect(empty.search('anything')).toEqual([]);
  });
});

describe('synonyms', () => {
  const entries = [
    entry('change', '订单可以修改吗', '发货前可以修改地址。', 'zh'),
    entry('cancel', '订单可以取消吗', '发货前可以取消。', 'zh'),
    entry('ship', '订单什么时候发货', '付款后 48 小时内。', 'zh'),
  ];

  it('lets a question meet an entry worded with another member of a group', () => {
    // 关掉 (switch off) and 撤销 (revoke) share no character with 取消 (cancel): only the built-in group links them.
    const withSynonyms = createKnowledgeIndex(entries);
    const without = createKnowledgeIndex(entries, { analyze: analyzeWithoutSynonyms });
    for (const query of ['订单能关掉吗', '订单能撤销吗']) {
      expect(withSynonyms.search(query, { lang: 'zh' })[0]!.entry.id).toBe('cancel');
      expect(without.search(query, { lang: 'zh' })[0]!.entry.id).not.toBe('cancel');
    }
  });

  it("uses the company's own groups beside the built-in ones", () => {
    const lamp = [entry('router', 'How do I reset the router?', 'Unplug it.'), entry('lumen', 'How do I reset the Lumen?', 'Hold the button.')];
    const index = createKnowledgeIndex(lamp, { analyze: createAnalyzer(createThesaurus([['Lumen', 'desk lamp']])) });
    expect(index.search('reset my desk lamp')[0]!.entry.id).toBe('lumen');
    expect(index.search('desk lamp').map((h) => h.entry.id)).toEqual(['lumen']);
    expect(createKnowledgeIndex(lamp).search('desk lamp')).toEqual([]);
  });
});

describe('topic coverage', () => {
  // 借呗, 花呗, 额度, 逾期 and 提高 each recur across questions: they are the topics entries differ by.
  const entries = [
    entry('jiebei-limit', '借呗额度可以提高吗', '', 'zh'),
    entry('both', '花呗逾期了借呗额度还能提高吗', '', 'zh'),
    entry('huabei-overdue', '花呗逾期怎么办', '', 'zh'),
    entry('huabei-limit', '花呗额度怎么提高', '', 'zh'),
  ];

  it('ranks the entry about exactly what was asked above one that adds topics the question never mentions', () => {
    const query = '借呗的额度怎样才能提高呢';
    const ranked = createKnowledgeIndex(entries).search(query, { lang: 'zh' }).map((h) => h.entry.id);
    expect(ranked[0]).toBe('jiebei-limit');
    expect(ranked.indexOf('both')).toBeGreaterThan(0);
  });

  it('is what decides it: without the penalty the longer entry wins on shared words', () => {
    const query = '借呗额度能提高吗';
    const plain = createKnowledgeIndex(entries, { coveragePenalty: 0 }).search(query, { lang: 'zh' });
    const covered = createKnowledgeIndex(entries).search(query, { lang: 'zh' });
    expect(plain[0]!.entry.id).toBe('both');
    expect(covered[0]!.entry.id).toBe('jiebei-limit');
  });
});

describe('createKnowledgeIndexAsync', () => {
  const many = Array.from({ length: 400 }, (_, i) =>
    entry(`e${i}`, i % 2 ? `How do I return order ${i}?` : `第 ${i} 号订单怎么退货？`, `Answer ${i}.`, i % 2 ? 'en' : 'zh'),
  );

  it('lets the event loop run between slices of the build', async () => {
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 0);
    try {
      createKnowledgeIndex(many);
      expect(ticks).toBe(0); // the blocking build gives timers no chance
      await createKnowledgeIndexAsync(many, {}, { sliceMs: 0 });
      expect(ticks).toBeGreaterThan(0);
    } finally {
      clearInterval(ticker);
    }
  });

  it('ranks exactly as the blocking build does', async () => {
    const blocking = createKnowledgeIndex(many);
    const sliced = await createKnowledgeIndexAsync(many, {}, { sliceMs: 0 });
    for (const query of ['return order 17', '订单 42 退货', 'order 3']) {
      expect(sliced.search(query, { limit: 5 })).toEqual(blocking.search(query, { limit: 5 }));
    }
  });
});

describe('alternate phrasings (issue 14)', () => {
  const withPhrasings = (id: string, title: string, body: string, phrasings: string[]): KnowledgeEntry => ({
    ...entry(id, title, body),
    phrasings,
  });
  const entries = [
    withPhrasings('returns', 'How do I return an item?', 'Start a return from your orders page within 30 days.', [
      'My kettle arrived broken, what can I do?',
      'Can I send something back?',
    ]),
    entry('countries', 'Which countries do you ship to?', 'We deliver to the United States, Canada and Europe.'),
    entry('kettle', 'How do I descale the kettle?', 'Fill it with water and vinegar, boil, rinse.'),
    entry('broken', 'What if my parcel is lost?', 'Tell us and we send a new one or refund you.'),
  ];
  const index = createKnowledgeIndex(entries);

  it('retrieves the entry by a phrasing that shares no word with its question', () => {
    const [hit] = index.search('my kettle arrived broken, what can i do');
    expect(hit?.entry.id).toBe('returns');
    // The phrasing is a question field: a near-exact match is as sure as matching the title.
    expect(hit?.confidence).toBeGreaterThan(0.6);
    expect(index.search('can i send something back')[0]?.entry.id).toBe('returns');
  });

  it('is the same entry once, however many of its phrasings match', () => {
    const hits = index.search('send back broken kettle arrived', { limit: 10 });
    expect(hits.filter((h) => h.entry.id === 'returns')).toHaveLength(1);
  });

  it('leaves the scores of entries without phrasings as they were', () => {
    const plain = createKnowledgeIndex(entries.map(({ phrasings: _, ...rest }) => rest));
    const query = 'which countries do you deliver to';
    const a = index.search(query, { limit: 10 }).find((h) => h.entry.id === 'countries');
    const b = plain.search(query, { limit: 10 }).find((h) => h.entry.id === 'countries');
    expect(a?.entry.id).toBe('countries');
    expect(a!.score).toBeGreaterThan(0);
    // Only the IDFs move (the phrasings add words to one entry); the rank holds.
    expect(index.search(query)[0]?.entry.id).toBe(plain.search(query)[0]?.entry.id);
  });

  it('builds in slices with the same ranking', async () => {
    const sliced = await createKnowledgeIndexAsync(entries, {}, { sliceMs: 0 });
    expect(sliced.search('can i send something back')).toEqual(index.search('can i send something back'));
  });
});
