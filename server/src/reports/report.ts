import type { KnowledgeGap, ReportSummary } from '@support-chat/shared';
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

type CsatDistribution = Record<'1' | '2' | '3' | '4' | '5', number>;

/** Conversations counted together: all of them, the finished, the AI-resolved, the handed off. */
export interface ConversationCounts {
  total: number;
  finished: number;
  aiResolved: number;
  handedOff: number;
}

/** One label's running figures (its CSAT kept as a sum until the end). */
export interface LabelTally {
  conversations: number;
  handedOff: number;
  aiResolved: number;
  ratingSum: number;
  ratings: number;
}

/**
 * The report's figures as counts, before ratios and quantiles: filled one conversation at a time
 * (`summarizeReport`, the definition) or from a store's aggregates (SQLite groups the rows in SQL,
 * so a report over 10,000 conversations reads a few hundred rows instead of 10,000). Both must give
 * the same summary; the store contract checks it.
 */
export class ReportTally {
  private readonly days: { day: string; total: number; aiResolved: number; handedOff: number }[] = [];
  /** Each day's first instant, for `dayIndex`. */
  private readonly starts: number[] = [];
  /** The range as instants (`rangeBounds`). */
  readonly bounds: { from: number; to: number };
  /**
   * The width (ms) of time slots that never straddle two of the range's days: every day starts a
   * whole number of slots after the range does. A day in most zones (86,400,000 ms); an hour or
   * 15 minutes across a daylight-saving change; never less than 1 ms, so always exact. A store
   * that sums conversations groups them by slot (`addSlot`).
   */
  readonly slotMs: number;
  private readonly responseSeconds: number[] = [];
  private readonly distribution: CsatDistribution = { '1': 0, '2': 0, '3': 0, '4': 0, '5': 0 };
  private readonly perLabel = new Map<string, LabelTally>();
  private conversations = 0;
  private closed = 0;
  private resolvedByAi = 0;
  private handedOff = 0;
  private ratingSum = 0;
  private ratings = 0;

  constructor(private readonly range: ReportRange) {
    this.bounds = rangeBounds(range);
    // Day starts computed once per day: asking Intl for each of 10,000 conversations' day was most
    // of a report's time.
    for (let day = range.fromDay; day <= range.toDay; day = nextDay(day)) {
      this.days.push({ day, total: 0, aiResolved: 0, handedOff: 0 });
      this.starts.push(startOfDay(day, range.timeZone));
    }
    const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
    this.slotMs = this.starts.reduce((slot, start) => gcd(slot, start - this.bounds.from), this.bounds.to - this.bounds.from);
  }

  /**
   * The conversations of slot `index` (`slotMs` wide, from the range's start), summed by a store:
   * their counts, the first agent replies' waits (ms) and the scores of their ratings.
   */
  addSlot(index: number, counts: ConversationCounts, waitsMs: readonly number[], scores: readonly number[]): void {
    this.addConversations(this.bounds.from + index * this.slotMs, counts);
    for (const waitMs of waitsMs) this.addResponse(waitMs / 1000);
    for (const score of scores) this.addRating(score);
  }

  /** Conversations that started at `at` (or in the slot starting there): finished ones count in `closed`. */
  addConversations(at: number, counts: ConversationCounts): void {
    this.conversations += counts.total;
    this.closed += counts.finished;
    this.resolvedByAi += counts.aiResolved;
    this.handedOff += counts.handedOff;
    if (at < this.bounds.from || at >= this.bounds.to) return;
    const bucket = this.days[dayIndex(this.starts, at)]!;
    bucket.total += counts.total;
    bucket.aiResolved += counts.aiResolved;
    bucket.handedOff += counts.handedOff;
  }

  /** A first agent reply, `seconds` after the hand-off. */
  addResponse(seconds: number): void {
    this.responseSeconds.push(seconds);
  }

  /** A conversation rated `score` (1–5). */
  addRating(score: number): void {
    this.distribution[String(score) as keyof CsatDistribution]++;
    this.ratingSum += score;
    this.ratings++;
  }

  addLabel(label: string, figures: LabelTally): void {
    const tally = this.perLabel.get(label);
    if (!tally) {
      this.perLabel.set(label, { ...figures });
      return;
    }
    tally.conversations += figures.conversations;
    tally.handedOff += figures.handedOff;
    tally.aiResolved += figures.aiResolved;
    tally.ratingSum += figures.ratingSum;
    tally.ratings += figures.ratings;
  }

  summary(answerRatings: { helpful: number; notHelpful: number }, knowledgeGaps: KnowledgeGap[]): ReportSummary {
    const responseSeconds = [...this.responseSeconds].sort((a, b) => a - b);
    return {
      from: this.bounds.from,
      to: this.bounds.to,
      timeZone: this.range.timeZone,
      conversationsPerDay: this.days.map((day) => ({ ...day })),
      totals: {
        conversations: this.conversations,
        closed: this.closed,
        aiResolved: this.resolvedByAi,
        handedOff: this.handedOff,
        aiResolutionRate: ratio(this.resolvedByAi, this.closed),
        handoffRate: ratio(this.handedOff, this.conversations),
      },
      firstResponseSeconds: {
        median: quantile(responseSeconds, 0.5),
        p90: quantile(responseSeconds, 0.9),
        samples: responseSeconds.length,
      },
      csat: { average: this.ratings ? this.ratingSum / this.ratings : null, responses: this.ratings, distribution: { ...this.distribution } },
      answerRatings,
      knowledgeGaps,
      labels: [...this.perLabel]
        .sort(([labelA, a], [labelB, b]) => b.conversations - a.conversations || (labelA < labelB ? -1 : 1))
        .slice(0, REPORT_LABELS)
        .map(([label, { ratingSum, ratings, ...figures }]) => ({ label, ...figures, csatAverage: ratings ? ratingSum / ratings : null })),
    };
  }
}

/** The report from already-read facts, one conversation at a time: the definition of every figure. */
export function summarizeReport(
  range: ReportRange,
  now: number,
  facts: readonly ReportFact[],
  answerRatings: { helpful: number; notHelpful: number },
  knowledgeGaps: KnowledgeGap[],
): ReportSummary {
  const tally = new ReportTally(range);
  for (const f of facts) {
    const resolved = aiResolved(f, now) ? 1 : 0;
    const handedOff = f.handedOffAt !== null ? 1 : 0;
    tally.addConversations(f.conversation.createdAt, { total: 1, finished: finished(f, now) ? 1 : 0, aiResolved: resolved, handedOff });
    if (f.handedOffAt !== null && f.firstAgentReplyAt !== null && f.firstAgentReplyAt >= f.handedOffAt) {
      tally.addResponse((f.firstAgentReplyAt - f.handedOffAt) / 1000);
    }
    // A score outside 1–5 (an imported row) is no rating.
    const score = [1, 2, 3, 4, 5].includes(f.conversation.rating?.score as number) ? f.conversation.rating!.score : 0;
    if (score) tally.addRating(score);
    for (const label of f.conversation.labels ?? []) {
      tally.addLabel(label, { conversations: 1, handedOff, aiResolved: resolved, ratingSum: score, ratings: score ? 1 : 0 });
    }
  }
  return tally.summary(answerRatings, knowledgeGaps);
}

/** How many labels a report lists (the most used). */
export const REPORT_LABELS = 50;
