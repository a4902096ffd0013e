/**
 * The knowledge report (issue 14): which entries the AI answers from, which it never uses, which
 * visitors thumb down, how many questions it could not answer each week, and the share of its
 * answers visitors accepted (no thumbs down, no hand-off to a person after them). The store counts
 * (indexed reads); this joins them with the entries the knowledge base serves now.
 */
import { KNOWLEDGE_REPORT_LIMITS, type KnowledgeEntryOutcome, type KnowledgeReport } from '@support-chat/shared';
import type { KnowledgeEntry } from '../knowledge/types.js';
import type { ReportRange, Store } from '../store/types.js';
import { nextDay, startOfDay } from '../time/zoned.js';
import { rangeBounds } from './report.js';

/** The Monday on or before `day` (YYYY-MM-DD): weeks start on Monday (ISO 8601). */
export function weekStart(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return date.toISOString().slice(0, 10);
}

/** The weeks the range touches, each with its bounds clipped to the range, in the range's time zone. */
export function reportWeeks(range: ReportRange): { weekStart: string; from: number; to: number }[] {
  const { from, to } = rangeBounds(range);
  const weeks: { weekStart: string; from: number; to: number }[] = [];
  for (let week = weekStart(range.fromDay); week <= range.toDay; ) {
    let next = week;
    for (let i = 0; i < 7; i++) next = nextDay(next);
    weeks.push({ weekStart: week, from: Math.max(from, startOfDay(week, range.timeZone)), to: Math.min(to, startOfDay(next, range.timeZone)) });
    week = next;
  }
  return weeks;
}

export async function buildKnowledgeReport(
  store: Pick<Store, 'knowledgeAnswerOutcomes' | 'knowledgeGapCounts'>,
  entries: readonly Pick<KnowledgeEntry, 'id' | 'title'>[],
  range: ReportRange,
): Promise<KnowledgeReport> {
  const { from, to } = rangeBounds(range);
  const weeks = reportWeeks(range);
  const [outcomes, gaps] = await Promise.all([
    store.knowledgeAnswerOutcomes(from, to),
    store.knowledgeGapCounts([...weeks.map((w) => w.from), to]),
  ]);
  const titles = new Map(entries.map((e) => [e.id, e.title]));
  const named = outcomes.perEntry.map(
    (o): KnowledgeEntryOutcome => ({ ...o, ...(titles.has(o.entryId) ? { title: titles.get(o.entryId)! } : {}) }),
  );
  const used = new Set(named.map((o) => o.entryId));
  const unused = entries.filter((e) => !used.has(e.id));
  const byId = (a: KnowledgeEntryOutcome, b: KnowledgeEntryOutcome) => (a.entryId < b.entryId ? -1 : a.entryId > b.entryId ? 1 : 0);
  return {
    from,
    to,
    timeZone: range.timeZone,
    answers: outcomes.answers,
    accepted: outcomes.accepted,
    acceptedShare: outcomes.answers === 0 ? null : outcomes.accepted / outcomes.answers,
    perEntry: [...named].sort((a, b) => b.answers - a.answers || byId(a, b)).slice(0, KNOWLEDGE_REPORT_LIMITS.entries),
    mostThumbsDown: named
      .filter((o) => o.notHelpful > 0)
      .sort((a, b) => b.notHelpful - a.notHelpful || b.answers - a.answers || byId(a, b))
      .slice(0, KNOWLEDGE_REPORT_LIMITS.thumbsDown),
    neverUsed: { count: unused.length, entries: unused.slice(0, KNOWLEDGE_REPORT_LIMITS.neverUsed).map((e) => ({ entryId: e.id, title: e.title })) },
    gapsByWeek: weeks.map((w, i) => ({ weekStart: w.weekStart, count: gaps[i] ?? 0 })),
  };
}
