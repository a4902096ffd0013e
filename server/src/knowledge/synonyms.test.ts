import { describe, expect, it } from 'vitest';
import { analyzeWithSynonyms, createAnalyzer, createThesaurus } from './analyzer.js';
import { parseSynonyms, SYNONYM_LIMITS, Thesaurus } from './synonyms.js';
import { normalizeText } from './tokenizer.js';

const concepts = (thesaurus: Thesaurus, text: string) => thesaurus.conceptsIn(normalizeText(text));

describe('parseSynonyms', () => {
  it('reads one group per line, with ASCII, full-width and enumeration commas, and comments', () => {
    const { groups, warnings } = parseSynonyms('# pay off\n还清, 还完，还上、付清\n\nrefund , money  back # inline\n');
    expect(groups).toEqual([
      ['还清', '还完', '还上', '付清'],
      ['refund', 'money back'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('warns with file and line about a group it cannot use, and keeps the rest', () => {
    const long = 'x'.repeat(SYNONYM_LIMITS.memberChars + 1);
    const { groups, warnings } = parseSynonyms(`only-one\nshipping, delivery\na, ${long}\nb, b`, 'kb/synonyms.txt');
    expect(groups).toEqual([['shipping', 'delivery']]);
    expect(warnings).toEqual([
      'kb/synonyms.txt:1: a synonym group needs at least two members, separated by commas',
      expect.stringMatching(/^kb\/synonyms\.txt:3: .* longer than 40 characters/),
      'kb/synonyms.txt:4: a synonym group needs at least two members, separated by commas',
    ]);
  });

  it('stops at the group limit and says how many it ignored', () => {
    const text = Array.from({ length: SYNONYM_LIMITS.groups + 3 }, (_, i) => `a${i}, b${i}`).join('\n');
    const { groups, warnings } = parseSynonyms(text);
    expect(groups).toHaveLength(SYNONYM_LIMITS.groups);
    expect(warnings).toEqual([`synonyms.txt: more than ${SYNONYM_LIMITS.groups} groups; the last 3 were ignored`]);
  });
});

describe('Thesaurus', () => {
  const thesaurus = new Thesaurus([
    ['还清', '还完'],
    ['取消', '关闭'],
    ['解绑', '取消绑定'],
    ['refund', 'money back'],
  ]);

  it('gives every member of a group the same concept, inside longer Chinese text', () => {
    expect(concepts(thesaurus, '我已经还清了')).toEqual(['≈0']);
    expect(concepts(thesaurus, '花呗还完了吗')).toEqual(['≈0']);
    expect(concepts(thesaurus, '怎么关闭自动还款，还清以后')).toEqual(['≈1', '≈0']);
    expect(concepts(thesaurus, '花呗app还清了，refund呢')).toEqual(['≈0', '≈3']);
  });

  it('prefers the longest member: 取消绑定 is unbind, not cancel', () => {
    expect(concepts(thesaurus, '怎么取消绑定银行卡')).toEqual(['≈2']);
    expect(concepts(thesaurus, '怎么取消订单')).toEqual(['≈1']);
  });

  it('matches traditional characters and English inflections', () => {
    expect(concepts(thesaurus, '還清')).toEqual(['≈0']);
    expect(concepts(thesaurus, 'Refunds take how long?')).toEqual(['≈3']);
    expect(concepts(thesaurus, 'I want my MONEY BACK')).toEqual(['≈3']);
  });

  it('never matches across punctuation', () => {
    expect(concepts(thesaurus, 'money. Back then')).toEqual([]);
    expect(concepts(thesaurus, '还，清')).toEqual([]);
  });

  it('lets a later group take over a member listed twice (the company file comes last)', () => {
    const overridden = new Thesaurus([['关闭', '取消'], ['关闭', '停用']]);
    expect(concepts(overridden, '关闭')).toEqual(['≈1']);
    expect(concepts(overridden, '取消')).toEqual(['≈0']);
  });
});

describe('analyzers', () => {
  it('add the concept to the terms, so two wordings share it', () => {
    const a = new Set(analyzeWithSynonyms('花呗怎么还完'));
    const shared = analyzeWithSynonyms('花呗如何还清').filter((term) => term.startsWith('≈') && a.has(term));
    expect(shared).toHaveLength(1);
  });

  it("use the company's groups after the built-in ones", () => {
    const analyze = createAnalyzer(createThesaurus([['lumen', 'desk lamp']]));
    const concept = analyze('Lumen').find((t) => t.startsWith('≈'));
    expect(concept).toBeDefined();
    expect(analyze('my desk lamp')).toContain(concept);
    expect(analyzeWithSynonyms('my desk lamp').some((t) => t.startsWith('≈'))).toBe(false);
  });
});
