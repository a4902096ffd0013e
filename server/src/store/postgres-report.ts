import type pg from 'pg';
import type { KnowledgeGap, ReportSummary } from '@support-chat/shared';
import { IDLE_FINISHED_MS, REPORT_GAPS, ReportTally } from '../reports/report.js';
import type { ReportRange } from './types.js';

/**
 * The report's counts, summed by PostgreSQL: per time slot (`ReportTally.slotMs`: slots never
 * straddle two of the range's days) and per label, with the first agent replies' waits and the
 * scores as arrays. `reportFromFacts` read every conversation of the range, whole, with its context,
 * into the event loop (10,000 conversations: tens of ms of row parsing on the loop that relays
 * the chats); this answers with a few dozen rows. The definitions of `finished` and `aiResolved` are
 * report.ts's, as SQL; the store contract checks the result against `reportFromFacts`.
 */
const REPORT_COUNTS = {
  name: 'support_chat_report_counts_v1',
  text: `WITH facts AS (
      SELECT c.created_at, c.labels, c.human_involved,
        CASE WHEN c.rating -> 'score' = ANY ('{1,2,3,4,5}'::jsonb[]) THEN (c.rating ->> 'score')::numeric::int END AS score,
        (c.status = 'closed' OR (c.status = 'bot' AND c.updated_at <= $4)) AS finished,
        (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id
           AND m.kind = 'event' AND (m.body -> 'event' ->> 'type') = 'queued') AS handed_off_at,
        (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id
           AND m.kind = 'text' AND m.author = 'agent') AS first_agent_reply_at
      FROM conversations c WHERE c.created_at >= $1 AND c.created_at < $2
    ), judged AS (
      SELECT *, finished AND NOT human_involved AND handed_off_at IS NULL AS ai_resolved FROM facts
    )
    SELECT
      (SELECT coalesce(json_agg(s), '[]') FROM (
        SELECT (created_at - $1) / $3 AS slot, count(*) AS total,
          count(*) FILTER (WHERE finished) AS finished, count(*) FILTER (WHERE ai_resolved) AS ai_resolved,
          count(handed_off_at) AS handed_off,
          coalesce(array_agg(first_agent_reply_at - handed_off_at) FILTER (WHERE first_agent_reply_at >= handed_off_at), '{}') AS waits,
          coalesce(array_agg(score) FILTER (WHERE score IS NOT NULL), '{}') AS scores
        FROM judged GROUP BY 1) s) AS slots,
      (SELECT coalesce(json_agg(l), '[]') FROM (
        SELECT label, count(*) AS conversations, count(handed_off_at) AS handed_off,
          count(*) FILTER (WHERE ai_resolved) AS ai_resolved, coalesce(sum(score), 0) AS rating_sum, count(score) AS ratings
        FROM judged, unnest(labels) AS label GROUP BY label) l) AS labels`,
};

interface SlotCounts {
  slot: number;
  total: number;
  finished: number;
  ai_resolved: number;
  handed_off: number;
  waits: number[];
  scores: number[];
}

interface LabelCounts {
  label: string;
  conversations: number;
  handed_off: number;
  ai_resolved: number;
  rating_sum: number;
  ratings: number;
}

/** `Store.report` for PostgreSQL: the counts in SQL, the answer ratings and gaps beside them. */
export async function postgresReport(
  pool: pg.Pool,
  range: ReportRange,
  now: number,
  reads: {
    answerFeedbackCounts(from: number, to: number): Promise<{ helpful: number; notHelpful: number }>;
    knowledgeGaps(from: number, to: number, limit: number): Promise<KnowledgeGap[]>;
  },
): Promise<ReportSummary> {
  const tally = new ReportTally(range);
  const { from, to } = tally.bounds;
  const [{ rows }, answerRatings, gaps] = await Promise.all([
    // Whole ms ($4 is a bigint): `updated_at <= floor(x)` is `updated_at <= x` for whole-ms times.
    pool.query<{ slots: SlotCounts[]; labels: LabelCounts[] }>({ ...REPORT_COUNTS, values: [from, to, tally.slotMs, Math.floor(now - IDLE_FINISHED_MS)] }),
    reads.answerFeedbackCounts(from, to),
    reads.knowledgeGaps(from, to, REPORT_GAPS),
  ]);
  const { slots, labels } = rows[0]!;
  for (const counts of slots) {
    tally.addSlot(counts.slot, { total: counts.total, finished: counts.finished, aiResolved: counts.ai_resolved, handedOff: counts.handed_off }, counts.waits, counts.scores);
  }
  for (const counts of labels) {
    tally.addLabel(counts.label, {
      conversations: counts.conversations,
      handedOff: counts.handed_off,
      aiResolved: counts.ai_resolved,
      ratingSum: counts.rating_sum,
      ratings: counts.ratings,
    });
  }
  return tally.summary(answerRatings, gaps);
}
