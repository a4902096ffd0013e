import type { KnowledgeGap, LabelFigures, ReportSummary } from '@support-chat/shared';
import type { ConversationFacts, ReportRange, Store } from '../store/types.js';
import { nextDay, startOfDay } from '../time/zoned.js';

export type { ReportRange } from '../store/types.js';

/**
 * A conversation the AI handled alone counts as finished when it was closed, or when nobody wrote
 * in it for this long: visitors rarely "close" a chat, they just leave once answered.
 */
export const IDLE_FINISHED_MS = 30 * 60 * 1000;

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

/** What the figures read of one conversation's facts (a store may read just these). */
export interface ReportFact {
  conversation: Pick<ConversationFacts['conversation'], 'createdAt' | 'status' | 'updatedAt' | 'humanInvolved'> & {
    rating?: { score: 1 | 2 | 3 | 4 | 5 } | null;
    labels?: readonly string[];
  };
  handedOffAt: number | null;
  firstAgentReplyAt: number | null;
}

function finished(facts: ReportFact, now: number): boolean {
  const c = facts.conversation;
  return c.status === 'closed' || (c.status === 'bot' && now - c.updatedAt >= IDLE_FINISHED_MS);
}

/** AI-resolved: finished without ever going to a person. */
function aiResolved(facts: ReportFact, now: number): boolean {
  return finished(facts, now) && !facts.conversation.humanInvolved && facts.handedOffAt === null;
}

/**
 * The figures the admin reports page shows. The store computes them (SQLite: on its reader
 * thread, so a report never stalls the chats; issue 9); `reportFromFacts` is the definition.
 */
export function buildReport(store: Pick<Store, 'report'>, range: ReportRange, now: number): Promise<ReportSummary> {
  return store.report(range, now);
}

/** What `Store.report` must return, from the store's three report reads: any store can use it. */
export async function reportFromFacts(
  store: Pick<Store, 'reportFacts' | 'answerFeedbackCounts' | 'knowledgeGaps'>,
  range: ReportRange,
  now: number,
): Promise<ReportSummary> {
  const { from, to } = rangeBounds(range);
  const [facts, answerRatings, knowledgeGaps] = await Promise.all([
    store.reportFacts(from, to),
    store.answerFeedbackCounts(from, to),
    store.knowledgeGaps(from, to, REPORT_GAPS),
  ]);
  return summarizeReport(range, now, facts, answerRatings, knowledgeGaps);
}

/** How many knowledge gaps a report lists. */
export const REPORT_GAPS = 20;

/** The day each conversation falls on, by binary search over the days' start instants. */
function dayIndex(starts: readonly number[], at: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if (starts[mid]! <= at) low = mid;
    else high = mid - 1;
  }
  return low;
}

/** The report from already-read facts: pure, so a worker thread can run it beside its queries. */
export function summarizeReport(
  range: ReportRange,
  now: number,
  facts: readonly ReportFact[],
  answerRatings: { helpful: number; notHelpful: number },
  knowledgeGaps: KnowledgeGap[],
): ReportSummary {
  const { from, to } = rangeBounds(range);
  // Day starts computed once per day: asking Intl for each of 10,000 conversations' day was most
  // of a report's time.
  const days: { day: string; total: number; aiResolved: number; handedOff: number }[] = [];
  const starts: number[] = [];
  for (let day = range.fromDay; day <= range.toDay; day = nextDay(day)) {
    days.push({ day, total: 0, aiResolved: 0, handedOff: 0 });
    starts.push(startOfDay(day, range.timeZone));
  }
  const responseSeconds: number[] = [];
  const distribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  let ratingSum = 0;
  let ratings = 0;
  let closed = 0;
  let resolvedByAi = 0;
  let handedOff = 0;
  const perLabel = new Map<string, LabelFigures & { ratingSum: number; ratings: number }>();

  for (const f of facts) {
    const at = f.conversation.createdAt;
    const bucket = at >= from && at < to ? days[dayIndex(starts, at)] : undefined;
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
    for (const label of f.conversation.labels ?? []) {
      let figures = perLabel.get(label);
      if (!figures) perLabel.set(label, (figures = { label, conversations: 0, handedOff: 0, aiResolved: 0, csatAverage: null, ratingSum: 0, ratings: 0 }));
      figures.conversations++;
      if (f.handedOffAt !== null) figures.handedOff++;
      if (resolved) figures.aiResolved++;
      if (score) {
        figures.ratingSum += score;
        figures.ratings++;
      }
    }
  }
  responseSeconds.sort((a, b) => a - b);

  return {
    from,
    to,
    timeZone: range.timeZone,
    conversationsPerDay: days,
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
    labels: [...perLabel.values()]
      .sort((a, b) => b.conversations - a.conversations || (a.label < b.label ? -1 : 1))
      .slice(0, REPORT_LABELS)
      .map(({ ratingSum, ratings: rated, ...figures }) => ({ ...figures, csatAverage: rated ? ratingSum / rated : null })),
  };
}

/** How many labels a report lists (the most used). */
export const REPORT_LABELS = 50;
