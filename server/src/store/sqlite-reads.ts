/**
 * The store's heavy reads: search, report facts, answer ratings, knowledge gaps and the report
 * itself. Written against a plain better-sqlite3 connection so the same code runs in two places:
 * on the reader thread (`sqlite-read-worker.ts`, a read-only connection to the same file; WAL lets
 * it read while the chat path writes) and in process for an in-memory database (tests).
 *
 * Every query here is served by an index (the virtual columns and partial indexes of migration 5,
 * and the FTS5 tables of the search index, attached as `search`: search-index.ts);
 * `sqlite-reads.test.ts` checks the plans of the SQL that actually runs.
 */
import type Database from 'better-sqlite3';
import type { KnowledgeGap, KnowledgeQuestion, KnowledgeUsage, ReportSummary } from '@support-chat/shared';
import { IDLE_FINISHED_MS, REPORT_GAPS, ReportTally } from '../reports/report.js';
import { containsPattern, ftsPhrase, searchPlan } from './search-grams.js';
import { toConversation, type ConversationRow } from './sqlite-rows.js';
import type { ConversationFacts, ConversationRecord, ConversationSearch, KnowledgeAnswerOutcomes, ReportRange } from './types.js';

export class SqliteReads {
  private readonly statements = new Map<string, Database.Statement>();
  /**
   * The question of each unanswered AI reply (`knowledgeGaps`), by conversation and then by the
   * reply's seq, for the conversations of the last range read, and of the one before.
   */
  private questions = new Map<string, Map<number, Asked | null>>();
  private olderQuestions = new Map<string, Map<number, Asked | null>>();

  constructor(private readonly db: Database.Database) {}

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  searchConversations({ text, status, from, to, label, limit }: ConversationSearch): ConversationRecord[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (text) {
      // Visitor id and context are one row per conversation in the same tables as message text.
      switch (searchPlan(text)) {
        case 'trigram':
          // Answered by FTS5 from the trigrams (search-grams.ts, `foldCase`).
          where.push('c.id IN (SELECT conversation_id FROM search.search_text WHERE text LIKE ?)');
          params.push(containsPattern(text, { escape: false }));
          break;
        case 'grams':
          where.push('c.id IN (SELECT conversation_id FROM search.search_grams WHERE search_grams MATCH ?)');
          params.push(ftsPhrase(text));
          break;
        case 'scan':
          // No index serves one or two Latin characters or symbols: a LIKE over the indexed text
          // (not the JSON bodies), escaped so `%` and `_` are literal. Runs on the reader thread.
          where.push(`c.id IN (SELECT conversation_id FROM search.search_text WHERE text LIKE ? ESCAPE '\\')`);
          params.push(containsPattern(text, { escape: true }));
          break;
      }
    }
    if (status) {
      where.push('c.status = ?');
      params.push(status);
    }
    if (label !== undefined) {
      where.push('c.id IN (SELECT conversation_id FROM conversation_labels WHERE label = ?)');
      params.push(label);
    }
    if (from !== undefined) {
      where.push('c.created_at >= ?');
      params.push(from);
    }
    if (to !== undefined) {
      where.push('c.created_at <= ?');
      params.push(to);
    }
    const sql = `SELECT c.* FROM conversations c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.updated_at DESC LIMIT ?`;
    return (this.statement(sql).all(...params, limit) as ConversationRow[]).map(toConversation);
  }

  reportFacts(from: number, to: number): ConversationFacts[] {
    const rows = this
      .statement(
        `SELECT c.* FROM conversations c WHERE c.created_at >= ? AND c.created_at < ? ORDER BY c.created_at`,
      )
      .all(from, to) as (ConversationRow & { handed_off_at: number | null; first_agent_reply_at: number | null })[];
    return rows.map((row) => ({
      conversation: toConversation(row),
      handedOffAt: row.handed_off_at,
      firstAgentReplyAt: row.first_agent_reply_at,
    }));
  }

  answerFeedbackCounts(from: number, to: number): { helpful: number; notHelpful: number } {
    const row = this
      .statement(
        `SELECT SUM(feedback = 'helpful') AS helpful, SUM(feedback = 'not_helpful') AS not_helpful
         FROM messages WHERE kind = 'text' AND author = 'ai' AND feedback IS NOT NULL AND created_at >= ? AND created_at < ?`,
      )
      .get(from, to) as { helpful: number | null; not_helpful: number | null };
    return { helpful: row.helpful ?? 0, notHelpful: row.not_helpful ?? 0 };
  }

  /**
   * Each AI reply that could not answer, paired with the visitor message it replied to, grouped by
   * the question's text (SQLite's `lower(trim())`), with its most recent asking.
   *
   * Finding a reply's question is a lookup in its conversation, and was most of the time (2 µs
   * idle, several times that beside busy chats, for each of thousands of replies). The pairing
   * never changes (messages are never edited, only erased with their conversation), so on the
   * reader thread, which lives on, each is looked up once: `questions` keeps the pairs looked up
   * in the conversations of the last two ranges read (a report's and the knowledge page's), and an
   * erasure forgets them all (`forgetQuestions`), so erased text does not stay in memory.
   */
  knowledgeGaps(from: number, to: number, limit: number): KnowledgeGap[] {
    // The replies as one row of three JSON arrays, not a row each: the aggregates of one SELECT
    // see the same rows in the same order, so the arrays line up. Thousands of rows through
    // better-sqlite3 cost several times the index read itself.
    const [conversationIds, seqs, times] = (
      this
        .statement(
          `SELECT json_group_array(conversation_id), json_group_array(seq), json_group_array(created_at) FROM messages
           WHERE kind = 'text' AND author = 'ai' AND answered = 0 AND created_at >= ? AND created_at < ?`,
        )
        .raw()
        .get(from, to) as [string, string, string]
    ).map((array) => JSON.parse(array) as unknown[]) as [string[], number[], number[]];
    const lookup = this
      .statement(
        `SELECT text FROM messages WHERE conversation_id = ? AND seq < ? AND author = 'visitor' ORDER BY seq DESC LIMIT 1`,
      )
      .pluck();
    const read = new Map<string, Map<number, Asked | null>>();
    const groups = new Map<string, KnowledgeGap & { seq: number }>();
    for (let i = 0; i < conversationIds.length; i++) {
      const conversationId = conversationIds[i]!;
      const seq = seqs[i]!;
      const askedAt = times[i]!;
      let known = read.get(conversationId);
      if (!known) {
        known = this.questions.get(conversationId) ?? this.olderQuestions.get(conversationId) ?? new Map<number, Asked | null>();
        read.set(conversationId, known);
      }
      // `undefined` is "not looked up yet"; a reply with no question before it is remembered as
      // null, and not looked up again.
      let asked = known.get(seq);
      if (asked === undefined) {
        // No visitor message before it (undefined), or one without text (null: never written by
        // the product, but an imported row must not fail the report).
        const text = lookup.get(conversationId, seq) as string | null | undefined;
        asked = typeof text === 'string' ? { text, normal: sqliteLowerTrim(text) } : null;
        known.set(seq, asked);
      }
      if (asked === null) continue;
      const group = groups.get(asked.normal);
      if (!group) groups.set(asked.normal, { question: asked.text, count: 1, lastAskedAt: askedAt, conversationId, seq });
      else {
        group.count++;
        // The most recent asking; of equals, the first by conversation and seq, whatever order
        // the rows came in.
        if (askedAt > group.lastAskedAt || (askedAt === group.lastAskedAt && (conversationId < group.conversationId || (conversationId === group.conversationId && seq < group.seq)))) {
          Object.assign(group, { question: asked.text, lastAskedAt: askedAt, conversationId, seq });
        }
      }
    }
    this.olderQuestions = this.questions;
    this.questions = read;
    return [...groups]
      .sort(([normalA, a], [normalB, b]) => b.count - a.count || b.lastAskedAt - a.lastAskedAt || (normalA < normalB ? -1 : 1))
      .slice(0, limit)
      .map(([, { question, count, lastAskedAt, conversationId }]) => ({ question, count, lastAskedAt, conversationId }));
  }

  /** Forgets every remembered question (after an erasure: they are looked up again as needed). */
  forgetQuestions(): void {
    this.questions = new Map();
    this.olderQuestions = new Map();
  }

  /** AI answers from knowledge in [from, to), per cited entry (issue 14), through `messages_answered`. */
  knowledgeUsage(from: number, to: number): KnowledgeUsage[] {
    const rows = this
      .statement(
        `SELECT json_extract(s.value, '$.id') AS entry_id, COUNT(*) AS answers,
                SUM(m.feedback = 'helpful') AS helpful, SUM(m.feedback = 'not_helpful') AS not_helpful,
                MAX(m.created_at) AS last_used_at
         FROM messages m, json_each(m.body, '$.sources') s
         WHERE m.kind = 'text' AND m.author = 'ai' AND m.answered = 1 AND m.created_at >= ? AND m.created_at < ?
         GROUP BY entry_id`,
      )
      .all(from, to) as { entry_id: string; answers: number; helpful: number; not_helpful: number; last_used_at: number }[];
    return rows.map((r) => ({
      entryId: r.entry_id,
      answers: r.answers,
      helpful: r.helpful ?? 0,
      notHelpful: r.not_helpful ?? 0,
      lastUsedAt: r.last_used_at,
    }));
  }

  /**
   * The knowledge report's answers (issue 14): AI answers from knowledge through `messages_answered`;
   * a later hand-off is looked up in the answer's own conversation, from its seq on (the
   * `(conversation_id, seq)` key), never by scanning messages.
   */
  knowledgeAnswerOutcomes(from: number, to: number): KnowledgeAnswerOutcomes {
    const answers = `WITH outcome AS MATERIALIZED (
         SELECT m.body, m.feedback = 'not_helpful' AS down,
           (coalesce(m.feedback, '') <> 'not_helpful' AND NOT EXISTS (
              SELECT 1 FROM messages h WHERE h.conversation_id = m.conversation_id AND h.seq > m.seq
                AND h.kind = 'event' AND h.event_type = 'queued')) AS accepted
         FROM messages m
         WHERE m.kind = 'text' AND m.author = 'ai' AND m.answered = 1 AND m.created_at >= ? AND m.created_at < ?
       )`;
    return this.db.transaction(() => {
      const total = this.statement(`${answers} SELECT COUNT(*) AS answers, SUM(accepted) AS accepted FROM outcome`).get(from, to) as {
        answers: number;
        accepted: number | null;
      };
      const rows = this
        .statement(
          `${answers} SELECT json_extract(s.value, '$.id') AS entry_id, COUNT(*) AS answers, SUM(o.accepted) AS accepted,
             SUM(o.down) AS not_helpful
           FROM outcome o, json_each(o.body, '$.sources') s GROUP BY entry_id`,
        )
        .all(from, to) as { entry_id: string; answers: number; accepted: number | null; not_helpful: number | null }[];
      return {
        answers: total.answers,
        accepted: total.accepted ?? 0,
        perEntry: rows.map((r) => ({ entryId: r.entry_id, answers: r.answers, accepted: r.accepted ?? 0, notHelpful: r.not_helpful ?? 0 })),
      };
    })();
  }

  /** Gaps per interval, each one range count on `messages_unanswered`. */
  knowledgeGapCounts(edges: readonly number[]): number[] {
    const count = this.statement(
      `SELECT COUNT(*) AS n FROM messages WHERE kind = 'text' AND author = 'ai' AND answered = 0 AND created_at >= ? AND created_at < ?`,
    );
    return this.db.transaction(() => edges.slice(1).map((end, i) => (count.get(edges[i], end) as { n: number }).n))();
  }

  /** The visitor messages the AI answered from `entryId` since `from`, newest first. */
  knowledgeQuestions(entryId: string, from: number, limit: number): KnowledgeQuestion[] {
    const rows = this
      .statement(
        `SELECT
           (SELECT v.text FROM messages v WHERE v.conversation_id = m.conversation_id
              AND v.seq < m.seq AND v.author = 'visitor' ORDER BY v.seq DESC LIMIT 1) AS question,
           m.created_at, m.conversation_id, m.feedback
         FROM messages m
         WHERE m.kind = 'text' AND m.author = 'ai' AND m.answered = 1 AND m.created_at >= ?
           AND EXISTS (SELECT 1 FROM json_each(m.body, '$.sources') s WHERE json_extract(s.value, '$.id') = ?)
         ORDER BY m.created_at DESC
         LIMIT ?`,
      )
      .all(from, entryId, limit) as { question: string | null; created_at: number; conversation_id: string; feedback: KnowledgeQuestion['feedback'] | null }[];
    return rows
      .filter((r) => r.question !== null)
      .map((r) => ({
        question: r.question!,
        answeredAt: r.created_at,
        conversationId: r.conversation_id,
        ...(r.feedback ? { feedback: r.feedback } : {}),
      }));
  }

  /**
   * `reportFromFacts`, synchronously, in one read transaction (one consistent snapshot). The
   * conversations are counted in SQL from one covering index (`conversations_report_facts`),
   * grouped by time slots that never straddle two days (`ReportTally.slotMs`) and by label: a few
   * dozen rows cross into JavaScript instead of one per conversation. 10,000 conversations as rows
   * took ~8 ms of better-sqlite3's per-row work alone; their sums take ~3.
   */
  report(range: ReportRange, now: number): ReportSummary {
    return this.db.transaction(() => {
      const tally = new ReportTally(range);
      const { from, to } = tally.bounds;
      const params = { from, to, slot: tally.slotMs, finishedBefore: now - IDLE_FINISHED_MS };
      const slots = this.statement(REPORT_SLOTS_SQL).raw().all(params) as [number, number, number, number, number, string, string][];
      for (const [index, total, finished, aiResolved, handedOff, waitsMs, scores] of slots) {
        tally.addSlot(index, { total, finished, aiResolved, handedOff }, JSON.parse(waitsMs) as number[], JSON.parse(scores) as number[]);
      }
      const labels = this.statement(REPORT_LABELS_SQL).raw().all(params) as [string, number, number, number, number, number][];
      for (const [label, conversations, handedOff, aiResolved, ratingSum, ratings] of labels) {
        tally.addLabel(label, { conversations, handedOff, aiResolved, ratingSum, ratings });
      }
      return tally.summary(this.answerFeedbackCounts(from, to), this.knowledgeGaps(from, to, REPORT_GAPS));
    })();
  }
}

// The report's SQL (`SqliteReads.report`): the definitions of `finished` and `aiResolved` in
// report.ts, as SQL over the columns of `conversations_report_facts`. CASE rather than AND/OR:
// SQLite evaluates each operand of an AND or OR, and these run once per conversation.
const FINISHED = `CASE status WHEN 'closed' THEN 1 WHEN 'bot' THEN updated_at <= :finishedBefore ELSE 0 END`;
const AI_RESOLVED = `CASE WHEN human_involved IS 1 OR handed_off_at IS NOT NULL THEN 0 ELSE ${FINISHED} END`;
const SCORE = `json_extract(rating, '$.score')`;
const IN_RANGE = `created_at >= :from AND created_at < :to`;
const RATED = `${SCORE} IN (1, 2, 3, 4, 5)`;
/**
 * Per slot: conversations, finished, AI-resolved, handed off, the first agent replies' waits (ms)
 * and the ratings' scores (JSON arrays). Everything from the index: a GROUP BY on the score, or
 * a lookup of the rated rows, reads the table, whose pages every message rewrites (`updated_at`):
 * beside chats at 500 msg/s that took 12–17 ms of the reader's CPU, against ~1 ms idle.
 */
const REPORT_SLOTS_SQL = `SELECT CAST((created_at - :from) / :slot AS INTEGER) AS slot, COUNT(*), SUM(${FINISHED}), SUM(${AI_RESOLVED}),
    COUNT(handed_off_at), json_group_array(first_agent_reply_at - handed_off_at) FILTER (WHERE first_agent_reply_at >= handed_off_at),
    json_group_array(${SCORE}) FILTER (WHERE ${RATED})
  FROM conversations WHERE ${IN_RANGE} GROUP BY slot`;
const REPORT_LABELS_SQL = `SELECT label.value, COUNT(*), SUM(handed_off_at IS NOT NULL), SUM(${AI_RESOLVED}),
    SUM(CASE WHEN ${RATED} THEN ${SCORE} ELSE 0 END), SUM(${RATED})
  FROM conversations, json_each(conversations.labels) AS label
  WHERE ${IN_RANGE} AND labels <> '[]' GROUP BY label.value`;

/** A visitor's question as asked, and as grouped (`sqliteLowerTrim`), worked out once per reply. */
interface Asked {
  text: string;
  normal: string;
}

/** SQLite's `lower(trim(text))`: ASCII letters only, spaces only (its build here has no ICU). */
export function sqliteLowerTrim(text: string): string {
  return text.replace(/^ +| +$/g, '').replace(/[A-Z]+/g, (letters) => letters.toLowerCase());
}

/** The reads as the store calls them: in process, or on the reader thread. */
export type ReadQueries = {
  [K in 'searchConversations' | 'reportFacts' | 'answerFeedbackCounts' | 'knowledgeGaps' | 'knowledgeUsage' | 'knowledgeQuestions' | 'knowledgeAnswerOutcomes' | 'knowledgeGapCounts' | 'report' | 'forgetQuestions']: (
    ...args: Parameters<SqliteReads[K]>
  ) => Promise<ReturnType<SqliteReads[K]>>;
};

export type ReadMethod = keyof ReadQueries;
