import { describe, expect, it } from 'vitest';
import { SEGMENT_CHUNK, analyze, termWeight } from './tokenizer.js';

describe('analyze (English)', () => {
  it('keeps content words, drops function words, and stems', () => {
    expect(analyze('How do I return my iPhone? It arrived broken.')).toEqual(['return', 'iphon', 'arriv', 'broken']);
  });

  it('maps inflections of a word to one term', () => {
    const [a, b, c] = ['refunds', 'refunded', 'refunding'].map((w) => analyze(w));
    expect(a).toEqual(['refund']);
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('keeps numbers and negations, and folds apostrophes', () => {
    expect(analyze("Why doesn't my order #4521 ship in 2 days?")).toEqual(['why', 'doesnt', 'order', '4521', 'ship', '2', 'dai']);
    expect(analyze('not working')).toContain('not');
  });

  it('normalises full-width characters and case (NFKC)', () => {
    expect(analyze('ＡＢＣ１２３ Refund')).toEqual(['abc123', 'refund']);
  });

  it('returns nothing for punctuation, emoji or stopwords only', () => {
    expect(analyze('?!… 👍')).toEqual([]);
    expect(analyze('how can I do this')).toEqual([]);
  });
});

describe('analyze (Chinese)', () => {
  it('emits segmenter words, characters and the bigrams of each Han run', () => {
    const terms = analyze('退款多久到账？');
    // Words the segmenter knows
    expect(terms).toEqual(expect.arrayContaining(['退款', '多久', '到账']));
    // Every bigram, including across word boundaries
    expect(terms).toEqual(expect.arrayContaining(['退款', '款多', '多久', '久到', '到账']));
    // Single characters
    expect(terms).toEqual(expect.arrayContaining(['退', '款', '到', '账']));
    expect(terms.join('')).not.toMatch(/？/);
  });

  it('finds words the dictionary misses through bigrams', () => {
    // ICU splits 花呗 (Alipay's credit product) into 花|呗; the bigram keeps it whole.
    expect(analyze('花呗分期可以提前还款吗')).toContain('花呗');
    expect(analyze('保修期多长？')).toContain('保修');
  });

  it('drops particles as words and characters but keeps bigrams that contain them', () => {
    const terms = analyze('可以提前还款吗');
    expect(terms).not.toContain('吗');
    expect(terms).toContain('款吗');
  });

  it('drops conjunctions and prepositions as they drop in English', () => {
    const terms = analyze('信用分跟花呗和借呗有关吗，从银行卡给我退款');
    for (const word of ['跟', '和', '从', '给']) expect(terms).not.toContain(word);
    expect(terms).toEqual(expect.arrayContaining(['信用', '花呗', '借呗', '银行', '退款']));
  });

  it('drops the bigrams inside a stopword of several characters, wherever the segmenter cut it', () => {
    const terms = analyze('台灯坏了怎么办');
    expect(terms).not.toContain('怎么');
    expect(terms).not.toContain('么办');
    // The bigram across its edge stays: dropping characters first would invent 坏怎.
    expect(terms).toEqual(expect.arrayContaining(['台灯', '坏了', '了怎']));
    expect(terms).not.toContain('坏怎');
  });

  it('keeps offsets right around characters outside the basic plane', () => {
    // 𠮷 is two UTF-16 units: the segmenter's offsets and the characters must still line up.
    expect(analyze('𠮷怎么办退款')).toEqual(analyze('𠮷怎么办退款'));
    expect(analyze('𠮷怎么办退款')).toEqual(expect.arrayContaining(['退款', '𠮷怎']));
    expect(analyze('𠮷怎么办退款')).not.toContain('么办');
  });

  it('analyses a long unbroken Han run piece by piece without losing characters or bigrams', () => {
    // ICU slows down sharply on runs of tens of thousands of characters, so words are found in
    // pieces; characters and bigrams still come from the whole run, across the pieces' edges.
    const unit = '退款多久到账花呗𠮷';
    const run = unit.repeat(2000); // 18,000 characters, 20,000 UTF-16 units
    const terms = analyze(run);
    const count = (term: string) => terms.filter((t) => t === term).length;
    expect(count('账花')).toBe(2000);
    expect(count('𠮷退')).toBe(1999);
    // A piece never ends inside a character outside the basic plane (two UTF-16 units): here the
    // first piece's edge falls in the middle of 𠮷, which must still come out as a word too.
    const straddling = analyze(`${'退'.repeat(SEGMENT_CHUNK - 1)}𠮷${'退'.repeat(10)}`);
    expect(straddling.filter((t) => t === '𠮷').length).toBe(analyze('退𠮷退').filter((t) => t === '𠮷').length);
    // Words are found all along the run (as word and as bigram: twice per unit), bar one cut at an edge.
    expect(count('退款')).toBeGreaterThanOrEqual(2 * 2000 - 10);
    expect(count('多久')).toBeGreaterThanOrEqual(2 * 2000 - 10);
  });

  it('lets two phrasings of one question share most of their terms', () => {
    const a = new Set(analyze('退款多久能到账？'));
    const b = analyze('退款多久到账');
    const shared = b.filter((t) => a.has(t));
    expect(shared.length / b.length).toBeGreaterThan(0.8);
  });

  it('handles mixed Chinese, English and numbers', () => {
    const terms = analyze('iPhone 15 退货要运费吗？7天无理由');
    expect(terms).toEqual(expect.arrayContaining(['iphon', '15', '退货', '运费', '7', '理由']));
    expect(terms).not.toContain('iPhone');
  });

  it('analyses traditional characters as their simplified forms', () => {
    expect(analyze('花唄還款麼？帳號綁定')).toEqual(analyze('花呗还款么？帐号绑定'));
    expect(analyze('發貨')).toContain('发货');
  });

  it('normalises full-width digits inside Chinese text', () => {
    expect(analyze('订单１２３退款')).toEqual(expect.arrayContaining(['123', '订单', '退款']));
  });
});

describe('termWeight', () => {
  it('halves Chinese terms of two or more characters, which repeat what their characters say', () => {
    expect(termWeight('花呗')).toBe(0.5);
    expect(termWeight('银行卡')).toBe(0.5);
    expect(termWeight('花')).toBe(1);
    // An extension-B character is two UTF-16 units but one character.
    expect(termWeight('𠀀')).toBe(1);
  });

  it('leaves English words, numbers and synonym concepts at full weight', () => {
    for (const term of ['refund', 'iphon', '15', '≈12']) expect(termWeight(term)).toBe(1);
  });
});
