import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadKnowledgeDir } from '../markdown-source.js';
import { createGoldResolver } from './gold.js';

const folder = path.resolve(import.meta.dirname, '../../../test/fixtures/eval-knowledge/knowledge');

describe('gold named FILE#HEADING, against the server\'s loader', () => {
  it('names an article section by its heading and an FAQ row by its question, as written', async () => {
    const gold = createGoldResolver((await loadKnowledgeDir(folder)).entries);
    expect(gold.resolve('en/returns.md#How do I return an item?')).toEqual(['en/returns.md#how-do-i-return-an-item']);
    expect(gold.resolve('en/faq.csv#Do you ship outside the country?')).toEqual(['en/faq.csv#shipping-abroad']);
    expect(gold.resolve('en/faq.csv#How long does delivery take?')).toEqual(['en/faq.csv#how-long-does-delivery-take']);
  });

  it('takes extra spaces and another letter case, and the entry ids themselves', async () => {
    const gold = createGoldResolver((await loadKnowledgeDir(folder)).entries);
    expect(gold.resolve('en/returns.md#  how do I  return an item? ')).toEqual(['en/returns.md#how-do-i-return-an-item']);
    expect(gold.resolve('en/faq.csv#shipping-abroad')).toEqual(['en/faq.csv#shipping-abroad']);
    expect(gold.resolve('en/faq.csv#how-long-does-delivery-take')).toEqual(['en/faq.csv#how-long-does-delivery-take']);
  });

  it('makes every section under a repeated heading gold', async () => {
    const gold = createGoldResolver((await loadKnowledgeDir(folder)).entries);
    expect(gold.resolve('en/returns.md#What if my item arrived damaged?')).toEqual([
      'en/returns.md#what-if-my-item-arrived-damaged',
      'en/returns.md#what-if-my-item-arrived-damaged-2',
    ]);
  });

  it('refuses a name that matches no entry, saying what the file holds', async () => {
    const gold = createGoldResolver((await loadKnowledgeDir(folder)).entries);
    expect(() => gold.resolve('en/returns.md#How do I exchange an item?')).toThrow(/no entry with that heading in en\/returns.md.*"How do I return an item\?"/);
    expect(() => gold.resolve('en/refunds.md#How do I return an item?')).toThrow(/no entries from a file "en\/refunds.md".*en\/faq.csv/);
  });
});
