import { describe, expect, it } from 'vitest';
import { compareWithSynonyms } from '../analyzer.js';
import { groupGaps } from './gap-groups.js';
import { createQuestionSimilarity } from './similarity.js';

describe('grouping knowledge gaps', () => {
  it('counts the same question in other words once, most asked first', () => {
    const similarity = createQuestionSimilarity(compareWithSynonyms, [
      'Which countries do you ship to?',
      'How long does shipping take?',
      'How much does shipping cost?',
      'How do I return an item?',
      'How long is the warranty?',
      'My order arrived damaged',
      'How do I reset my password?',
      'Can I change my order?',
    ]);
    const gap = (question: string, count: number, lastAskedAt: number) => ({ question, count, lastAskedAt, conversationId: `c${lastAskedAt}` });
    const groups = groupGaps(
      [
        gap('Do you ship to Canada?', 2, 10),
        gap('my kettle arrived broken, what can I do?', 1, 20),
        gap('kettle came broken', 1, 30),
        gap('The kettle I got arrived broken. What should I do?', 1, 25),
        gap('Can I get my order shipped to Canada?', 1, 5),
        gap('Do you ship to Mexico?', 1, 40),
      ],
      similarity,
    );
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['kettle came broken', 3],
      ['Do you ship to Canada?', 3],
      ['Do you ship to Mexico?', 1],
    ]);
    expect(groups[0]).toMatchObject({ lastAskedAt: 30, conversationId: 'c30' });
    expect(groups[0]!.variants.sort()).toEqual(['The kettle I got arrived broken. What should I do?', 'my kettle arrived broken, what can I do?']);
  });

  it('counts a Chinese question asked in other words once (a zh-CN team\'s gaps)', () => {
    const similarity = createQuestionSimilarity(compareWithSynonyms, ['怎么退货？', '运费多少钱？', '发货要多久？', '支持哪些支付方式？']);
    const gap = (question: string, count: number, lastAskedAt: number) => ({ question, count, lastAskedAt, conversationId: `c${lastAskedAt}` });
    const groups = groupGaps(
      [
        gap('你们支持货到付款吗？', 3, 10),
        gap('可以货到付款吗', 2, 20),
        gap('能开发票吗？', 1, 30),
        gap('可以开发票吗？', 1, 35),
        gap('你们支持分期付款吗？', 1, 40),
      ],
      similarity,
    );
    expect(groups.map((g) => [g.question, g.count])).toEqual([
      ['你们支持货到付款吗？', 5],
      ['可以开发票吗？', 2],
      ['你们支持分期付款吗？', 1],
    ]);
  });
});
