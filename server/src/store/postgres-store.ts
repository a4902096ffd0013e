import type pg from 'pg';
import { ACTIVITY_STEP_MS } from './activity-step.js';
import { ID_TIME_MARGIN_MS, messageIdFloor, newMessageId } from './message-ids.js';
import { likeLiteral } from './like-pattern.js';
import type { ApiToken, WebhookDelivery, WebhookDeliveryStatus, AuditEntry, CannedReply, ChatMessage, ConversationStatus, KnowledgeGap, ReportSummary, RoutingSettings, VisitorContext, ConsoleKnowledgeEntry, KnowledgeQuestion, KnowledgeUsage, KnowledgeProposal, KnowledgeProposalExample, KnowledgeProposalStatus, LearnedPhrasing, LabelCount } from '@support-chat/shared';
import { applyLabelChange } from './label-change.js';
import { forgetConversations } from './proposal-erasure.js';
import { ChatError } from '../errors.js';
import { createPool, inTransaction, isUniqueViolation, type PostgresPoolOptions } from './postgres-pool.js';
import { isPostgresUnavailable, withStoreErrors } from './store-errors.js';
import { toAgent, type AgentRow } from './agent-row.js';
import { toAttachment, toEmail, type AttachmentRow, type EmailRow } from './sqlite-rows.js';
import { LEFT_MESSAGE_TEXT, migrate } from './postgres-schema.js';
import { APPEND_BATCH, type BatchedAppend } from './postgres-appends.js';
import { PostgresSearchIndexer } from './postgres-search-indexer.js';
import { postgresReport } from './postgres-report.js';
import { CONVERSATION_FIELDS } from './conversation-fields.js';
import { KeyedBatches, type Settled } from './keyed-batches.js';
import type { ApiTokenRecord, MissedWebhookEvent, WebhookAttempt, WebhookDeliveryRecord, WebhookEventRecord, WebhookPatch, WebhookRecord } from './integration-types.js';
import { toProposal, type ProposalRow } from './sqlite-rows.js';
import { holdDeliveriesSql, publicToken, toApiToken, toDelivery, toWebhook, withoutBody, type ApiTokenRow, type DeliveryRow, type WebhookRow } from './integration-rows.js';

/** A webhook row as pg reads it: `events` parsed from JSONB, `active` a boolean. */
type PgWebhookRow = Omit<WebhookRow, 'events' | 'active'> & { events: string[]; active: boolean };

function pgWebhook(row: PgWebhookRow): WebhookRecord {
  return toWebhook({ ...row, events: JSON.stringify(row.events), active: row.active ? 1 : 0 });
}
import type {
  AgentRecord,
  AppendResult,
  AuditQuery,
  ConversationFacts,
  ConversationFilter,
  ConversationHistoryQuery,
  ConversationRecord,
  ConversationSearch,
  LabelChange,
  LabelChangeResult,
  EmailKind,
  EmailPatch,
  EmailRecord,
  KnowledgeEntryWrite,
  MessageDraft,
  ReportRange,
  SessionRecord,
  Store,
  VisitorRecord,
  KnowledgeAnswerOutcomes,
  AttachmentRecord,
  VisitorErased,
} from './types.js';
import { DEFAULT_ROUTING_SETTINGS } from './types.js';

const ROUTING_SETTINGS_KEY = 'routing';

interface ConversationRow {
  id: string;
  visitor_id: string;
  status: ConversationStatus;
  assigned_agent_id: string | null;
  locale: string;
  context: VisitorContext;
  last_seq: number;
  created_at: number;
  updated_at: number;
  queued_at: number | null;
  closed_at: number | null;
  handoff_reason: string | null;
  left_message: ConversationRecord['leftMessage'];
  visitor_read_seq: number;
  agent_read_seq: number;
  rating: ConversationRecord['rating'];
  human_involved: boolean;
  assigned_at: number | null;
  labels: string[];
}

interface AuditRow {
  id: string;
  at: number;
  actor_id: string;
  actor_name: string;
  action: AuditEntry['action'];
  target_type: AuditEntry['target']['type'];
  target_id: string;
  detail: AuditEntry['detail'];
}

/** Patchable conversation fields and their columns; JSON ones are stored as JSONB. */
const CONVERSATION_COLUMNS: Record<string, { column: string; json?: true }> = {
  status: { column: 'status' },
  assignedAgentId: { column: 'assigned_agent_id' },
  locale: { column: 'locale' },
  context: { column: 'context', json: true },
  updatedAt: { column: 'updated_at' },
  queuedAt: { column: 'queued_at' },
  closedAt: { column: 'closed_at' },
  handoffReason: { column: 'handoff_reason' },
  leftMessage: { column: 'left_message', json: true },
  rating: { column: 'rating', json: true },
  humanInvolved: { column: 'human_involved' },
  assignedAt: { column: 'assigned_at' },
};

/** JSON's escape of U+0000 (not preceded by an escaped backslash). */
const NUL_ESCAPE = /(?:^|[^\\])(?:\\\\)*\\u0000/;

/**
 * JSONB parameters go in as JSON text: pg would turn a JS array into a PostgreSQL array.
 * PostgreSQL text cannot hold U+0000 at all; refuse it as bad input rather than fail as `internal`.
 */
function json(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = JSON.stringify(value);
  if (NUL_ESCAPE.test(text)) throw new ChatError('invalid_payload', 'Text must not contain NUL (U+0000) characters.');
  return text;
}

function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    visitorId: row.visitor_id,
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    context: row.context,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    queuedAt: row.queued_at,
    closedAt: row.closed_at,
    handoffReason: (row.handoff_reason as ConversationRecord['handoffReason']) ?? null,
    leftMessage: row.left_message ?? null,
    visitorReadSeq: row.visitor_read_seq,
    agentReadSeq: row.agent_read_seq,
    rating: row.rating ?? null,
    humanInvolved: row.human_involved,
    assignedAt: row.assigned_at,
    labels: row.labels ?? [],
  };
}

/** `text` matched literally anywhere inside ILIKE. */
const containsPattern = (text: string) => `%${likeLiteral(text)}%`;

/** One statement: the row and its label index rows (none, mostly) land together. */
const CONVERSATION_INSERT = `WITH c AS (INSERT INTO conversations (id, visitor_id, status, assigned_agent_id, locale, context,
    last_seq, created_at, updated_at, queued_at, closed_at, handoff_reason, left_message,
    visitor_read_seq, agent_read_seq, rating, human_involved, assigned_at, labels)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19) RETURNING id, labels)
  INSERT INTO conversation_labels (label, conversation_id) SELECT unnest(c.labels), c.id FROM c`;

function conversationValues(c: ConversationRecord): unknown[] {
  return [
    c.id,
    c.visitorId,
    c.status,
    c.assignedAgentId,
    c.locale,
    json(c.context),
    c.lastSeq,
    c.createdAt,
    c.updatedAt,
    c.queuedAt,
    c.closedAt,
    c.handoffReason ?? null,
    json(c.leftMessage),
    c.visitorReadSeq ?? 0,
    c.agentReadSeq ?? 0,
    json(c.rating),
    c.humanInvolved ?? false,
    c.assignedAt ?? null,
    [...(c.labels ?? [])],
  ];
}

export type PostgresStoreOptions = PostgresPoolOptions & {
  /** How often pending messages are indexed for search (default 1 s; tests hold them pending). */
  searchIndexIntervalMs?: number;
};

/** The longest one migration statement may go unanswered at start. */
const MIGRATION_TIMEOUT_MS = 30 * 60 * 1000;

/** An append waiting for its batch; `alone` appends it by itself (when its batch failed). */
interface PendingAppend {
  draft: MessageDraft;
  input: Omit<BatchedAppend, 'n' | 'body'> & { body: string };
  alone: () => Promise<AppendResult | null>;
}

/**
 * The store for many processes: PostgreSQL through a `pg` pool. Everything the contract makes
 * atomic is one SQL statement or one transaction, so it holds across processes, not only across
 * the callers of one process: the seq comes from a row lock on the conversation, dedupe is a
 * unique constraint, transitions are `UPDATE … WHERE status = ANY(…)`, and find-or-create locks
 * the visitor's row. Concurrent commits share WAL flushes (group commit), so every resolved write
 * is durable with `synchronous_commit` on.
 */
/** A visitor stored as they first write ($2: when); an erased one's bare record gets its first-seen time again. */
const VISITOR_SEEN = 'INSERT INTO visitors (id, created_at) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at WHERE visitors.created_at = 0';

/**
 * The bare record an erasure or an adoption leaves in a visitor's place: no first-seen time
 * (`created_at` 0), sessions from $2 and above any before, so no earlier token opens it.
 */
const BARE_VISITOR = `INSERT INTO visitors (id, created_at, sessions_from) VALUES ($1, 0, $2)
  ON CONFLICT (id) DO UPDATE SET created_at = 0, sessions_from = greatest(visitors.sessions_from + 1, excluded.sessions_from)`;

export class PostgresStore implements Store {
  private readonly pool: pg.Pool;
  private closed?: Promise<void>;
  private readonly appends: ReturnType<PostgresStore['appendLanes']>;
  private readonly searchIndexer: PostgresSearchIndexer;

  /** `trigram`: search is served by pg_trgm GIN indexes; `scan`: pg_trgm was unavailable, search scans. */
  readonly textSearch: 'trigram' | 'scan';

  private constructor(pool: pg.Pool, textSearch: 'trigram' | 'scan', { onError, searchIndexIntervalMs }: PostgresStoreOptions) {
    this.pool = pool;
    this.textSearch = textSearch;
    this.appends = this.appendLanes(pool.options.max);
    this.searchIndexer = new PostgresSearchIndexer(pool, { onError, intervalMs: searchIndexIntervalMs });
  }

  /** Indexes every message waiting for search now (the indexer does it on its own every second). */
  indexPendingSearch(): Promise<number> {
    return this.searchIndexer.drain();
  }

  /** Statements that carried appends so far (tests, benches: under load, far fewer than appends). */
  get appendStatements(): number {
    return this.appends.byConversation.batches + this.appends.byVisitor.batches;
  }

  /** Connects (`postgres://user@host:5432/db`), migrates the schema, and returns a ready store. */
  static async open(url: string, options: PostgresStoreOptions = {}): Promise<PostgresStore> {
    // Migrations on a pool of their own with a far longer bound: building an index on a big table
    // may take longer than a chat's query, and must not be cut off at start, nor hang it for ever.
    const migrations = createPool(url, { ...options, max: 1, queryTimeoutMs: MIGRATION_TIMEOUT_MS });
    try {
      await inTransaction(migrations, (client) => migrate(client, options.schema));
    } finally {
      await migrations.end();
    }
    const pool = createPool(url, options);
    try {
      const { rowCount } = await pool.query(`SELECT 1 FROM pg_indexes WHERE indexname = 'message_search_trgm' AND schemaname = current_schema()`);
      const store = new PostgresStore(pool, rowCount ? 'trigram' : 'scan', options);
      store.searchIndexer.start();
      return withStoreErrors(store, isPostgresUnavailable);
    } catch (error) {
      await pool.end();
      throw error;
    }
  }

  /** `statement`: SQL text, or a named prepared statement's `{ name, text }` (hot paths: parsed and planned once per connection). */
  private async one<Row extends pg.QueryResultRow>(statement: string | { name: string; text: string }, values: unknown[] = [], client: pg.ClientBase | pg.Pool = this.pool): Promise<Row | undefined> {
    return (await client.query<Row>(typeof statement === 'string' ? { text: statement, values } : { ...statement, values })).rows[0];
  }

  private async conversation(text: string, values: unknown[], client: pg.ClientBase | pg.Pool = this.pool): Promise<ConversationRecord | null> {
    const row = await this.one<ConversationRow>(text, values, client);
    return row ? toConversation(row) : null;
  }

  async createVisitor(visitor: VisitorRecord): Promise<void> {
    await this.pool.query('INSERT INTO visitors (id, created_at) VALUES ($1, $2)', [visitor.id, visitor.createdAt]);
  }

  async getVisitor(id: string): Promise<VisitorRecord | null> {
    const row = await this.one<{ id: string; created_at: number; sessions_from: number }>('SELECT id, created_at, sessions_from FROM visitors WHERE id = $1', [id]);
    return row ? { id: row.id, createdAt: row.created_at, sessionsFrom: row.sessions_from } : null;
  }

  async restartVisitorSessions(visitorId: string, at: number): Promise<void> {
    await this.pool.query(
      `INSERT INTO visitors (id, created_at, sessions_from) VALUES ($1, $2, $2)
       ON CONFLICT (id) DO UPDATE SET sessions_from = greatest(visitors.sessions_from, excluded.sessions_from)`,
      [visitorId, at],
    );
  }

  async adoptVisitor(fromVisitorId: string, toVisitorId: string, at: number): Promise<string[]> {
    return inTransaction(this.pool, async (client) => {
      // The visitors' rows first, in id order (openConversation and erasures lock a visitor's row
      // before its conversations), then the conversations, in id order as appends lock them.
      await client.query('SELECT 1 FROM visitors WHERE id = ANY ($1::text[]) ORDER BY id FOR UPDATE', [[fromVisitorId, toVisitorId]]);
      const { rows } = await client.query<{ id: string }>(
        'SELECT id FROM conversations WHERE visitor_id = $1 ORDER BY id FOR UPDATE',
        [fromVisitorId],
      );
      if (rows.length === 0) return []; // nothing written: a visitor is stored with their first conversation
      await client.query(VISITOR_SEEN, [toVisitorId, at]);
      const moved = await client.query<{ id: string }>(
        `WITH moved AS (UPDATE conversations SET visitor_id = $2 WHERE visitor_id = $1 RETURNING id, created_at, ord)
         SELECT id FROM moved ORDER BY created_at, ord`,
        [fromVisitorId, toVisitorId],
      );
      // Nothing of theirs is left there: a bare record (no 'moved' notice for a tab still holding
      // its token, which is refused, issued in this millisecond too).
      await client.query(BARE_VISITOR, [fromVisitorId, at]);
      return moved.rows.map((row) => row.id);
    });
  }

  async createConversation(c: ConversationRecord): Promise<void> {
    await this.pool.query(CONVERSATION_INSERT, conversationValues(c));
  }

  async openConversation(candidate: ConversationRecord): Promise<{ conversation: ConversationRecord; created: boolean }> {
    // Every visitor message comes through here: an open conversation is found with one read and
    // no transaction (what it returns was committed and open, as a locked read would say too).
    const current = await this.latestConversationOf(candidate.visitorId, this.pool);
    if (current && current.status !== 'closed') return { conversation: current, created: false };
    // Creating is rare. The visitor's row is the lock: racing first messages (from any process)
    // queue on it, and each reads the latest conversation again only once it holds it. A partial
    // unique index on open conversations would not do: other paths may keep several open.
    return inTransaction(this.pool, async (client) => {
      // An erased visitor's bare record (created_at 0) gets its first-seen time again.
      await client.query(VISITOR_SEEN, [
        candidate.visitorId,
        candidate.createdAt,
      ]);
      await client.query('SELECT 1 FROM visitors WHERE id = $1 FOR UPDATE', [candidate.visitorId]);
      const latest = await this.latestConversationOf(candidate.visitorId, client);
      if (latest && latest.status !== 'closed') return { conversation: latest, created: false };
      const conversation = {
        ...candidate,
        context: latest && Object.keys(candidate.context).length === 0 ? latest.context : candidate.context,
      };
      await client.query(CONVERSATION_INSERT, conversationValues(conversation));
      return { conversation, created: true };
    });
  }

  async getConversation(id: string): Promise<ConversationRecord | null> {
    return this.conversation('SELECT * FROM conversations WHERE id = $1', [id]);
  }

  async findLatestConversation(visitorId: string): Promise<ConversationRecord | null> {
    return this.latestConversationOf(visitorId, this.pool);
  }

  private latestConversationOf(visitorId: string, client: pg.ClientBase | pg.Pool): Promise<ConversationRecord | null> {
    return this.conversation(
      'SELECT * FROM conversations WHERE visitor_id = $1 ORDER BY created_at DESC, ord DESC LIMIT 1',
      [visitorId],
      client,
    );
  }

  async listConversations(filter: ConversationFilter): Promise<ConversationRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.statuses?.length) {
      values.push(filter.statuses);
      where.push(`status = ANY($${values.length})`);
    }
    if (filter.assignedAgentId) {
      values.push(filter.assignedAgentId);
      where.push(`assigned_agent_id = $${values.length}`);
    }
    if (filter.before && filter.order !== 'queue') {
      values.push(filter.before.updatedAt, filter.before.id);
      where.push(`(updated_at, id) < ($${values.length - 1}, $${values.length})`);
    }
    if (filter.label !== undefined) {
      values.push(filter.label);
      where.push(`id IN (SELECT conversation_id FROM conversation_labels WHERE label = $${values.length})`);
    }
    values.push(filter.limit ?? 200);
    // Ties broken by id, as the Store contract says: the inbox's keyset cursor pages on it.
    const order = filter.order === 'queue' ? 'queued_at ASC, ord ASC' : 'updated_at DESC, id DESC';
    const { rows } = await this.pool.query<ConversationRow>(
      `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY ${order} LIMIT $${values.length}`,
      values,
    );
    return rows.map(toConversation);
  }

  async transitionConversation(
    id: string,
    fromStatuses: readonly ConversationStatus[],
    patch: Partial<Omit<ConversationRecord, 'id' | 'visitorId' | 'createdAt' | 'lastSeq'>>,
    expect?: { assignedAgentId: string | null },
  ): Promise<ConversationRecord | null> {
    const sets: string[] = [];
    const values: unknown[] = [id, fromStatuses];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const target = CONVERSATION_COLUMNS[key];
      if (!target) throw new Error(`transitionConversation: unknown field ${key}`);
      values.push(target.json ? json(value) : value);
      sets.push(`${target.column} = $${values.length}`);
    }
    if (sets.length === 0) return this.getConversation(id);
    let assigned = '';
    if (expect) {
      values.push(expect.assignedAgentId);
      assigned = ` AND assigned_agent_id IS NOT DISTINCT FROM $${values.length}`;
    }
    return this.conversation(
      `UPDATE conversations SET ${sets.join(', ')} WHERE id = $1 AND status = ANY($2)${assigned} RETURNING *`,
      values,
    );
  }

  async updateConversationContext(id: string, context: VisitorContext): Promise<void> {
    await this.pool.query('UPDATE conversations SET context = $2 WHERE id = $1', [id, json(context)]);
  }

  async queuePosition(id: string): Promise<number | null> {
    const row = await this.one<{ position: number }>(
      `SELECT (SELECT count(*) FROM conversations q
                WHERE q.status = 'queued' AND (q.queued_at, q.ord) <= (c.queued_at, c.ord)) AS position
       FROM conversations c WHERE c.id = $1 AND c.status = 'queued'`,
      [id],
    );
    return row ? row.position : null;
  }

  /** The row is locked while the change is worked out, so concurrent changes queue and all land. */
  async changeConversationLabels(id: string, change: LabelChange): Promise<LabelChangeResult | null> {
    return inTransaction(this.pool, async (client) => {
      const current = await this.conversation('SELECT * FROM conversations WHERE id = $1 FOR UPDATE', [id], client);
      if (!current) return null;
      const { labels, added, removed } = applyLabelChange(current.labels ?? [], change);
      if (added.length === 0 && removed.length === 0) return { conversation: current, added, removed };
      const conversation = await this.conversation('UPDATE conversations SET labels = $2 WHERE id = $1 RETURNING *', [id, labels], client);
      if (removed.length) await client.query('DELETE FROM conversation_labels WHERE conversation_id = $1 AND label = ANY($2)', [id, removed]);
      if (added.length) {
        await client.query('INSERT INTO conversation_labels (label, conversation_id) SELECT unnest($2::text[]), $1', [id, added]);
      }
      return { conversation: conversation!, added, removed };
    });
  }

  async labelCounts(limit: number): Promise<LabelCount[]> {
    const { rows } = await this.pool.query<{ label: string; n: number }>(
      'SELECT label, count(*)::integer AS n FROM conversation_labels GROUP BY label ORDER BY n DESC, label LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({ label: r.label, conversations: r.n }));
  }

  async listConversationHistory({ visitorId, userId, excludeId, before, limit }: ConversationHistoryQuery): Promise<ConversationRecord[]> {
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    // The expression is the partial index's (postgres-schema.ts migration 8), so each side of
    // the OR has its index.
    const where = [
      userId
        ? `(visitor_id = ${param(visitorId)} OR (context -> 'verified' ->> 'userId') = ${param(userId)})`
        : `visitor_id = ${param(visitorId)}`,
    ];
    if (excludeId) where.push(`id <> ${param(excludeId)}`);
    if (before) where.push(`(created_at, id) < (${param(before.createdAt)}, ${param(before.id)})`);
    const { rows } = await this.pool.query<ConversationRow>(
      `SELECT * FROM conversations WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ${param(limit)}`,
      values,
    );
    return rows.map(toConversation);
  }

  async firstVisitorMessage(conversationId: string): Promise<ChatMessage | null> {
    const row = await this.one<{ body: ChatMessage }>(
      `SELECT body FROM messages WHERE conversation_id = $1 AND kind = 'text' AND author = 'visitor' ORDER BY seq ASC LIMIT 1`,
      [conversationId],
    );
    return row?.body ?? null;
  }

  async markConversationRead(id: string, reader: 'visitor' | 'agent', seq: number): Promise<ConversationRecord | null> {
    const column = reader === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    return this.conversation(
      `UPDATE conversations SET ${column} = LEAST($2, last_seq)
       WHERE id = $1 AND ${column} < LEAST($2, last_seq) RETURNING *`,
      [id, seq],
    );
  }

  async getRoutingSettings(): Promise<RoutingSettings> {
    const stored = await this.getSetting(ROUTING_SETTINGS_KEY);
    return { ...structuredClone(DEFAULT_ROUTING_SETTINGS), ...(stored ? (JSON.parse(stored) as Partial<RoutingSettings>) : {}) };
  }

  async saveRoutingSettings(settings: RoutingSettings): Promise<void> {
    await this.pool.query(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      [ROUTING_SETTINGS_KEY, JSON.stringify(settings)],
    );
  }

  /**
   * Appends go out in batches (group commit, postgres-appends.ts): those asked for while earlier
   * ones are in flight share one statement. A third of the pool per kind of target, so the rest
   * of the store's reads and writes still find connections.
   */
  private appendLanes(max: number) {
    const lane = (key: (item: PendingAppend) => string) =>
      new KeyedBatches<PendingAppend, AppendResult | null>({
        key,
        run: (items) => this.appendBatch(items),
        maxInFlight: Math.max(1, Math.floor(max / 3)),
        maxBatch: 64,
      });
    return {
      byConversation: lane((item) => item.input.conversation_id!),
      byVisitor: lane((item) => item.input.visitor_id!),
    };
  }

  private async appendBatch(items: PendingAppend[]): Promise<Settled<AppendResult | null>[]> {
    let rows: (ConversationRow & { n: number })[];
    try {
      const input = `[${items.map(({ input: { body, ...fields } }, n) => `${JSON.stringify({ n, ...fields }).slice(0, -1)},"body":${body}}`).join(',')}]`;
      ({ rows } = await this.pool.query<ConversationRow & { n: number }>({ ...APPEND_BATCH, values: [input] }));
    } catch {
      // A resend among them (the dedupe constraint) undid the whole batch, as any error would:
      // one by one, each meets its own fate (its stored copy, or its own error).
      return Promise.all(
        items.map((item) =>
          item.alone().then(
            (value): Settled<AppendResult | null> => ({ ok: true, value }),
            (error: unknown): Settled<AppendResult | null> => ({ ok: false, error }),
          ),
        ),
      );
    }
    const landed = new Map(rows.map((row) => [row.n, row]));
    return items.map((item, n): Settled<AppendResult | null> => {
      const row = landed.get(n);
      if (!row) return { ok: true, value: null };
      const { senderId: _sender, ...fields } = item.draft;
      const message: ChatMessage = { ...fields, id: item.input.message_id, conversationId: row.id, seq: row.last_seq, createdAt: item.input.created_at };
      return { ok: true, value: { message, conversation: toConversation(row), created: true } };
    });
  }

  /** What every append sends: the message body checked for NUL here, so that error is its own. */
  private pending(draft: MessageDraft, now: number, only: Partial<Pick<BatchedAppend, 'conversation_id' | 'visitor_id' | 'agent_id' | 'status'>>, alone: (id: string, body: string) => Promise<AppendResult | null>): PendingAppend {
    const target = { conversation_id: null, visitor_id: null, agent_id: null, status: null, ...only };
    const { senderId, ...fields } = draft;
    const id = newMessageId();
    const body = json({ ...fields, id, createdAt: now })!;
    return {
      draft,
      input: { ...target, message_id: id, sender_id: senderId, client_id: draft.clientId ?? null, author: fields.author, kind: fields.kind, created_at: now, body },
      alone: () => alone(id, body),
    };
  }

  async appendMessage(conversationId: string, draft: MessageDraft, now: number): Promise<AppendResult> {
    const appended = await this.appends.byConversation.add(
      this.pending(draft, now, { conversation_id: conversationId }, (id, body) => this.appendAlone(conversationId, {}, draft, now, id, body)),
    );
    if (!appended) throw new Error(`appendMessage: no conversation ${conversationId}`);
    return appended;
  }

  async appendToOpenConversation(visitorId: string, draft: MessageDraft, now: number): Promise<AppendResult | null> {
    return this.appends.byVisitor.add(
      this.pending(draft, now, { visitor_id: visitorId }, (id, body) => this.appendToOpenAlone(visitorId, draft, now, id, body)),
    );
  }

  async appendIfAssignedTo(conversationId: string, agentId: string, draft: MessageDraft, now: number): Promise<AppendResult | null> {
    return this.appends.byConversation.add(
      this.pending(draft, now, { conversation_id: conversationId, agent_id: agentId }, (id, body) => this.appendAlone(conversationId, { agentId }, draft, now, id, body)),
    );
  }

  async appendWhileStatus(conversationId: string, status: ConversationStatus, draft: MessageDraft, now: number): Promise<AppendResult | null> {
    return this.appends.byConversation.add(
      this.pending(draft, now, { conversation_id: conversationId, status }, (id, body) => this.appendAlone(conversationId, { status }, draft, now, id, body)),
    );
  }

  /**
   * One append in one statement, so one round trip and its own transaction: bump the
   * conversation's `last_seq` (its row lock orders concurrent appends, from every process), only
   * while it is assigned to `agentId` when one is given (the UPDATE re-checks the row a close or a
   * transfer committed meanwhile), and insert the message with that seq. A resend (same
   * conversation, sender and client id) violates the dedupe constraint, which undoes the whole
   * statement, bump included, so seqs stay gap-free; the stored message is returned instead.
   * (ON CONFLICT DO NOTHING would keep the bump and need an explicit transaction to undo it: BEGIN,
   * UPDATE, INSERT, ROLLBACK/COMMIT, four round trips per message.) The path of a batch that failed.
   */
  private async appendAlone(
    conversationId: string,
    { agentId = null, status = null }: { agentId?: string | null; status?: ConversationStatus | null },
    draft: MessageDraft,
    now: number,
    id: string,
    body: string,
  ): Promise<AppendResult | null> {
    const { senderId, ...fields } = draft;
    const clientId = draft.clientId ?? null;
    try {
      const bumped = await this.one<ConversationRow>(
        {
          name: 'support_chat_append_v3',
          text: `WITH bumped AS (
             UPDATE conversations SET last_seq = last_seq + 1,
               updated_at = CASE WHEN $2 - updated_at >= ${ACTIVITY_STEP_MS} THEN $2 ELSE updated_at END
             WHERE id = $1 AND ($9::text IS NULL OR (status = 'assigned' AND assigned_agent_id = $9))
               AND ($10::text IS NULL OR status = $10) RETURNING ${CONVERSATION_FIELDS}
           ), inserted AS (
             INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, author, kind, created_at, body)
             SELECT $3, id, last_seq, $4, $5, $6, $7, $2, $8::jsonb || jsonb_build_object('conversationId', id, 'seq', last_seq) FROM bumped
           )
           SELECT * FROM bumped`,
        },
        [conversationId, now, id, senderId, clientId, fields.author, fields.kind, body, agentId, status],
      );
      if (!bumped) return null;
      const message: ChatMessage = { ...fields, id, conversationId, seq: bumped.last_seq, createdAt: now };
      return { message, conversation: toConversation(bumped), created: true };
    } catch (error) {
      return this.storedRetry(error, '$1', [conversationId, senderId, clientId]);
    }
  }

  /**
   * A retried send (the dedupe key hit): the message stored the first time and its conversation as
   * it is now. `conversation` is the SQL that names the conversation from `$1`. Other errors rethrown.
   */
  private async storedRetry(error: unknown, conversation: string, params: [string, string, string | null]): Promise<AppendResult> {
    if (!isUniqueViolation(error, 'messages_dedupe')) throw error;
    const row = await this.one<{ body: ChatMessage; conversation: ConversationRow }>(
      `SELECT m.body, to_jsonb(c) AS conversation FROM messages m JOIN conversations c ON c.id = m.conversation_id
       WHERE m.conversation_id = ${conversation} AND m.sender_id = $2 AND m.client_id = $3`,
      params,
    );
    if (!row) throw error;
    return { message: row.body, conversation: toConversation(row.conversation), created: false };
  }

  /** One visitor's append alone (see `appendAlone`): to their latest conversation, while it is open. */
  private async appendToOpenAlone(visitorId: string, draft: MessageDraft, now: number, id: string, body: string): Promise<AppendResult | null> {
    const { senderId, ...fields } = draft;
    const clientId = draft.clientId ?? null;
    // One statement: the visitor's latest conversation, bumped only while it is open (a close
    // committed meanwhile is seen by the UPDATE's re-check), and the message with its seq.
    const latest = 'SELECT id FROM conversations WHERE visitor_id = $1 ORDER BY created_at DESC, ord DESC LIMIT 1';
    try {
      const bumped = await this.one<ConversationRow>(
        {
          name: 'support_chat_append_to_open_v2',
          text: `WITH latest AS (${latest}), bumped AS (
             UPDATE conversations c SET last_seq = c.last_seq + 1,
               updated_at = CASE WHEN $2 - c.updated_at >= ${ACTIVITY_STEP_MS} THEN $2 ELSE c.updated_at END
             FROM latest WHERE c.id = latest.id AND c.status <> 'closed' RETURNING ${CONVERSATION_FIELDS.split(', ').map((column) => `c.${column}`).join(', ')}
           ), inserted AS (
             INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, author, kind, created_at, body)
             SELECT $3, id, last_seq, $4, $5, $6, $7, $2, $8::jsonb || jsonb_build_object('conversationId', id, 'seq', last_seq) FROM bumped
           )
           SELECT * FROM bumped`,
        },
        [visitorId, now, id, senderId, clientId, fields.author, fields.kind, body],
      );
      if (!bumped) return null;
      const message: ChatMessage = { ...fields, id, conversationId: bumped.id, seq: bumped.last_seq, createdAt: now };
      return { message, conversation: toConversation(bumped), created: true };
    } catch (error) {
      return this.storedRetry(error, `(${latest})`, [visitorId, senderId, clientId]);
    }
  }

  async listMessages(
    conversationId: string,
    { afterSeq = 0, limit = 500, includeNotes = false }: { afterSeq?: number; limit?: number; includeNotes?: boolean },
  ): Promise<ChatMessage[]> {
    const { rows } = await this.pool.query<{ body: ChatMessage }>(
      `SELECT body FROM messages WHERE conversation_id = $1 AND seq > $2 ${includeNotes ? '' : "AND kind <> 'note'"}
       ORDER BY seq LIMIT $3`,
      [conversationId, afterSeq, limit],
    );
    return rows.map((row) => row.body);
  }

  async findSentMessage(conversationId: string, senderId: string, clientId: string): Promise<ChatMessage | null> {
    const row = await this.one<{ body: ChatMessage }>(
      'SELECT body FROM messages WHERE conversation_id = $1 AND sender_id = $2 AND client_id = $3',
      [conversationId, senderId, clientId],
    );
    return row?.body ?? null;
  }

  async lastChatMessage(conversationId: string): Promise<ChatMessage | null> {
    const row = await this.one<{ body: ChatMessage }>(
      `SELECT body FROM messages WHERE conversation_id = $1 AND kind = 'text' AND author <> 'system'
       ORDER BY seq DESC LIMIT 1`,
      [conversationId],
    );
    return row?.body ?? null;
  }

  async setMessageFeedback(
    messageId: string,
    visitorId: string,
    feedback: NonNullable<ChatMessage['feedback']>,
  ): Promise<ChatMessage | null> {
    const row = await this.one<{ body: ChatMessage }>(
      `UPDATE messages SET body = jsonb_set(body, '{feedback}', to_jsonb($3::text))
       WHERE id = $1 AND author = 'ai'
         AND conversation_id IN (SELECT id FROM conversations WHERE visitor_id = $2)
       RETURNING body`,
      [messageId, visitorId, feedback],
    );
    return row?.body ?? null;
  }

  async createAgent(agent: AgentRecord): Promise<void> {
    await this.pool.query(
      'INSERT INTO agents (id, email, name, role, password_hash, created_at, capacity) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [agent.id, agent.email, agent.name, agent.role, agent.passwordHash, agent.createdAt, agent.capacity],
    );
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const row = await this.one<AgentRow>('SELECT * FROM agents WHERE id = $1', [id]);
    return row ? toAgent(row) : null;
  }

  async findAgentByEmail(email: string): Promise<AgentRecord | null> {
    const row = await this.one<AgentRow>('SELECT * FROM agents WHERE email = $1', [email.toLowerCase()]);
    return row ? toAgent(row) : null;
  }

  async countAgents(): Promise<number> {
    return (await this.one<{ n: number }>('SELECT count(*) AS n FROM agents'))?.n ?? 0;
  }

  async createSession(session: SessionRecord, expect?: { passwordHash: string }): Promise<boolean> {
    const values = [session.tokenHash, session.agentId, session.createdAt, session.expiresAt];
    if (!expect) {
      await this.pool.query('INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES ($1, $2, $3, $4)', values);
      return true;
    }
    // FOR SHARE waits for a password change or deactivation in progress on the agent's row and
    // then sees its result; one that starts after this insert finds the session and deletes it.
    const { rowCount } = await this.pool.query(
      `INSERT INTO sessions (token_hash, agent_id, created_at, expires_at)
       SELECT $1, id, $3, $4 FROM agents WHERE id = $2 AND password_hash = $5 AND deactivated_at IS NULL FOR SHARE`,
      [...values, expect.passwordHash],
    );
    return rowCount === 1;
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = await this.one<{ token_hash: string; agent_id: string; created_at: number; expires_at: number }>(
      'SELECT * FROM sessions WHERE token_hash = $1',
      [tokenHash],
    );
    return row ? { tokenHash: row.token_hash, agentId: row.agent_id, createdAt: row.created_at, expiresAt: row.expires_at } : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.pool.query('DELETE FROM sessions WHERE token_hash = $1', [tokenHash]);
  }

  async getSetting(key: string): Promise<string | null> {
    return (await this.one<{ value: string }>('SELECT value FROM settings WHERE key = $1', [key]))?.value ?? null;
  }

  async saveSetting(key: string, value: string): Promise<void> {
    await this.pool.query('INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value', [key, value]);
  }

  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    const inserted = await this.one<{ value: string }>(
      'INSERT INTO settings (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING RETURNING value',
      [key, value],
    );
    // A separate statement on purpose: its snapshot sees the racing process's committed row,
    // which a CTE in the INSERT's own statement would not.
    return inserted?.value ?? (await this.getSetting(key)) ?? value;
  }

  async listAgents(): Promise<AgentRecord[]> {
    const { rows } = await this.pool.query<AgentRow>('SELECT * FROM agents ORDER BY created_at, id');
    return rows.map(toAgent);
  }

  async updateAgent(
    id: string,
    patch: Partial<Pick<AgentRecord, 'name' | 'role' | 'capacity' | 'passwordHash' | 'locale'>>,
    { endSessions = false }: { endSessions?: boolean } = {},
  ): Promise<AgentRecord | null> {
    const columns: Record<string, string> = { name: 'name', role: 'role', capacity: 'capacity', passwordHash: 'password_hash', locale: 'locale' };
    const entries = Object.entries(patch).filter(([key, value]) => value !== undefined && key in columns);
    const sets = entries.map(([key], i) => `${columns[key]} = $${i + 2}`).join(', ');
    const update = (client: pg.ClientBase | pg.Pool) =>
      entries.length === 0
        ? this.one<AgentRow>('SELECT * FROM agents WHERE id = $1', [id], client)
        : this.one<AgentRow>(`UPDATE agents SET ${sets} WHERE id = $1 RETURNING *`, [id, ...entries.map(([, value]) => value)], client);
    if (!endSessions) {
      const row = await update(this.pool);
      return row ? toAgent(row) : null;
    }
    return inTransaction(this.pool, async (client) => {
      const row = await update(client);
      if (!row) return null;
      await client.query('DELETE FROM sessions WHERE agent_id = $1', [id]);
      return toAgent(row);
    });
  }

  async deactivateAgent(id: string, at: number): Promise<AgentRecord | null> {
    return inTransaction(this.pool, async (client) => {
      const target = await this.one<AgentRow>('SELECT * FROM agents WHERE id = $1', [id], client);
      if (!target) return null;
      if (target.role === 'admin' && target.deactivated_at === null) {
        // Locks every active admin, in one order: of two admins deactivating each other at once,
        // the second waits, then sees the first one's change and refuses.
        const { rows } = await client.query<{ id: string }>(
          `SELECT id FROM agents WHERE role = 'admin' AND deactivated_at IS NULL ORDER BY id FOR UPDATE`,
        );
        if (!rows.some((row) => row.id !== id)) {
          throw new ChatError('invalid_state', `${target.name} is the last active admin: make someone else an admin first.`);
        }
      }
      const row = await this.one<AgentRow>('UPDATE agents SET deactivated_at = coalesce(deactivated_at, $2) WHERE id = $1 RETURNING *', [id, at], client);
      await client.query('DELETE FROM sessions WHERE agent_id = $1', [id]);
      return row ? toAgent(row) : null;
    });
  }

  async reactivateAgent(id: string): Promise<AgentRecord | null> {
    const row = await this.one<AgentRow>('UPDATE agents SET deactivated_at = NULL WHERE id = $1 RETURNING *', [id]);
    return row ? toAgent(row) : null;
  }

  async listCannedReplies(): Promise<CannedReply[]> {
    const { rows } = await this.pool.query<{ id: string; shortcut: string; text: string; updated_at: number }>(
      'SELECT * FROM canned_replies ORDER BY shortcut',
    );
    return rows.map((r) => ({ id: r.id, shortcut: r.shortcut, text: r.text, updatedAt: r.updated_at }));
  }

  async saveCannedReply(reply: CannedReply): Promise<void> {
    try {
      await this.pool.query(
        `INSERT INTO canned_replies (id, shortcut, text, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, text = excluded.text, updated_at = excluded.updated_at`,
        [reply.id, reply.shortcut, reply.text, reply.updatedAt],
      );
    } catch (error) {
      if (isUniqueViolation(error, 'canned_replies_shortcut_key')) {
        throw new ChatError('conflict', `Another canned reply already uses /${reply.shortcut}.`, { cause: error });
      }
      throw error;
    }
  }

  async deleteCannedReply(id: string): Promise<boolean> {
    return ((await this.pool.query('DELETE FROM canned_replies WHERE id = $1', [id])).rowCount ?? 0) === 1;
  }

  async listKnowledgeEntries(): Promise<ConsoleKnowledgeEntry[]> {
    const { rows } = await this.pool.query<PgKnowledgeEntryRow>('SELECT * FROM knowledge_entries ORDER BY created_at, id');
    return rows.map(toKnowledgeEntry);
  }

  async saveKnowledgeEntry(entry: KnowledgeEntryWrite, { expectRevision }: { expectRevision?: number } = {}): Promise<ConsoleKnowledgeEntry> {
    return inTransaction(this.pool, async (client) => {
      // The version row first: concurrent saves queue on its lock, so the revision check holds.
      await client.query('UPDATE knowledge_version SET version = version + 1');
      if (expectRevision !== undefined) {
        const { rows } = await client.query<{ revision: number }>('SELECT revision FROM knowledge_entries WHERE id = $1', [entry.id]);
        if (!rows[0]) throw new ChatError('not_found', 'This knowledge entry was deleted.');
        if (rows[0].revision !== expectRevision) {
          throw new ChatError('conflict', 'Someone saved this knowledge entry since you opened it; reload it and edit again.');
        }
      }
      const { rows } = await client.query<PgKnowledgeEntryRow>(
        `INSERT INTO knowledge_entries (id, question, phrasings, answer, lang, tags, url, created_at, updated_at, updated_by, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, $9, 1)
         ON CONFLICT (id) DO UPDATE SET question = excluded.question, phrasings = excluded.phrasings, answer = excluded.answer,
           lang = excluded.lang, tags = excluded.tags, url = excluded.url, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by, revision = knowledge_entries.revision + 1
         RETURNING *`,
        [entry.id, entry.question, JSON.stringify(entry.phrasings), entry.answer, entry.lang, JSON.stringify(entry.tags), entry.url ?? null, entry.updatedAt, entry.updatedBy],
      );
      return toKnowledgeEntry(rows[0]!);
    });
  }

  async deleteKnowledgeEntry(id: string): Promise<boolean> {
    return inTransaction(this.pool, async (client) => {
      const deleted = ((await client.query('DELETE FROM knowledge_entries WHERE id = $1', [id])).rowCount ?? 0) === 1;
      if (deleted) await client.query('UPDATE knowledge_version SET version = version + 1');
      return deleted;
    });
  }

  async knowledgeVersion(): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>('SELECT version FROM knowledge_version');
    return rows[0]?.version ?? 0;
  }

  async knowledgeUsage(from: number, to: number): Promise<KnowledgeUsage[]> {
    const { rows } = await this.pool.query<{ entry_id: string; answers: number; helpful: number; not_helpful: number; last_used_at: number }>(
      `SELECT s ->> 'id' AS entry_id, count(*) AS answers,
              count(*) FILTER (WHERE m.body ->> 'feedback' = 'helpful') AS helpful,
              count(*) FILTER (WHERE m.body ->> 'feedback' = 'not_helpful') AS not_helpful,
              max(m.created_at) AS last_used_at
       FROM messages m, jsonb_array_elements(coalesce(m.body -> 'sources', '[]'::jsonb)) s
       WHERE m.author = 'ai' AND m.kind = 'text' AND (m.body -> 'provenance' ->> 'answered') = 'true'
         AND m.created_at >= $1 AND m.created_at < $2
       GROUP BY 1`,
      [from, to],
    );
    return rows.map((r) => ({ entryId: r.entry_id, answers: r.answers, helpful: r.helpful, notHelpful: r.not_helpful, lastUsedAt: r.last_used_at }));
  }

  /**
   * The knowledge report's answers (issue 14), through `messages_answered`; a later hand-off is
   * looked up in the answer's conversation through `messages_handoffs`.
   */
  async knowledgeAnswerOutcomes(from: number, to: number): Promise<KnowledgeAnswerOutcomes> {
    const { rows } = await this.pool.query<{ entry_id: string | null; answers: number; accepted: number; not_helpful: number }>(
      `WITH a AS MATERIALIZED (
         SELECT m.body, (m.body ->> 'feedback') IS NOT DISTINCT FROM 'not_helpful' AS down,
           ((m.body ->> 'feedback') IS DISTINCT FROM 'not_helpful' AND NOT EXISTS (
              SELECT 1 FROM messages h WHERE h.conversation_id = m.conversation_id AND h.created_at >= m.created_at
                AND h.seq > m.seq AND h.kind = 'event' AND (h.body -> 'event' ->> 'type') = 'queued')) AS accepted
         FROM messages m
         WHERE m.author = 'ai' AND m.kind = 'text' AND (m.body -> 'provenance' ->> 'answered') = 'true'
           AND m.created_at >= $1 AND m.created_at < $2
       )
       SELECT NULL AS entry_id, count(*)::int AS answers, count(*) FILTER (WHERE accepted)::int AS accepted, count(*) FILTER (WHERE down)::int AS not_helpful FROM a
       UNION ALL
       SELECT s ->> 'id', count(*)::int, count(*) FILTER (WHERE a.accepted)::int, count(*) FILTER (WHERE a.down)::int
       FROM a, jsonb_array_elements(coalesce(a.body -> 'sources', '[]'::jsonb)) s
       GROUP BY 1`,
      [from, to],
    );
    const total = rows.find((r) => r.entry_id === null);
    return {
      answers: total?.answers ?? 0,
      accepted: total?.accepted ?? 0,
      perEntry: rows
        .filter((r) => r.entry_id !== null)
        .map((r) => ({ entryId: r.entry_id!, answers: r.answers, accepted: r.accepted, notHelpful: r.not_helpful })),
    };
  }

  async knowledgeGapCounts(edges: readonly number[]): Promise<number[]> {
    if (edges.length < 2) return [];
    // One range read of `messages_unanswered`; width_bucket puts each gap in its interval (1-based).
    const { rows } = await this.pool.query<{ bucket: number; n: number }>(
      `SELECT width_bucket(created_at, $1::bigint[]) AS bucket, count(*)::int AS n
       FROM messages
       WHERE author = 'ai' AND kind = 'text' AND (body -> 'provenance' ->> 'answered') = 'false'
         AND created_at >= $2 AND created_at < $3
       GROUP BY 1`,
      [edges, edges[0], edges.at(-1)],
    );
    const counts = edges.slice(1).map(() => 0);
    for (const row of rows) if (row.bucket >= 1 && row.bucket <= counts.length) counts[row.bucket - 1] = row.n;
    return counts;
  }

  async listKnowledgeProposals(status: KnowledgeProposalStatus, limit: number): Promise<KnowledgeProposal[]> {
    const { rows } = await this.pool.query<ProposalRow>(
      'SELECT * FROM knowledge_proposals WHERE status = $1 ORDER BY count DESC, updated_at DESC, id LIMIT $2',
      [status, limit],
    );
    return rows.map(toProposal);
  }

  async getKnowledgeProposal(id: string): Promise<KnowledgeProposal | null> {
    const { rows } = await this.pool.query<ProposalRow>('SELECT * FROM knowledge_proposals WHERE id = $1', [id]);
    return rows[0] ? toProposal(rows[0]) : null;
  }

  async createKnowledgeProposal(p: KnowledgeProposal): Promise<void> {
    await this.pool.query(
      `INSERT INTO knowledge_proposals (id, kind, status, question, answer, lang, entry_id, entry_question, trigger, count, examples,
         created_at, updated_at, decided_at, decided_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
      [p.id, p.kind, p.status, p.question, p.answer, p.lang, p.entryId ?? null, p.entryQuestion ?? null, p.trigger, p.count,
        JSON.stringify(p.examples), p.createdAt, p.updatedAt, p.decidedAt ?? null, p.decidedBy ?? null],
    );
  }

  async addKnowledgeProposalExample(id: string, example: KnowledgeProposalExample, keep: number): Promise<KnowledgeProposal | null> {
    // One statement: the row lock orders concurrent merges; only the newest `keep` examples stay.
    const { rows } = await this.pool.query<ProposalRow>(
      `UPDATE knowledge_proposals SET count = count + 1, updated_at = greatest(updated_at, $3),
         examples = (SELECT coalesce(jsonb_agg(e ORDER BY n), '[]'::jsonb) FROM (
           SELECT e, n FROM jsonb_array_elements(examples || jsonb_build_array($2::jsonb)) WITH ORDINALITY AS x(e, n)
           ORDER BY n DESC LIMIT $4) kept)
       WHERE id = $1 AND status = 'open'
       RETURNING *`,
      [id, JSON.stringify(example), example.at, keep],
    );
    return rows[0] ? toProposal(rows[0]) : null;
  }

  async decideKnowledgeProposal(
    id: string,
    change: { from: KnowledgeProposalStatus; to: KnowledgeProposalStatus; at: number; by: string },
  ): Promise<KnowledgeProposal | null> {
    const reopen = change.to === 'open';
    const { rows } = await this.pool.query<ProposalRow>(
      'UPDATE knowledge_proposals SET status = $1, decided_at = $2, decided_by = $3 WHERE id = $4 AND status = $5 RETURNING *',
      [change.to, reopen ? null : change.at, reopen ? null : change.by, id, change.from],
    );
    return rows[0] ? toProposal(rows[0]) : null;
  }

  async listLearnedPhrasings(): Promise<LearnedPhrasing[]> {
    const { rows } = await this.pool.query<{ entry_id: string; phrasing: string; added_at: number; added_by: string }>(
      'SELECT entry_id, phrasing, added_at, added_by FROM learned_phrasings ORDER BY added_at, seq',
    );
    return rows.map((r) => ({ entryId: r.entry_id, phrasing: r.phrasing, addedAt: Number(r.added_at), addedBy: r.added_by }));
  }

  async addLearnedPhrasings(phrasings: readonly LearnedPhrasing[]): Promise<number> {
    if (phrasings.length === 0) return 0;
    return inTransaction(this.pool, async (client) => {
      let added = 0;
      for (const p of phrasings) {
        const result = await client.query(
          'INSERT INTO learned_phrasings (entry_id, phrasing, added_at, added_by) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING',
          [p.entryId, p.phrasing, p.addedAt, p.addedBy],
        );
        added += result.rowCount ?? 0;
      }
      if (added > 0) await client.query('UPDATE knowledge_version SET version = version + 1');
      return added;
    });
  }

  async knowledgeQuestions(entryId: string, from: number, limit: number): Promise<KnowledgeQuestion[]> {
    const { rows } = await this.pool.query<{ question: string | null; created_at: number; conversation_id: string; feedback: KnowledgeQuestion['feedback'] | null }>(
      `SELECT
         (SELECT v.body ->> 'text' FROM messages v WHERE v.conversation_id = m.conversation_id
            AND v.seq < m.seq AND v.author = 'visitor' ORDER BY v.seq DESC LIMIT 1) AS question,
         m.created_at, m.conversation_id, m.body ->> 'feedback' AS feedback
       FROM messages m
       WHERE m.author = 'ai' AND m.kind = 'text' AND (m.body -> 'provenance' ->> 'answered') = 'true' AND m.created_at >= $1
         AND coalesce(m.body -> 'sources', '[]'::jsonb) @> jsonb_build_array(jsonb_build_object('id', $2::text))
       ORDER BY m.created_at DESC
       LIMIT $3`,
      [from, entryId, limit],
    );
    return rows
      .filter((r) => r.question !== null)
      .map((r) => ({
        question: r.question!,
        answeredAt: r.created_at,
        conversationId: r.conversation_id,
        ...(r.feedback ? { feedback: r.feedback } : {}),
      }));
  }

  async searchConversations({ text, status, from, to, label, limit }: ConversationSearch): Promise<ConversationRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (status) where.push(`c.status = ${param(status)}`);
    if (from !== undefined) where.push(`c.created_at >= ${param(from)}`);
    if (to !== undefined) where.push(`c.created_at <= ${param(to)}`);
    if (label !== undefined) where.push(`c.id IN (SELECT conversation_id FROM conversation_labels WHERE label = ${param(label)})`);
    let hits = '';
    if (text) {
      // A visitor id, anything in the context (page, attributes such as name or email), the
      // name and address of a message left, or any message text, notes included. A UNION rather than OR + EXISTS, so each branch can use its
      // trigram index (expressions identical to the indexed ones).
      const pattern = param(containsPattern(text));
      // Message text is in `message_search`, or still waiting for the indexer (those of the last
      // second or so), read by primary key as in postgres-search-indexer.ts.
      hits = `JOIN (SELECT id FROM conversations WHERE visitor_id ILIKE ${pattern} OR (context::text) ILIKE ${pattern} OR (${LEFT_MESSAGE_TEXT}) ILIKE ${pattern}
                    UNION SELECT conversation_id FROM message_search WHERE text ILIKE ${pattern}
                    UNION SELECT conversation_id FROM messages WHERE id = ANY (ARRAY (SELECT message_id FROM search_pending))
                      AND (body ->> 'text') ILIKE ${pattern}) hit ON hit.id = c.id`;
    }
    const { rows } = await this.pool.query<ConversationRow>(
      `SELECT c.* FROM conversations c ${hits} ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY c.updated_at DESC, c.ord DESC LIMIT ${param(limit)}`,
      values,
    );
    return rows.map(toConversation);
  }

  async reportFacts(from: number, to: number): Promise<ConversationFacts[]> {
    const { rows } = await this.pool.query<ConversationRow & { handed_off_at: number | null; first_agent_reply_at: number | null }>(
      `SELECT c.*,
         (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id
            AND m.kind = 'event' AND (m.body -> 'event' ->> 'type') = 'queued') AS handed_off_at,
         (SELECT min(m.created_at) FROM messages m WHERE m.conversation_id = c.id
            AND m.kind = 'text' AND m.author = 'agent') AS first_agent_reply_at
       FROM conversations c WHERE c.created_at >= $1 AND c.created_at < $2 ORDER BY c.created_at, c.ord`,
      [from, to],
    );
    return rows.map((row) => ({
      conversation: toConversation(row),
      handedOffAt: row.handed_off_at,
      firstAgentReplyAt: row.first_agent_reply_at,
    }));
  }

  async answerFeedbackCounts(from: number, to: number): Promise<{ helpful: number; notHelpful: number }> {
    const row = await this.one<{ helpful: number; not_helpful: number }>(
      `SELECT count(*) FILTER (WHERE body ->> 'feedback' = 'helpful') AS helpful,
              count(*) FILTER (WHERE body ->> 'feedback' = 'not_helpful') AS not_helpful
       FROM messages WHERE author = 'ai' AND kind = 'text' AND created_at >= $1 AND created_at < $2`,
      [from, to],
    );
    return { helpful: row?.helpful ?? 0, notHelpful: row?.not_helpful ?? 0 };
  }

  async report(range: ReportRange, now: number): Promise<ReportSummary> {
    return postgresReport(this.pool, range, now, this);
  }

  async knowledgeGaps(from: number, to: number, limit: number): Promise<KnowledgeGap[]> {
    // Each AI answer that could not answer, paired with the visitor message before it; grouped
    // by the question's normalised text, reported with its most recent asking. Ties as SQLite
    // breaks them (sqlite-reads.ts): the first conversation and seq, then the question.
    const { rows } = await this.pool.query<{ question: string; count: number; last_asked_at: number; conversation_id: string }>(
      `WITH asked AS (
         SELECT q.question, a.conversation_id, a.seq, a.created_at AS asked_at
         FROM messages a
         CROSS JOIN LATERAL (
           SELECT v.body ->> 'text' AS question FROM messages v
           WHERE v.conversation_id = a.conversation_id AND v.seq < a.seq AND v.author = 'visitor'
           ORDER BY v.seq DESC LIMIT 1
         ) q
         WHERE a.author = 'ai' AND a.kind = 'text' AND (a.body -> 'provenance' ->> 'answered') = 'false'
           AND a.created_at >= $1 AND a.created_at < $2 AND q.question IS NOT NULL
       ), grouped AS (
         SELECT question, conversation_id, asked_at,
           count(*) OVER w AS count,
           row_number() OVER (w ORDER BY asked_at DESC, conversation_id COLLATE "C", seq) AS latest
         FROM asked
         WINDOW w AS (PARTITION BY lower(trim(question)))
       )
       SELECT question, count, asked_at AS last_asked_at, conversation_id FROM grouped
       WHERE latest = 1 ORDER BY count DESC, last_asked_at DESC, lower(trim(question)) COLLATE "C" LIMIT $3`,
      [from, to, limit],
    );
    return rows.map((r) => ({ question: r.question, count: r.count, lastAskedAt: r.last_asked_at, conversationId: r.conversation_id }));
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.insertAudit(this.pool, entry);
  }

  private async insertAudit(client: pg.ClientBase | pg.Pool, entry: AuditEntry): Promise<void> {
    await client.query(
      `INSERT INTO audit_log (id, at, actor_id, actor_name, action, target_type, target_id, detail)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [entry.id, entry.at, entry.actor.id, entry.actor.name, entry.action, entry.target.type, entry.target.id, json(entry.detail)],
    );
  }

  async listAudit({ actorId, action, before, limit }: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => {
      values.push(value);
      return `$${values.length}`;
    };
    if (actorId) where.push(`actor_id = ${param(actorId)}`);
    if (action) where.push(`action = ${param(action)}`);
    if (before) where.push(`(at, id) < (${param(before.at)}, ${param(before.id)})`);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ${param(limit)}`,
      values,
    );
    return rows.map((row) => ({
      id: row.id,
      at: row.at,
      actor: { id: row.actor_id, name: row.actor_name },
      action: row.action,
      target: { type: row.target_type, id: row.target_id },
      detail: row.detail,
    }));
  }

  async listVisitorConversations(visitorId: string): Promise<ConversationRecord[]> {
    const { rows } = await this.pool.query<ConversationRow>('SELECT * FROM conversations WHERE visitor_id = $1 ORDER BY created_at, ord', [visitorId]);
    return rows.map(toConversation);
  }

  /**
   * One transaction. The visitor's row is locked first, as `openConversation` locks it to create
   * a conversation: an erasure and a first message racing run one after the other, never both
   * halfway. Search reads the tables themselves, so nothing else keeps the erased text.
   */
  async eraseVisitor(visitorId: string, sessionsFrom: number, audit?: AuditEntry): Promise<VisitorErased> {
    return inTransaction(this.pool, async (client) => {
      await client.query('SELECT 1 FROM visitors WHERE id = $1 FOR UPDATE', [visitorId]);
      // Their conversations next, in id order, as appends lock them (postgres-appends.ts): the
      // delete below takes them in its scan order, and while it held one and waited for another,
      // an append batch holding the second and asking for the first was a deadlock (a test).
      await client.query('SELECT 1 FROM conversations WHERE visitor_id = $1 ORDER BY id FOR UPDATE', [visitorId]);
      const files = await client.query<{ storage_key: string }>(
        'DELETE FROM attachments WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = $1) RETURNING storage_key',
        [visitorId],
      );
      // Their ids waiting for the search indexer first: an indexer holding some of them is waited
      // for here, before any message is locked, and the rest are gone before one can take them.
      // In the other order, an indexer's foreign-key locks on the messages (in id order) and the
      // erasure's deletes (in its scan order) could wait for each other: a deadlock.
      await client.query(
        `DELETE FROM search_pending WHERE message_id IN
           (SELECT id FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = $1))`,
        [visitorId],
      );
      const messages = await client.query('DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = $1)', [visitorId]);
      await client.query('DELETE FROM email_outbox WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = $1)', [visitorId]);
      await forgetInProposals(client, visitorId);
      const conversations = await client.query('DELETE FROM conversations WHERE visitor_id = $1', [visitorId]);
      // The record is emptied in place, not deleted: see `Store.eraseVisitor`. A bare one an
      // earlier erasure left is not the visitor (erasing twice erases nothing).
      const visitor = await client.query(
        'UPDATE visitors SET created_at = 0, sessions_from = greatest(sessions_from + 1, $2) WHERE id = $1 AND created_at > 0',
        [visitorId, sessionsFrom],
      );
      const erased = {
        conversations: conversations.rowCount ?? 0,
        messages: messages.rowCount ?? 0,
        visitor: visitor.rowCount === 1,
        attachments: files.rows.map((row) => row.storage_key),
      };
      if (erased.visitor || erased.conversations > 0) {
        if (audit) await this.insertAudit(client, audit);
        // Conversations whose visitor had no record of its own: the bare one all the same.
        if (!erased.visitor) await client.query(BARE_VISITOR, [visitorId, sessionsFrom]);
      }
      return erased;
    });
  }

  // ---- Attachments (issue 13) ----

  /**
   * With `atMost`, uploads to one conversation count one after the other, under a transaction
   * lock named after it (each had seen the others' files missing and all passed: a probe stored
   * 80 of 50). An advisory lock, not the conversation's row: appends update that row, and a chat's
   * messages would wait behind an upload's count (a review).
   */
  async createAttachment(a: AttachmentRecord, { atMost }: { atMost?: number } = {}): Promise<boolean> {
    const insert = (client: pg.ClientBase | pg.Pool) =>
      client.query(
        `INSERT INTO attachments (id, conversation_id, storage_key, name, content_type, size, uploaded_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [a.id, a.conversationId, a.storageKey, a.name, a.contentType, a.size, a.uploadedBy, a.createdAt],
      );
    if (atMost === undefined) {
      await insert(this.pool);
      return true;
    }
    return inTransaction(this.pool, async (client) => {
      await client.query(`SELECT pg_advisory_xact_lock(hashtextextended('attachments:' || $1, 0))`, [a.conversationId]);
      const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM attachments WHERE conversation_id = $1', [a.conversationId]);
      if (rows[0]!.n >= atMost) return false;
      await insert(client);
      return true;
    });
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    const { rows } = await this.pool.query<AttachmentRow>('SELECT * FROM attachments WHERE id = $1', [id]);
    return rows[0] ? toAttachment(rows[0]) : null;
  }

  async listAttachments(conversationId: string): Promise<AttachmentRecord[]> {
    const { rows } = await this.pool.query<AttachmentRow>('SELECT * FROM attachments WHERE conversation_id = $1 ORDER BY created_at, id', [conversationId]);
    return rows.map(toAttachment);
  }

  async countAttachments(conversationId: string): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('SELECT count(*) AS n FROM attachments WHERE conversation_id = $1', [conversationId]);
    return Number(rows[0]?.n ?? 0);
  }

  // ---- Integrations (issue 13) ----

  async createWebhook(hook: WebhookRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO webhooks (id, url, events, description, secret, active, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [hook.id, hook.url, json(hook.events), hook.description, hook.secret, hook.active, hook.createdAt, hook.createdBy],
    );
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    const { rows } = await this.pool.query<PgWebhookRow>('SELECT * FROM webhooks ORDER BY created_at, ord');
    return rows.map(pgWebhook);
  }

  async getWebhook(id: string): Promise<WebhookRecord | null> {
    const { rows } = await this.pool.query<PgWebhookRow>('SELECT * FROM webhooks WHERE id = $1', [id]);
    return rows[0] ? pgWebhook(rows[0]) : null;
  }

  async updateWebhook(id: string, patch: WebhookPatch): Promise<WebhookRecord | null> {
    return inTransaction(this.pool, async (client) => {
      const { rows } = await client.query<PgWebhookRow>(
        `UPDATE webhooks SET url = coalesce($1, url), events = coalesce($2::jsonb, events), description = coalesce($3, description),
           active = coalesce($4, active) WHERE id = $5 RETURNING *`,
        [patch.url ?? null, patch.events ? json(patch.events) : null, patch.description ?? null, patch.active ?? null, id],
      );
      if (rows[0] && patch.active !== undefined) {
        const { hold, release } = holdDeliveriesSql((n) => `$${n}`);
        await client.query(patch.active ? release : hold, [id]);
      }
      return rows[0] ? pgWebhook(rows[0]) : null;
    });
  }

  async deleteWebhook(id: string): Promise<boolean> {
    const { rowCount } = await this.pool.query('DELETE FROM webhooks WHERE id = $1', [id]);
    return rowCount === 1;
  }

  async enqueueWebhookEvent(event: WebhookEventRecord, { webhookId }: { webhookId?: string } = {}): Promise<number> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO webhook_deliveries (webhook_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
       SELECT id, $1, $2, $3, 'pending', 0, $4, $4
       FROM webhooks
       WHERE CASE WHEN $5::text IS NULL THEN active AND events ? $2 ELSE id = $5::text END
       ORDER BY created_at, ord
       ON CONFLICT (webhook_id, event_id) DO NOTHING`,
      [event.id, event.type, event.body, event.at, webhookId ?? null],
    );
    return rowCount ?? 0;
  }

  async missedWebhookEvents(from: number, to: number, limit: number): Promise<MissedWebhookEvent[]> {
    // Messages by their time-ordered ids (the primary key), with a margin (each id and its
    // created_at come from the same clock); conversations by their created_at index.
    const { rows } = await this.pool.query<MissedWebhookEvent>(
      `WITH made (id, conversation_id, seq, created_at, type) AS (
         SELECT id, conversation_id, seq, created_at,
                CASE WHEN kind = 'text' THEN 'message.created'
                     WHEN kind = 'event' AND body -> 'event' ->> 'type' = 'assigned' THEN 'conversation.assigned'
                     WHEN kind = 'event' AND body -> 'event' ->> 'type' = 'closed' THEN 'conversation.closed'
                     WHEN kind = 'event' AND body -> 'event' ->> 'type' = 'queued'
                          AND body -> 'event' ->> 'reason' IS NOT NULL THEN 'conversation.handed_off' END
         FROM messages WHERE id >= $1 AND id < $2 AND created_at >= $3 AND created_at < $4
         UNION ALL
         SELECT id, id, 0, created_at, 'conversation.created' FROM conversations WHERE created_at >= $3 AND created_at < $4
         UNION ALL
         SELECT id || ':rated:' || (rating ->> 'ratedAt'), id, 0, (rating ->> 'ratedAt')::bigint, 'conversation.rated'
         FROM conversations WHERE rating IS NOT NULL AND (rating ->> 'ratedAt')::bigint >= $3 AND (rating ->> 'ratedAt')::bigint < $4
       )
       SELECT h.id AS "webhookId", made.type, made.id, made.conversation_id AS "conversationId", made.seq, made.created_at AS "createdAt"
       FROM made JOIN webhooks h ON h.active AND h.created_at <= made.created_at AND h.events ? made.type
       WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = h.id AND d.event_id = made.id)
       ORDER BY made.created_at, made.id, h.created_at LIMIT $5`,
      [messageIdFloor(from - ID_TIME_MARGIN_MS), messageIdFloor(to + ID_TIME_MARGIN_MS), from, to, limit],
    );
    return rows;
  }

  async dueWebhookDeliveries(now: number, limit: number, skipWebhooks: readonly string[] = []): Promise<WebhookDeliveryRecord[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= $1
         AND NOT (webhook_id = ANY ($3::text[]))
         AND (event_type = 'ping' OR webhook_id IN (SELECT id FROM webhooks WHERE active))
       ORDER BY next_attempt_at LIMIT $2`,
      [now, limit, skipWebhooks],
    );
    return rows.map(toDelivery);
  }

  async getWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    const { rows } = await this.pool.query<DeliveryRow>('SELECT * FROM webhook_deliveries WHERE id = $1', [id]);
    return rows[0] ? toDelivery(rows[0]) : null;
  }

  async listWebhookDeliveries({ webhookId, status, limit }: { webhookId: string; status?: WebhookDeliveryStatus; limit: number }): Promise<WebhookDelivery[]> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `SELECT * FROM webhook_deliveries WHERE webhook_id = $1 AND ($2::text IS NULL OR status = $2::text) ORDER BY created_at DESC, ord DESC LIMIT $3`,
      [webhookId, status ?? null, limit],
    );
    return rows.map((row) => withoutBody(toDelivery(row)));
  }

  async recordWebhookAttempt(id: string, attempts: number, attempt: WebhookAttempt): Promise<WebhookDelivery | null> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $1, next_attempt_at = $2, last_attempt_at = $3,
         last_status_code = $4, last_error = $5, delivered_at = CASE WHEN $1 = 'delivered' THEN $3 ELSE delivered_at END
       WHERE id = $6 AND status = 'pending' AND attempts = $7 RETURNING *`,
      [attempt.status, attempt.nextAttemptAt, attempt.at, attempt.statusCode, attempt.error, id, attempts],
    );
    return rows[0] ? withoutBody(toDelivery(rows[0])) : null;
  }

  async retryWebhookDelivery(id: string, now: number): Promise<WebhookDelivery | null> {
    const { rows } = await this.pool.query<DeliveryRow>(
      `UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = $1 WHERE id = $2 RETURNING *`,
      [now, id],
    );
    return rows[0] ? withoutBody(toDelivery(rows[0])) : null;
  }

  async pruneWebhookDeliveries(createdBefore: number, limit: number): Promise<number> {
    const { rowCount } = await this.pool.query(
      `DELETE FROM webhook_deliveries WHERE id IN (
         SELECT id FROM webhook_deliveries WHERE status <> 'pending' AND created_at < $1 ORDER BY created_at LIMIT $2)`,
      [createdBefore, limit],
    );
    return rowCount ?? 0;
  }

  async createApiToken(token: ApiTokenRecord): Promise<void> {
    await this.pool.query(
      `INSERT INTO api_tokens (id, name, scope, token_hash, prefix, created_at, created_by_id, created_by_name, last_used_at, revoked_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [token.id, token.name, token.scope, token.tokenHash, token.prefix, token.createdAt, token.createdBy.id, token.createdBy.name, token.lastUsedAt, token.revokedAt],
    );
  }

  async listApiTokens(): Promise<ApiToken[]> {
    const { rows } = await this.pool.query<ApiTokenRow>('SELECT * FROM api_tokens ORDER BY created_at DESC, ord DESC');
    return rows.map((row) => publicToken(toApiToken(row)));
  }

  async findApiToken(tokenHash: string): Promise<ApiTokenRecord | null> {
    const { rows } = await this.pool.query<ApiTokenRow>('SELECT * FROM api_tokens WHERE token_hash = $1', [tokenHash]);
    return rows[0] ? toApiToken(rows[0]) : null;
  }

  async touchApiToken(id: string, at: number, resolutionMs: number): Promise<void> {
    await this.pool.query('UPDATE api_tokens SET last_used_at = $1 WHERE id = $2 AND (last_used_at IS NULL OR last_used_at <= $3)', [at, id, at - resolutionMs]);
  }

  async revokeApiToken(id: string, at: number): Promise<ApiToken | null> {
    const { rows } = await this.pool.query<ApiTokenRow>('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, $1) WHERE id = $2 RETURNING *', [at, id]);
    return rows[0] ? publicToken(toApiToken(rows[0])) : null;
  }

  async enqueueEmail(email: EmailRecord): Promise<boolean> {
    const { rowCount } = await this.pool.query(
      `INSERT INTO email_outbox (id, kind, conversation_id, recipient, from_seq, through_seq, status, attempts, next_attempt_at, created_at, sent_at, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) ON CONFLICT (id) DO NOTHING`,
      [
        email.id,
        email.kind,
        email.conversationId,
        email.to,
        email.fromSeq,
        email.throughSeq,
        email.status,
        email.attempts,
        email.nextAttemptAt,
        email.createdAt,
        email.sentAt,
        email.lastError,
      ],
    );
    return rowCount === 1;
  }

  async getEmail(id: string): Promise<EmailRecord | null> {
    const { rows } = await this.pool.query<EmailRow>('SELECT * FROM email_outbox WHERE id = $1', [id]);
    return rows[0] ? toEmail(rows[0]) : null;
  }

  async dueEmails(now: number, limit: number): Promise<EmailRecord[]> {
    const { rows } = await this.pool.query<EmailRow>(
      "SELECT * FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2",
      [now, limit],
    );
    return rows.map(toEmail);
  }

  /** One statement: the `WHERE` on status and attempts is the compare-and-set across processes. */
  async updateEmail(id: string, expectAttempts: number, patch: EmailPatch): Promise<EmailRecord | null> {
    const { rows } = await this.pool.query<EmailRow>(
      `UPDATE email_outbox SET
         status = coalesce($3, status), attempts = coalesce($4, attempts), next_attempt_at = coalesce($5, next_attempt_at),
         sent_at = CASE WHEN $6::boolean THEN $7 ELSE sent_at END, last_error = CASE WHEN $8::boolean THEN $9 ELSE last_error END
       WHERE id = $1 AND status = 'pending' AND attempts = $2 RETURNING *`,
      [
        id,
        expectAttempts,
        patch.status ?? null,
        patch.attempts ?? null,
        patch.nextAttemptAt ?? null,
        'sentAt' in patch,
        patch.sentAt ?? null,
        'lastError' in patch,
        patch.lastError ?? null,
      ],
    );
    return rows[0] ? toEmail(rows[0]) : null;
  }

  async emailedThroughSeq(conversationId: string, kinds: readonly EmailKind[]): Promise<number> {
    const { rows } = await this.pool.query<{ seq: number }>(
      'SELECT coalesce(max(through_seq), 0)::integer AS seq FROM email_outbox WHERE conversation_id = $1 AND kind = ANY($2)',
      [conversationId, kinds],
    );
    return rows[0]?.seq ?? 0;
  }

  async checkWritable(): Promise<void> {
    await this.pool.query(
      `INSERT INTO settings (key, value) VALUES ('health', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
      [String(Date.now())],
    );
  }

  /** Ends the pool (waits for checked-out connections to be released). Safe to call twice. */
  async close(): Promise<void> {
    this.closed ??= Promise.all([this.appends.byConversation.drained(), this.appends.byVisitor.drained(), this.searchIndexer.stop()]).then(() =>
      this.pool.end(),
    );
    await this.closed;
  }
}

interface PgKnowledgeEntryRow {
  id: string;
  question: string;
  phrasings: string[];
  answer: string;
  lang: ConsoleKnowledgeEntry['lang'];
  tags: string[];
  url: string | null;
  created_at: number;
  updated_at: number;
  updated_by: string;
  revision: number;
}

function toKnowledgeEntry(row: PgKnowledgeEntryRow): ConsoleKnowledgeEntry {
  return {
    id: row.id,
    question: row.question,
    phrasings: row.phrasings,
    answer: row.answer,
    lang: row.lang,
    tags: row.tags,
    ...(row.url ? { url: row.url } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    updatedBy: row.updated_by,
    revision: row.revision,
  };
}

/**
 * The visitor's questions leave knowledge proposals' examples (`proposal-erasure.ts`), in the
 * erasure's transaction; the rows are locked, so a merge of a new example waits for it.
 */
async function forgetInProposals(client: pg.PoolClient, visitorId: string): Promise<void> {
  const ids = await client.query<{ id: string }>('SELECT id FROM conversations WHERE visitor_id = $1', [visitorId]);
  const erased = new Set(ids.rows.map((r) => r.id));
  if (erased.size === 0) return;
  const { rows } = await client.query<ProposalRow>(
    `SELECT * FROM knowledge_proposals
     WHERE EXISTS (SELECT 1 FROM jsonb_array_elements(examples) AS e WHERE e ->> 'conversationId' = ANY($1))
     FOR UPDATE`,
    [[...erased]],
  );
  for (const row of rows) {
    const kept = forgetConversations(toProposal(row), erased);
    if (kept === null) await client.query('DELETE FROM knowledge_proposals WHERE id = $1', [row.id]);
    else if (kept) {
      await client.query('UPDATE knowledge_proposals SET question = $1, answer = $2, count = $3, examples = $4 WHERE id = $5', [
        kept.question,
        kept.answer,
        kept.count,
        JSON.stringify(kept.examples),
        row.id,
      ]);
    }
  }
}
