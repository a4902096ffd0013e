/**
 * What the offline responder's confidence threshold costs: for each threshold, the share of
 * questions it answers (answer rate) and the share of those answers that are right (precision),
 * and the threshold that answers the most questions while keeping precision at or above a target
 * (90% by default: an offline answer is an entry's text verbatim, with no model to notice it
 * answers another question, so a wrong one is worse than "let me find a person").
 */

/** One question: the confidence of the entry the responder would give, and whether it is gold. */
export interface ScoredAnswer {
  confidence: number;
  right: boolean;
  /**
   * The best top hit of the question's clauses asked alone (offline-responder.ts, questionClauses):
   * given at a threshold the whole question's top hit does not reach and it does.
   */
  clause?: { confidence: number; right: boolean };
  /** A question the knowledge cannot answer (`"gold": []`): any answer is wrong, declining is right. */
  unanswerable?: boolean;
}

export interface SweepPoint {
  threshold: number;
  /** Answered questions / all questions. */
  answerRate: number;
  /** Right answers / answered questions; null when none is answered. */
  precision: number | null;
  answered: number;
  right: number;
  /** Unanswerable questions not answered: the right outcome for them. */
  declined: number;
}

export interface Sweep {
  n: number;
  /** Of the n, questions the knowledge cannot answer. */
  unanswerable: number;
  /** Thresholds 0, 0.01, …, 1 (answer when confidence ≥ threshold). */
  curve: SweepPoint[];
  /** The lowest threshold giving the most answers at ≥ `minPrecision`; null when none reaches it. */
  best: SweepPoint | null;
  minPrecision: number;
}

/** Thresholds on a 0.01 grid: what an operator would write in the setting. */
export const SWEEP_STEPS = 100;

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

export function sweepThreshold(answers: readonly ScoredAnswer[], { minPrecision = 0.9 } = {}): Sweep {
  const n = answers.length;
  const curve: SweepPoint[] = [];
  for (let step = 0; step <= SWEEP_STEPS; step++) {
    const threshold = step / SWEEP_STEPS;
    let answered = 0;
    let right = 0;
    let declined = 0;
    // The same comparison as the responder's (`confidence < threshold` is "not found"), with a
    // hair of tolerance so 0.29999… counts at 0.3, as the printed confidence would suggest.
    const reaches = (candidate?: { confidence: number }) => !!candidate && candidate.confidence + 1e-9 >= threshold;
    for (const a of answers) {
      const given = reaches(a) ? a : reaches(a.clause) ? a.clause! : null;
      if (!given) {
        if (a.unanswerable) declined++;
        continue;
      }
      answered++;
      if (given.right && !a.unanswerable) right++;
    }
    curve.push({ threshold, answerRate: n ? round(answered / n) : 0, precision: answered ? round(right / answered) : null, answered, right, declined });
  }
  let best: SweepPoint | null = null;
  for (const point of curve) {
    // Unrounded: 0.8996 must not pass as 0.900.
    if (point.answered === 0 || point.right / point.answered < minPrecision) continue;
    if (!best || point.answered > best.answered) best = point;
  }
  return { n, unanswerable: answers.filter((a) => a.unanswerable).length, curve, best, minPrecision };
}
