import { describe, expect, it } from 'vitest';
import { sweepThreshold } from './sweep.js';

describe('the answer threshold sweep', () => {
  const answers = [
    { confidence: 0.9, right: true },
    { confidence: 0.8, right: true },
    { confidence: 0.7, right: true },
    { confidence: 0.6, right: false },
    { confidence: 0.5, right: true },
    { confidence: 0.3, right: true },
    { confidence: 0.2, right: false },
    { confidence: 0.1, right: false },
    { confidence: -1, right: false }, // no hit at all: never answered
    { confidence: 0.3, right: true },
  ];

  it('gives answer rate and precision at every threshold on a 0.01 grid, answering at confidence ≥ threshold', () => {
    const { curve, n } = sweepThreshold(answers);
    expect(n).toBe(10);
    expect(curve).toHaveLength(101);
    expect(curve[0]).toMatchObject({ threshold: 0, answered: 9, answerRate: 0.9, precision: 0.667 });
    expect(curve[30]).toMatchObject({ threshold: 0.3, answered: 7, answerRate: 0.7, precision: 0.857 });
    expect(curve[31]).toMatchObject({ answered: 5, precision: 0.8 });
    expect(curve[61]).toMatchObject({ answered: 3, precision: 1 });
    expect(curve[100]).toMatchObject({ answered: 0, answerRate: 0, precision: null });
  });

  it("gives a clause's answer where the whole question's top hit is under the threshold and the clause's is not, as the responder does", () => {
    const { curve } = sweepThreshold([
      // Whole wrong and sure: the whole answers wherever it can, whatever its clause.
      { confidence: 0.8, right: false, clause: { confidence: 0.9, right: true } },
      // Whole unsure, clause sure and right.
      { confidence: 0.2, right: false, clause: { confidence: 0.6, right: true } },
    ]);
    expect(curve[10]).toMatchObject({ answered: 2, right: 0 }); // both wholes
    expect(curve[50]).toMatchObject({ answered: 2, right: 1 }); // the first whole, the second's clause
    expect(curve[70]).toMatchObject({ answered: 1, right: 0 }); // the first whole only
    expect(curve[85]).toMatchObject({ answered: 1, right: 1 }); // the first's clause only
    expect(curve[95]).toMatchObject({ answered: 0 });
  });

  it('picks the lowest threshold with the most answers at the precision asked', () => {
    expect(sweepThreshold(answers).best).toMatchObject({ threshold: 0.61, answered: 3 });
    // At 80%, 0.5 answers 5 (4 right) and 0.3 answers 7 (6 right, 85.7%).
    expect(sweepThreshold(answers, { minPrecision: 0.8 }).best).toMatchObject({ threshold: 0.21, answered: 7 });
  });

  it('compares precision unrounded, and says when no threshold reaches it', () => {
    // 899 right of 1000 is 89.9%: rounds to 0.899, and 8996/10000 would round to 0.9.
    const many = Array.from({ length: 10_000 }, (_, i) => ({ confidence: 0.5, right: i < 8996 }));
    expect(sweepThreshold(many).best).toBeNull();
    expect(sweepThreshold([]).best).toBeNull();
  });

  it('counts a question the knowledge cannot answer as right only when it is not answered', () => {
    const unanswerable = [
      { confidence: 0.9, right: false, unanswerable: true },
      { confidence: 0.2, right: false, unanswerable: true },
      { confidence: 0.8, right: true },
    ];
    const { curve, unanswerable: count } = sweepThreshold(unanswerable);
    expect(count).toBe(2);
    expect(curve[0]).toMatchObject({ answered: 3, right: 1, precision: 0.333, declined: 0 });
    expect(curve[50]).toMatchObject({ answered: 2, right: 1, precision: 0.5, declined: 1 });
    expect(curve[95]).toMatchObject({ answered: 0, declined: 2 });
  });
});
