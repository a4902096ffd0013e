import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeDir, parseMarkdown } from './markdown-source.js';
import { createSlugger, slugify } from './slug.js';

const fixtures = path.resolve(import.meta.dirname, '../../test/fixtures/knowledge');

describe('loadKnowledgeDir', async () => {
  const { entries, warnings } = await loadKnowledgeDir(fixtures);
  const byId = new Map(entries.map((e) => [e.id, e]));

  it('loads Markdown, JSON, JSON Lines and CSV, and nothing else', () => {
    const files = new Set(entries.map((e) => e.id.split('#')[0]));
    expect([...files].sort()).toEqual([
      'en/about.md',
      'en/shipping.md',
      'en/warranty.md',
      'faq/general.json',
      'faq/more.jsonl',
      'faq/products.csv',
      'zh/refunds.md',
      'zh/warranty.md',
    ]);
    expect(entries).toHaveLength(22);
  });

  it('returns entries in a stable order (sorted paths, then file order)', async () => {
    const again = await loadKnowledgeDir(fixtures);
    expect(again.entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
    expect(entries.slice(1, 4).map((e) => e.title)).toEqual([
      'How long does shipping take?',
      'Which countries do you ship to?',
      'How do I track my order?',
    ]);
  });

  it('turns each ## section of an article into an entry with the front matter', () => {
    expect(byId.get('en/shipping.md#how-long-does-shipping-take')).toEqual({
      id: 'en/shipping.md#how-long-does-shipping-take',
      title: 'How long does shipping take?',
      body: expect.stringMatching(/^Standard shipping takes \*\*3–5 business days\*\*[\s\S]*1–2 business days\.$/),
      lang: 'en',
      url: '/help/shipping',
      tags: ['shipping', 'delivery', 'tracking'],
      document: 'Shipping and delivery',
    });
  });

  it('keeps ### subsections and code blocks inside their section', () => {
    expect(byId.get('en/shipping.md#how-do-i-track-my-order')!.body).toContain('### Tracking has not updated');
    const address = byId.get('en/shipping.md#can-i-change-my-delivery-address')!;
    expect(address.body).toContain('## This is not a heading');
    expect(address.body).toContain('After it is packed');
  });

  it('dedupes repeated headings with -2, in English and Chinese', () => {
    expect(byId.get('en/shipping.md#can-i-change-my-delivery-address-2')!.body).toMatch(/second section/);
    expect(byId.get('zh/refunds.md#运费能退吗')!.body).toMatch(/质量问题/);
    expect(byId.get('zh/refunds.md#运费能退吗-2')!.body).toMatch(/重复/);
  });

  it('detects the language when lang is missing and accepts zh-CN', () => {
    expect(byId.get('zh/refunds.md#退款多久到账')!.lang).toBe('zh');
    expect(byId.get('zh/warranty.md#保修期多长')!.lang).toBe('zh');
    expect(byId.get('en/warranty.md#how-long-is-the-warranty')!.lang).toBe('en');
  });

  it('reads quoted values, [list] tags and full-width commas in front matter', () => {
    const warranty = byId.get('en/warranty.md#how-long-is-the-warranty')!;
    expect(warranty.document).toBe('Warranty');
    expect(warranty.tags).toEqual(['warranty', 'repair']);
    expect(byId.get('zh/refunds.md#钱会退到哪里')!.tags).toEqual(['退款', '到账']);
  });

  it('makes an article without sections one entry named after its title', () => {
    expect(byId.get('en/about.md#about-lumen-store')).toMatchObject({
      title: 'About Lumen Store',
      body: expect.stringMatching(/^Lumen Store sells desk lamps/),
    });
  });

  it('skips README.md, hidden folders and the intro of a sectioned article', () => {
    expect(entries.some((e) => /README|\.hidden/.test(e.id))).toBe(false);
    expect(entries.some((e) => e.body.includes('Everything about getting your order'))).toBe(false);
  });

  it('loads FAQ rows with ids, tags, urls and detected languages', () => {
    expect(byId.get('faq/general.json#payment-methods')).toMatchObject({
      title: 'What payment methods do you accept?',
      url: '/help/payment',
      tags: ['payment', 'cards'],
      lang: 'en',
      document: 'general.json',
    });
    expect(byId.get('faq/general.json#do-you-offer-gift-cards')!.tags).toEqual(['gift cards', 'payment']);
    expect(byId.get('faq/general.json#可以开发票吗')!.lang).toBe('zh');
    expect(byId.get('faq/more.jsonl#7')!.title).toBe('Can I cancel my order?');
    expect(byId.get('faq/products.csv#how-do-i-reset-the-lumen-desk-lamp')).toMatchObject({
      body: 'Hold the power button for 10 seconds.\nThe light blinks twice when the reset is done.',
      url: '/help/lamp',
      tags: ['lamp', 'reset'],
    });
    expect(byId.get('faq/products.csv#what-bulbs-fit-the-lamp')).toMatchObject({ url: undefined, tags: [] });
  });

  it('reports every bad row or section with file:line instead of throwing', () => {
    expect(warnings).toEqual([
      'en/shipping.md:47: section "Empty section" has no text, skipped',
      'faq/general.json:14: question: must not be empty',
      'faq/general.json:22: duplicate id "payment-methods", row skipped',
      expect.stringMatching(/^faq\/more\.jsonl:2: invalid JSON/),
      'faq/more.jsonl:3: lang: must be "en" or "zh"',
      expect.stringMatching(/^faq\/products\.csv:5: .*Record Length/),
      'faq/products.csv:6: question: must not be empty',
    ]);
  });

  it('rejects a folder that does not exist', async () => {
    await expect(loadKnowledgeDir(path.join(fixtures, 'missing'))).rejects.toThrow(/ENOENT/);
  });
});

describe('parseMarkdown', () => {
  it('warns about an unknown lang and falls back to detection', () => {
    const { entries, warnings } = parseMarkdown('---\nlang: fr\n---\n# 配送\n\n## 多久发货？\n\n下单后 24 小时内发货。\n', 'x.md');
    expect(entries).toMatchObject([{ id: 'x.md#多久发货', lang: 'zh', document: '配送', url: undefined, tags: [] }]);
    expect(warnings).toEqual(['x.md:2: lang "fr" is not "en" or "zh"; detected from the text']);
  });

  it('reads a file without front matter or title, with CRLF line endings', () => {
    const { entries } = parseMarkdown('## Opening hours\r\n\r\nEvery day, 9:00–18:00.\r\n', 'dir/hours.md');
    expect(entries).toEqual([
      expect.objectContaining({ id: 'dir/hours.md#opening-hours', body: 'Every day, 9:00–18:00.', document: 'hours' }),
    ]);
  });

  it('warns about an unclosed front matter and an empty file', () => {
    expect(parseMarkdown('---\ntitle: x\n\n## A\n\nB\n', 'a.md').warnings).toEqual([
      'a.md:1: front matter is not closed with "---"; read as text',
    ]);
    expect(parseMarkdown('', 'e.md')).toEqual({ entries: [], warnings: ['e.md:1: no content'] });
  });
});

describe('slugs', () => {
  it('follow GitHub anchors and keep Han characters', () => {
    expect(slugify('How do I return an item?')).toBe('how-do-i-return-an-item');
    expect(slugify("What's new in 2.0")).toBe('whats-new-in-20');
    expect(slugify('退款多久到账？')).toBe('退款多久到账');
    expect(slugify('iPhone 退货 / 换货')).toBe('iphone-退货--换货');
    expect(slugify('???')).toBe('section');
  });

  it('dedupe with -2, -3 and never hand out a claimed id', () => {
    const slugger = createSlugger();
    expect(slugger.claim('faq-2')).toBe(true);
    expect(['FAQ', 'faq', 'Faq'].map((t) => slugger.slug(t))).toEqual(['faq', 'faq-3', 'faq-4']);
    expect(slugger.claim('faq')).toBe(false);
  });
});

describe('alternate phrasings and per-entry fields (issue 14)', () => {
  it('reads "Also asked:" lines under a heading as phrasings, not answer text', () => {
    const md = [
      '---',
      'title: Shipping',
      'lang: en',
      'url: /help/shipping',
      'tags: shipping',
      '---',
      '## Which countries do you ship to?',
      'Also asked: Can you deliver to my country?',
      'also asked:   Do you send parcels abroad?  ',
      '',
      'We deliver to more than 40 countries.',
      'Also asked: this line is part of the answer.',
      '## 多久能到？',
      '其他问法：几天能收到？',
      'Lang: zh',
      'Tags: 物流, 快递',
      'URL: /help/zh-shipping',
      '',
      '三到五天。',
    ].join('\n');
    const { entries, warnings } = parseMarkdown(md, 'en/shipping.md');
    expect(warnings).toEqual([]);
    expect(entries[0]).toMatchObject({
      title: 'Which countries do you ship to?',
      phrasings: ['Can you deliver to my country?', 'Do you send parcels abroad?'],
      body: 'We deliver to more than 40 countries.\nAlso asked: this line is part of the answer.',
      lang: 'en',
      url: '/help/shipping',
      tags: ['shipping'],
    });
    expect(entries[1]).toMatchObject({
      title: '多久能到？',
      phrasings: ['几天能收到？'],
      body: '三到五天。',
      lang: 'zh',
      url: '/help/zh-shipping',
      tags: ['物流', '快递'],
    });
  });

  it('leaves entries without phrasings without the field', () => {
    const { entries } = parseMarkdown('## Q?\nA.', 'a.md');
    expect(entries[0]).not.toHaveProperty('phrasings');
  });

  it('warns about a bad per-entry lang', () => {
    const { entries, warnings } = parseMarkdown('---\nlang: en\n---\n## Q?\nLang: fr\nA.', 'a.md');
    expect(entries[0]?.lang).toBe('en');
    expect(warnings).toEqual(['a.md:5: lang "fr" is not "en" or "zh"; the file\'s is used']);
  });
});
