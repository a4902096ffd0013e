import type { ReportSummary } from '@support-chat/shared';
import type { ConversationFacts, Store } from '../store/types.js';
import { dayKey, nextDay, startOfDay } from '../time/zoned.js';

/**
 * A conversation the AI handled alone counts as finished when it was closed, or when nobody wrote
 * in it for this long: visitors rarely "close" a chat, they just leave once answered.
 */
export const IDLE_FINISHED_MS = 30 * 60 * 1000;

export interface ReportRange {
  /** First day, `YYYY-MM-DD`, inclusive. */
  fromDay: string;
  /** Last day, `YYYY-MM-DD`, inclusive. */
  toDay: string;
  timeZone: string;
}

/** The range as instants: [start of the first day, start of the day after the last) in its time zone. */
export function rangeBounds(range: ReportRange): { from: number; to: number } {
  return { from: startOfDay(range.fromDay, range.timeZone), to: startOfDay(nextDay(range.toDay), range.timeZone) };
}

function quantile(sorted: number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * q;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * (position - lower);
}

const ratio = (part: number, whole: number): number | null => (whole === 0 ? null : part / whole);

function finished(facts: ConversationFacts, now: number): boolean {
  const c = facts.conversation;
  return c.status === 'closed' || (c.status === 'bot' && now - c.updatedAt >= IDLE_FINISHED_MS);
}

/** AI-resolved: finished without ever going to a person. */
function aiResolved(facts: ConversationFacts, now: number): boolean {
  return finished(facts, now) && !facts.conversation.humanInvolved && facts.handedOffAt === null;
}

/** The figures the admin reports page shows, computed from stored conversations and messages. */
export async function buildReport(store: Store, range: ReportRange, now: number): Promise<ReportSummary> {
  const { from, to } = rangeBounds(range);
  const [facts, answerRatings, knowledgeGaps] = await Promise.all([
    store.reportFacts(from, to),
    store.answerFeedbackCounts(from, to),
    store.knowledgeGaps(from, to, 20),
  ]);

  const days = new Map<string, { total: number; aiResolved: number; handedOff: number }>();
  for (let day = range.fromDay; day <= range.toDay; day = nextDay(day)) {
    days.set(day, { total: 0, aiResolved: 0, handedOff: 0 });
  }
  const responseSeconds: number[] = [];
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let ratingSum = 0;
  let ratings = 0;
  let closed = 0;
  let resolvedByAi = 0;
  let handedOff = 0;

  for (const f of facts) {
    const bucket = days.get(dayKey(f.conversation.createdAt, range.timeZone));
    const resolved = aiResolved(f, now);
    if (finished(f, now)) closed++;
    if (resolved) resolvedByAi++;
    if (f.handedOffAt !== null) handedOff++;
    if (bucket) {
      bucket.total++;
      if (resolved) bucket.aiResolved++;
      if (f.handedOffAt !== null) bucket.handedOff++;
    }
    if (f.handedOffAt !== null && f.firstAgentReplyAt !== null && f.firstAgentReplyAt >= f.handedOffAt) {
      responseSeconds.push((f.firstAgentReplyAt - f.handedOffAt) / 1000);
    }
    const score = f.conversation.rating?.score;
    if (score) {
      distribution[String(score) as keyof typeof distribution]++;
      ratingSum += score;
      ratings++;
    }
  }
  responseSeconds.sort((a, b) => a - b);

  return {
    from,
    to,
    timeZone: range.timeZone,
    conversationsPerDay: [...days].map(([day, counts]) => ({ day, ...counts })),
    totals: {
      conversations: facts.length,
      closed,
      aiResolved: resolvedByAi,
      handedOff,
      aiResolutionRate: ratio(resolvedByAi, closed),
      handoffRate: ratio(handedOff, facts.length),
    },
    firstResponseSeconds: {
      median: quantile(responseSeconds, 0.5),
      p90: quantile(responseSeconds, 0.9),
      samples: responseSeconds.length,
    },
    csat: { average: ratings ? ratingSum / ratings : null, responses: ratings, distribution },
    answerRatings,
    knowledgeGaps,
  };
}
