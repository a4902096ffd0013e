import { describe, expect, it } from 'vitest';
import { parseFaqFile } from './faq-source.js';

describe('FAQ phrasings (issue 14)', () => {
  it('reads phrasings as a JSON list', () => {
    const json = JSON.stringify([{ question: 'Do you ship to Canada?', answer: 'Yes.', phrasings: ['Can I order from Toronto?', ' '] }]);
    const { entries, warnings } = parseFaqFile(json, 'faq.json', 'json');
    expect(warnings).toEqual([]);
    expect(entries[0]?.phrasings).toEqual(['Can I order from Toronto?']);
  });

  it('reads phrasings separated by | in a CSV cell (commas belong to the questions)', () => {
    const csv = 'question,answer,phrasings\n"Do you ship to Canada?",Yes.,"Can I order from Toronto, Ontario? | Do you deliver up north?"\nQ2?,A2.,\n';
    const { entries } = parseFaqFile(csv, 'faq.csv', 'csv');
    expect(entries[0]?.phrasings).toEqual(['Can I order from Toronto, Ontario?', 'Do you deliver up north?']);
    expect(entries[1]).not.toHaveProperty('phrasings');
  });

  it('reports a phrasings field of the wrong type with its line', () => {
    const { entries, warnings } = parseFaqFile('{"question":"Q?","answer":"A.","phrasings":3}\n', 'faq.jsonl', 'jsonl');
    expect(entries).toEqual([]);
    expect(warnings[0]).toMatch(/^faq\.jsonl:1: phrasings: /);
  });
});
