import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { ApiToken, WebhookDelivery, WebhookDeliveryStatus, AuditEntry, CannedReply, ChatMessage, ConversationStatus, KnowledgeGap, ReportSummary, RoutingSettings, VisitorContext, ConsoleKnowledgeEntry, KnowledgeQuestion, KnowledgeUsage, KnowledgeProposal, KnowledgeProposalExample, KnowledgeProposalStatus, LearnedPhrasing, LabelCount } from '@support-chat/shared';
import type {
  AgentRecord,
  AppendResult,
  AuditQuery,
  ConversationFacts,
  ConversationFilter,
  ConversationHistoryQuery,
  ConversationSearch,
  ConversationRecord,
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
import { toAgent, type AgentRow } from './agent-row.js';
import {
  toAttachment,
  type AttachmentRow,
  toConversation,
  toEmail,
  type ConversationRow,
  type EmailRow,
  toKnowledgeEntry,
  type KnowledgeEntryRow,
  toProposal,
  type ProposalRow,
  type LearnedPhrasingRow,
} from './sqlite-rows.js';
import { createReadThread } from './read-thread.js';
import { cjkGrams } from './search-grams.js';
import { SearchIndexer, searchSchema } from './search-index.js';
import { SqliteReads, type ReadQueries } from './sqlite-reads.js';
import { GroupCommit } from './group-commit.js';
import { WalSync } from './wal-sync.js';
import { CheckpointHandoff, WRITER_CHECKPOINT_PAGES, type CheckpointOptions } from './checkpoints.js';
import { ROUTING_SETTINGS_KEY, SqliteWrites, type AgentPatch, type ConversationPatch, type WriteOp } from './sqlite-writes.js';
import { createWriteThread, type StoreWriter } from './write-thread.js';
import { isSqliteUnavailable, withStoreErrors } from './store-errors.js';
import type { ApiTokenRecord, MissedWebhookEvent, WebhookAttempt, WebhookDeliveryRecord, WebhookEventRecord, WebhookPatch, WebhookRecord } from './integration-types.js';
import { ID_TIME_MARGIN_MS, messageIdFloor } from './message-ids.js';
import {
  INTEGRATIONS_MIGRATION,
  publicToken,
  toApiToken,
  toDelivery,
  toWebhook,
  withoutBody,
  type ApiTokenRow,
  type DeliveryRow,
  type WebhookRow,
} from './integration-rows.js';

/**
 * Where `SqliteStore.open` runs the writes of a file store: the writer thread, which costs the
 * event loop 18 µs per append where the in-process group commit cost 99 µs, and relayed more in
 * the bench (figures and why at the top of write-thread.ts).
 */
const DEFAULT_WRITER: 'thread' | 'loop' = 'thread';

/** Schema migrations, applied in order; `user_version` remembers how far a database got. */
export const MIGRATIONS: string[] = [
  `
  CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors(id),
    status TEXT NOT NULL,
    assigned_agent_id TEXT,
    locale TEXT NOT NULL,
    context TEXT NOT NULL,
    last_seq INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    queued_at INTEGER,
    closed_at INTEGER
  );
  CREATE INDEX conversations_by_visitor ON conversations (visitor_id, created_at);
  CREATE INDEX conversations_by_status ON conversations (status, updated_at);
  CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    seq INTEGER NOT NULL,
    sender_id TEXT NOT NULL,
    client_id TEXT,
    kind TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    body TEXT NOT NULL,
    UNIQUE (conversation_id, seq)
  );
  CREATE UNIQUE INDEX messages_dedupe ON messages (sender_id, client_id) WHERE client_id IS NOT NULL;
  CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents(id),
    created_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  `,
  // 2: routing gives each agent at most `capacity` open conversations.
  `ALTER TABLE agents ADD COLUMN capacity INTEGER NOT NULL DEFAULT 5;`,
  // Canned replies: saved answers agents insert by typing "/" and the shortcut.
  `CREATE TABLE canned_replies (
     id TEXT PRIMARY KEY,
     shortcut TEXT NOT NULL UNIQUE,
     text TEXT NOT NULL,
     updated_at INTEGER NOT NULL
   );`,
  // Hand-off and routing: why a conversation went to people, offline messages, read state, CSAT.
  `ALTER TABLE conversations ADD COLUMN handoff_reason TEXT;
   ALTER TABLE conversations ADD COLUMN left_message TEXT;
   ALTER TABLE conversations ADD COLUMN visitor_read_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE conversations ADD COLUMN agent_read_seq INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE conversations ADD COLUMN rating TEXT;
   ALTER TABLE conversations ADD COLUMN human_involved INTEGER NOT NULL DEFAULT 0;
   ALTER TABLE conversations ADD COLUMN assigned_at INTEGER;
   CREATE INDEX conversations_by_agent ON conversations (assigned_agent_id, status);`,
  // Dedupe per conversation (issue 10): an agent's client ids may repeat across conversations,
  // and a repeat in another conversation must post, not return the old message.
  `DROP INDEX messages_dedupe;
   CREATE UNIQUE INDEX messages_dedupe ON messages (conversation_id, sender_id, client_id) WHERE client_id IS NOT NULL;`,
  // Reads off the chat path (issue 9). The JSON fields reports filter on become virtual columns
  // computed from the body (existing rows have them at once; `json_set` on the body keeps them
  // true), with partial indexes over just the rows each report reads. Each conversation keeps
  // when it was first queued and first answered by a person, kept by a trigger: a report is then
  // one range read of conversations (10k correlated lookups into messages took most of its time).
  `ALTER TABLE messages ADD COLUMN author TEXT GENERATED ALWAYS AS (json_extract(body, '$.author')) VIRTUAL;
   ALTER TABLE messages ADD COLUMN event_type TEXT GENERATED ALWAYS AS (json_extract(body, '$.event.type')) VIRTUAL;
   ALTER TABLE messages ADD COLUMN answered INTEGER GENERATED ALWAYS AS (json_extract(body, '$.provenance.answered')) VIRTUAL;
   ALTER TABLE messages ADD COLUMN feedback TEXT GENERATED ALWAYS AS (json_extract(body, '$.feedback')) VIRTUAL;
   ALTER TABLE messages ADD COLUMN text TEXT GENERATED ALWAYS AS (json_extract(body, '$.text')) VIRTUAL;
   CREATE INDEX messages_unanswered ON messages (created_at, conversation_id, seq)
     WHERE kind = 'text' AND author = 'ai' AND answered = 0;
   CREATE INDEX messages_rated ON messages (created_at, feedback)
     WHERE kind = 'text' AND author = 'ai' AND feedback IS NOT NULL;
   ALTER TABLE conversations ADD COLUMN handed_off_at INTEGER;
   ALTER TABLE conversations ADD COLUMN first_agent_reply_at INTEGER;
   UPDATE conversations SET handed_off_at = f.at FROM (
     SELECT conversation_id, MIN(created_at) AS at FROM messages WHERE kind = 'event' AND event_type = 'queued'
     GROUP BY conversation_id) f WHERE f.conversation_id = conversations.id;
   UPDATE conversations SET first_agent_reply_at = f.at FROM (
     SELECT conversation_id, MIN(created_at) AS at FROM messages WHERE kind = 'text' AND author = 'agent'
     GROUP BY conversation_id) f WHERE f.conversation_id = conversations.id;
   CREATE TRIGGER messages_report_facts AFTER INSERT ON messages
   WHEN (new.kind = 'event' AND new.event_type = 'queued') OR (new.kind = 'text' AND new.author = 'agent') BEGIN
     UPDATE conversations SET
       handed_off_at = CASE WHEN new.kind = 'event' AND (handed_off_at IS NULL OR handed_off_at > new.created_at)
         THEN new.created_at ELSE handed_off_at END,
       first_agent_reply_at = CASE WHEN new.kind = 'text' AND (first_agent_reply_at IS NULL OR first_agent_reply_at > new.created_at)
         THEN new.created_at ELSE first_agent_reply_at END
     WHERE id = new.conversation_id;
   END;
   CREATE INDEX conversations_report ON conversations
     (created_at, status, updated_at, human_involved, handed_off_at, first_agent_reply_at, rating);
   CREATE INDEX conversations_by_updated ON conversations (updated_at, id);
   DROP INDEX conversations_by_status;
   CREATE INDEX conversations_by_status ON conversations (status, updated_at, id);`,
  // Text search (issue 9): FTS5 over message text (notes included) and each conversation's visitor
  // id + context. `trigram` serves substrings of 3+ characters; `search_grams` serves 1–2
  // character Chinese queries (see search-grams.ts; `cjk_grams` is registered by `open`). A
  // grams row has the rowid of its text row; `conversations.search_doc` is the rowid of the
  // conversation's visitor row (the table's own rowids may change on VACUUM; these never do).
  `CREATE VIRTUAL TABLE search_text USING fts5 (conversation_id UNINDEXED, text, tokenize = 'trigram case_sensitive 0');
   CREATE VIRTUAL TABLE search_grams USING fts5 (conversation_id UNINDEXED, grams,
     tokenize = 'unicode61 remove_diacritics 0', detail = 'none');
   ALTER TABLE conversations ADD COLUMN search_doc INTEGER;
   INSERT INTO search_text (rowid, conversation_id, text)
     SELECT rowid, id, visitor_id || char(10) || context FROM conversations;
   UPDATE conversations SET search_doc = rowid;
   INSERT INTO search_text (conversation_id, text) SELECT conversation_id, text FROM messages WHERE text IS NOT NULL;
   INSERT INTO search_grams (rowid, conversation_id, grams)
     SELECT rowid, conversation_id, cjk_grams(text) FROM search_text WHERE cjk_grams(text) IS NOT NULL;
   CREATE TRIGGER messages_search AFTER INSERT ON messages WHEN new.text IS NOT NULL BEGIN
     INSERT INTO search_text (conversation_id, text) VALUES (new.conversation_id, new.text);
     INSERT INTO search_grams (rowid, conversation_id, grams)
       SELECT last_insert_rowid(), new.conversation_id, g FROM (SELECT cjk_grams(new.text) AS g) WHERE g IS NOT NULL;
   END;
   CREATE TRIGGER conversations_search_insert AFTER INSERT ON conversations BEGIN
     INSERT INTO search_text (conversation_id, text) VALUES (new.id, new.visitor_id || char(10) || new.context);
     UPDATE conversations SET search_doc = last_insert_rowid() WHERE id = new.id;
     INSERT INTO search_grams (rowid, conversation_id, grams)
       SELECT (SELECT search_doc FROM conversations WHERE id = new.id), new.id, g
       FROM (SELECT cjk_grams(new.context) AS g) WHERE g IS NOT NULL;
   END;
   CREATE TRIGGER conversations_search_context AFTER UPDATE OF context ON conversations
   WHEN new.context IS NOT old.context BEGIN
     UPDATE search_text SET text = new.visitor_id || char(10) || new.context WHERE rowid = new.search_doc;
     DELETE FROM search_grams WHERE rowid = new.search_doc;
     INSERT INTO search_grams (rowid, conversation_id, grams)
       SELECT new.search_doc, new.id, g FROM (SELECT cjk_grams(new.context) AS g) WHERE g IS NOT NULL;
   END;`,
  // The search index leaves the chat's database (issue 9): its triggers cost ~85 µs of the event
  // loop per message. It is now its own file, kept by the store's worker (search-index.ts), which
  // reads new messages by rowid and conversation changes from this small queue: one row per
  // conversation created or context changed, the last 10,000 kept (AUTOINCREMENT: ids never
  // repeat after a trim, so the indexer's mark stays true).
  `DROP TRIGGER messages_search;
   DROP TRIGGER conversations_search_insert;
   DROP TRIGGER conversations_search_context;
   DROP TABLE search_text;
   DROP TABLE search_grams;
   ALTER TABLE conversations DROP COLUMN search_doc;
   CREATE TABLE search_queue (id INTEGER PRIMARY KEY AUTOINCREMENT, conversation_id TEXT NOT NULL);
   CREATE TRIGGER conversations_search_queue_insert AFTER INSERT ON conversations BEGIN
     INSERT INTO search_queue (conversation_id) VALUES (new.id);
   END;
   CREATE TRIGGER conversations_search_queue_context AFTER UPDATE OF context ON conversations
   WHEN new.context IS NOT old.context BEGIN
     INSERT INTO search_queue (conversation_id) VALUES (new.id);
   END;
   CREATE TRIGGER search_queue_trim AFTER INSERT ON search_queue BEGIN
     DELETE FROM search_queue WHERE id <= new.id - 10000;
   END;`,
  // Deactivated agents (issue 11): kept for history, refused at sign-in; their sessions are
  // deleted by agent when they are deactivated or their password changes.
  `ALTER TABLE agents ADD COLUMN deactivated_at INTEGER;
   CREATE INDEX sessions_by_agent ON sessions (agent_id);`,
  // The audit log and visitor erasure (issue 11). Entries are read newest first, all of them or
  // one agent's or one action's, by keyset (`at`, `id`). An erased conversation's queue row
  // carries `erased_floor` (sqlite-writes.ts `eraseVisitor`), so the search index drops it too.
  `CREATE TABLE audit_log (
     id TEXT PRIMARY KEY,
     at INTEGER NOT NULL,
     actor_id TEXT NOT NULL,
     actor_name TEXT NOT NULL,
     action TEXT NOT NULL,
     target_type TEXT NOT NULL,
     target_id TEXT NOT NULL,
     detail TEXT NOT NULL
   );
   CREATE INDEX audit_by_time ON audit_log (at, id);
   CREATE INDEX audit_by_actor ON audit_log (actor_id, at, id);
   CREATE INDEX audit_by_action ON audit_log (action, at, id);
   ALTER TABLE search_queue ADD COLUMN erased_floor INTEGER;`,
  // Integrations (issue 13): webhooks, their delivery queue (each delivery once per hook and
  // event; the due ones found by a partial index) and API tokens (only their hash).
  INTEGRATIONS_MIGRATION,
  // The email outbox (issue 13): each process looks for due emails by (status, next_attempt_at);
  // a conversation's emails are found for the reply emails' high-water mark and for erasure.
  `CREATE TABLE email_outbox (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     conversation_id TEXT NOT NULL,
     recipient TEXT,
     from_seq INTEGER NOT NULL,
     through_seq INTEGER NOT NULL,
     status TEXT NOT NULL,
     attempts INTEGER NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     created_at INTEGER NOT NULL,
     sent_at INTEGER,
     last_error TEXT
   );
   CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
   CREATE INDEX email_outbox_by_conversation ON email_outbox (conversation_id, kind);`,
  // Knowledge written in the console (issue 14). `knowledge_version` (in settings) is raised by
  // every save and delete in the same transaction; processes poll it. Answers from knowledge are
  // read by time for the usage counts, through their own partial index.
  `CREATE TABLE knowledge_entries (
     id TEXT PRIMARY KEY,
     question TEXT NOT NULL,
     phrasings TEXT NOT NULL,
     answer TEXT NOT NULL,
     lang TEXT NOT NULL,
     tags TEXT NOT NULL,
     url TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     updated_by TEXT NOT NULL,
     revision INTEGER NOT NULL
   );
   CREATE INDEX knowledge_entries_by_created ON knowledge_entries (created_at, id);
   CREATE INDEX messages_answered ON messages (created_at)
     WHERE kind = 'text' AND author = 'ai' AND answered = 1;`,
  // Finished webhook deliveries are pruned by age (every message queues one per hook that listens).
  `CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';`,
  // Each agent's console language; null: the console follows the browser's until the agent picks one.
  `ALTER TABLE agents ADD COLUMN locale TEXT;`,
  // Learning from conversations (issue 14): proposals an admin reviews, the open ones read most
  // asked first; phrasings accepted for any entry (files' too), by its retrieval id.
  `CREATE TABLE knowledge_proposals (
     id TEXT PRIMARY KEY,
     kind TEXT NOT NULL,
     status TEXT NOT NULL,
     question TEXT NOT NULL,
     answer TEXT NOT NULL,
     lang TEXT NOT NULL,
     entry_id TEXT,
     entry_question TEXT,
     trigger TEXT NOT NULL,
     count INTEGER NOT NULL,
     examples TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     decided_at INTEGER,
     decided_by TEXT
   );
   CREATE INDEX knowledge_proposals_by_status ON knowledge_proposals (status, count DESC, updated_at DESC);
   CREATE TABLE learned_phrasings (
     entry_id TEXT NOT NULL,
     phrasing TEXT NOT NULL,
     added_at INTEGER NOT NULL,
     added_by TEXT NOT NULL,
     PRIMARY KEY (entry_id, phrasing)
   );`,
  // Attachments (issue 13): the metadata of each file; its bytes are in the attachment storage
  // under storage_key. Read by id, counted and listed per conversation (the bound, the export),
  // deleted with the visitor's conversations.
  `CREATE TABLE attachments (
     id TEXT PRIMARY KEY,
     conversation_id TEXT NOT NULL,
     storage_key TEXT NOT NULL,
     name TEXT NOT NULL,
     content_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     uploaded_by TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX attachments_by_conversation ON attachments (conversation_id, created_at);`,
  // Labels and the visitor's history (issue 13). A conversation's labels are a sorted JSON array
  // on its row (read with it, no join); triggers keep `conversation_labels`, one row per label and
  // conversation, so filtering by a label reads that label's rows only. The verified user id is a
  // virtual column of the context with a partial index: a signed-in user's conversations on every
  // device are found without reading anyone else's.
  `ALTER TABLE conversations ADD COLUMN labels TEXT NOT NULL DEFAULT '[]';
   CREATE TABLE conversation_labels (
     label TEXT NOT NULL,
     conversation_id TEXT NOT NULL,
     PRIMARY KEY (label, conversation_id)
   ) WITHOUT ROWID;
   CREATE INDEX conversation_labels_by_conversation ON conversation_labels (conversation_id);
   CREATE TRIGGER conversations_labels_insert AFTER INSERT ON conversations WHEN new.labels != '[]' BEGIN
     INSERT OR IGNORE INTO conversation_labels (label, conversation_id) SELECT value, new.id FROM json_each(new.labels);
   END;
   CREATE TRIGGER conversations_labels_update AFTER UPDATE OF labels ON conversations
   WHEN new.labels IS NOT old.labels BEGIN
     DELETE FROM conversation_labels WHERE conversation_id = new.id;
     INSERT OR IGNORE INTO conversation_labels (label, conversation_id) SELECT value, new.id FROM json_each(new.labels);
   END;
   CREATE TRIGGER conversations_labels_delete AFTER DELETE ON conversations BEGIN
     DELETE FROM conversation_labels WHERE conversation_id = old.id;
   END;
   ALTER TABLE conversations ADD COLUMN verified_user_id TEXT GENERATED ALWAYS AS (json_extract(context, '$.verified.userId')) VIRTUAL;
   CREATE INDEX conversations_by_verified_user ON conversations (verified_user_id, created_at) WHERE verified_user_id IS NOT NULL;`,
  // Every message moves its conversation's `updated_at`, and each index holding that column had
  // one more page rewritten by every commit (issue 9). The report's index held it to cover the
  // report's read, which since labels reads the table anyway: the range of `created_at` is what
  // it needs (PostgreSQL's `conversations_by_created`).
  `DROP INDEX conversations_report;
   CREATE INDEX conversations_by_created ON conversations (created_at);`,
  // A message's client id is checked by the writer's filter of each conversation's stored ids
  // (client-id-filter.ts), then against the conversation's rows: the unique index wrote one
  // random page per message to the WAL, half of each commit's frames under load (issue 9).
  `DROP INDEX messages_dedupe;`,
  // The report facts' trigger rewrote the conversation row with every agent message (its CASEs
  // left the values as they were): now only the message that moves a fact updates the row
  // (6 µs less per agent message, 60,000 appends across 200 conversations).
  `DROP TRIGGER messages_report_facts;
   CREATE TRIGGER messages_report_facts AFTER INSERT ON messages
   WHEN (new.kind = 'event' AND new.event_type = 'queued') OR (new.kind = 'text' AND new.author = 'agent') BEGIN
     UPDATE conversations SET
       handed_off_at = CASE WHEN new.kind = 'event' THEN new.created_at ELSE handed_off_at END,
       first_agent_reply_at = CASE WHEN new.kind = 'text' THEN new.created_at ELSE first_agent_reply_at END
     WHERE id = new.conversation_id AND CASE WHEN new.kind = 'event'
       THEN handed_off_at IS NULL OR handed_off_at > new.created_at
       ELSE first_agent_reply_at IS NULL OR first_agent_reply_at > new.created_at END;
   END;`,
  // The report's facts from the index alone: looking each conversation up in the table was half
  // of a report (10,000 conversations: 17 ms through `conversations_by_created`, 8 ms covered).
  // It holds `updated_at` again: since `updated_at` moves at most once a second per conversation
  // (activity-step.ts), the index is rewritten that often, not with every message. It holds the
  // rating's score, not the rating: a rating's comment may be 4,000 characters (with comments of
  // 2,000 on one in five conversations, the whole rating made the index larger than the table).
  // The read's `json_extract(rating, '$.score')` is the indexed expression, taken from the index.
  `DROP INDEX conversations_by_created;
   CREATE INDEX conversations_report_facts ON conversations
     (created_at, status, updated_at, human_involved, json_extract(rating, '$.score'), handed_off_at, first_agent_reply_at, labels);`,
  // The name and address a visitor left with a message are searched too (the team's email tells
  // agents to find the conversation in the console): the search index hears of them as of context.
  // Those left before this version are queued once, so the index (no rebuild) learns of them too.
  `CREATE TRIGGER conversations_search_queue_left AFTER UPDATE OF left_message ON conversations
   WHEN new.left_message IS NOT old.left_message BEGIN
     INSERT INTO search_queue (conversation_id) VALUES (new.id);
   END;
   INSERT INTO search_queue (conversation_id) SELECT id FROM conversations WHERE left_message IS NOT NULL ORDER BY rowid;`,
  // An emailed link followed in another browser takes the chat along: tokens issued before it stop
  // opening the visitor's conversations (VisitorRecord.sessionsFrom).
  `ALTER TABLE visitors ADD COLUMN sessions_from INTEGER NOT NULL DEFAULT 0;`,
  // A rating's webhook event is caught up after a kill -9 too (webhook-catch-up.ts): ratings by
  // when they were given, without reading every conversation.
  `CREATE INDEX conversations_rated_at ON conversations (json_extract(rating, '$.ratedAt')) WHERE rating IS NOT NULL;`,
];

/**
 * The default store: one SQLite file under the data directory (better-sqlite3: synchronous,
 * transactional, the fastest embedded option for Node). WAL mode; the writes asked for together
 * commit in one transaction and resolve only once the WAL is on disk (group commit, see
 * group-commit.ts and wal-sync.ts), so a write that resolved survives a process kill and a power
 * loss, and many writes share one fsync. On a file the writes run on a writer thread with its own
 * connection (write-thread.ts), the reads on this thread's connection and, for search and
 * reports, on the reader thread; in memory everything runs on this connection.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  /** Null for an in-memory database (tests) and when the writer thread syncs: nothing to sync here. */
  private readonly wal: WalSync | null;

  /** The SQL of every write, and the few reads they share with the store, on this connection. */
  private readonly sql: SqliteWrites;

  /** Every write goes through it: one transaction and one sync per turn of the event loop. */
  private readonly writer: StoreWriter;

  private constructor(db: Database.Database, writer: 'thread' | 'loop', searchIntervalMs: number, checkpoints: CheckpointOptions | undefined) {
    this.db = db;
    this.sql = new SqliteWrites(db);
    // With a writer thread, the maintenance thread tells it of each checkpoint, and it finishes them (checkpoints.ts).
    const checkpointHandoff = db.memory || writer === 'loop' ? undefined : new CheckpointHandoff().buffer;
    if (!checkpointHandoff) {
      this.wal = db.memory ? null : WalSync.open(db.name);
      this.writer = inProcessWriter(this.sql, new GroupCommit(db, this.wal));
    } else {
      this.wal = null;
      this.writer = createWriteThread({ file: db.name, checkpointHandoff });
    }
    this.reads = db.memory
      ? inProcessReads(db)
      : createReadThread({
          file: db.name,
          searchFile: path.join(path.dirname(db.name), 'support-chat-search.sqlite'),
          intervalMs: searchIntervalMs,
          ...(checkpointHandoff ? { checkpointHandoff } : {}),
          ...(checkpoints ? { checkpoints } : {}),
        });
  }

  /** Runs one write of `SqliteWrites` in the next group commit; resolves with its result once it is on disk. */
  private write<Op extends WriteOp>(op: Op, ...args: Parameters<SqliteWrites[Op]>): Promise<ReturnType<SqliteWrites[Op]>> {
    return this.writer.run(op, ...args);
  }

  /** How many transactions the store committed (far fewer than writes under load). */
  get commitCount(): number {
    return this.writer.commits;
  }

  /**
   * Search and reports: on a worker thread with its own connection for a file (issue 9: they
   * stalled every chat), beside a maintenance thread that keeps the search index in its own file
   * and checkpoints the WAL (read-thread.ts); in process for
   * `:memory:`, which no other connection can open, with the index in an attached in-memory
   * database brought up to date before each search.
   */
  private readonly reads: ReadQueries & { flushSearch(): Promise<void>; close?(): Promise<void> };

  private statement(sql: string): Database.Statement {
    return this.sql.statement(sql);
  }

  /**
   * Opens (creating if needed) `<dataDir>/support-chat.sqlite`, or an in-memory database for
   * `':memory:'`. On a file, the search index (`support-chat-search.sqlite` beside it) takes in
   * new writes every `searchIntervalMs`; a search also takes in what waits before it answers.
   * Ten times a second: a search pays for what waits (a second's worth at 4,000 msg/s took
   * ~150 ms to index before answering, and its burst of CPU showed in the chats' p99), and
   * without positions in the trigram table a batch of 200 costs little more per row than one
   * of 2,000 (20 against 14 µs for ~200 characters; with positions it was 59 against 32).
   */
  static open(
    dataDir: string | ':memory:',
    {
      verbose,
      searchIntervalMs = 100,
      writer = DEFAULT_WRITER,
      checkpoints,
    }: {
      verbose?: (sql: unknown) => void;
      searchIntervalMs?: number;
      writer?: 'thread' | 'loop';
      /** Tests: the maintenance thread checkpoints sooner and at a smaller WAL (checkpoints.ts). */
      checkpoints?: CheckpointOptions;
    } = {},
  ): SqliteStore {
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'support-chat.sqlite');
    }
    const db = new Database(file, verbose ? { verbose } : {});
    // Migration 6 (the search index's first home) calls it when it runs on an older database.
    db.function('cjk_grams', { deterministic: true }, (text: unknown) => cjkGrams(typeof text === 'string' ? text : null));
    db.pragma('journal_mode = WAL');
    // NORMAL commits without an fsync; WalSync makes each write durable before it resolves, off
    // the event loop and shared by every write in flight. SQLite still syncs around checkpoints.
    db.pragma('synchronous = NORMAL');
    // The maintenance thread checkpoints (checkpoints.ts); this connection too only past the backstop
    // (it writes when the writer runs in process, and for migrations).
    if (!db.memory) db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    // Reading the schema version opened the WAL file, which stays while the connection is open.
    return withStoreErrors(new SqliteStore(db, writer, searchIntervalMs, checkpoints), isSqliteUnavailable);
  }

  async createVisitor(visitor: VisitorRecord): Promise<void> {
    await this.write('createVisitor', visitor);
  }

  async getVisitor(id: string): Promise<VisitorRecord | null> {
    const row = this.statement('SELECT id, created_at, sessions_from FROM visitors WHERE id = ?').get(id) as
      | { id: string; created_at: number; sessions_from: number }
      | undefined;
    return row ? { id: row.id, createdAt: row.created_at, sessionsFrom: row.sessions_from } : null;
  }

  async restartVisitorSessions(visitorId: string, at: number): Promise<void> {
    await this.write('restartVisitorSessions', visitorId, at);
  }

  async adoptVisitor(fromVisitorId: string, toVisitorId: string, at: number): Promise<string[]> {
    return this.write('adoptVisitor', fromVisitorId, toVisitorId, at);
  }

  async createConversation(c: ConversationRecord): Promise<void> {
    await this.write('createConversation', c);
  }

  async openConversation(candidate: ConversationRecord): Promise<{ conversation: ConversationRecord; created: boolean }> {
    // Most calls find the open one: a read, no write. (If a racing call created it and its commit
    // still waits for its sync, whatever this caller writes next is synced after it.)
    const open = this.sql.latestConversationOf(candidate.visitorId);
    if (open && open.status !== 'closed') return { conversation: open, created: false };
    return this.write('openConversation', candidate);
  }

  async getConversation(id: string): Promise<ConversationRecord | null> {
    return this.sql.conversationById(id);
  }

  async findLatestConversation(visitorId: string): Promise<ConversationRecord | null> {
    return this.sql.latestConversationOf(visitorId);
  }

  async listConversations(filter: ConversationFilter): Promise<ConversationRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.statuses?.length) {
      where.push(`status IN (${filter.statuses.map(() => '?').join(', ')})`);
      params.push(...filter.statuses);
    }
    if (filter.assignedAgentId) {
      where.push('assigned_agent_id = ?');
      params.push(filter.assignedAgentId);
    }
    if (filter.before && filter.order !== 'queue') {
      where.push('(updated_at < ? OR (updated_at = ? AND id < ?))');
      params.push(filter.before.updatedAt, filter.before.updatedAt, filter.before.id);
    }
    if (filter.label !== undefined) {
      where.push('id IN (SELECT conversation_id FROM conversation_labels WHERE label = ?)');
      params.push(filter.label);
    }
    const order = filter.order === 'queue' ? 'queued_at ASC, rowid ASC' : 'updated_at DESC, id DESC';
    const sql = `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ?`;
    params.push(filter.limit ?? 200);
    return (this.statement(sql).all(...params) as ConversationRow[]).map(toConversation);
  }

  async transitionConversation(
    id: string,
    fromStatuses: readonly ConversationStatus[],
    patch: ConversationPatch,
    expect?: { assignedAgentId: string | null },
  ): Promise<ConversationRecord | null> {
    return this.write('transitionConversation', id, fromStatuses, patch, expect);
  }

  async updateConversationContext(id: string, context: VisitorContext): Promise<void> {
    await this.write('updateConversationContext', id, context);
  }

  async markConversationRead(id: string, reader: 'visitor' | 'agent', seq: number): Promise<ConversationRecord | null> {
    return this.write('markConversationRead', id, reader, seq);
  }

  async changeConversationLabels(id: string, change: LabelChange): Promise<LabelChangeResult | null> {
    return this.write('changeConversationLabels', id, change);
  }

  async labelCounts(limit: number): Promise<LabelCount[]> {
    const rows = this
      .statement('SELECT label, COUNT(*) AS n FROM conversation_labels GROUP BY label ORDER BY n DESC, label LIMIT ?')
      .all(limit) as { label: string; n: number }[];
    return rows.map((r) => ({ label: r.label, conversations: r.n }));
  }

  async listConversationHistory({ visitorId, userId, excludeId, before, limit }: ConversationHistoryQuery): Promise<ConversationRecord[]> {
    // Each side of the OR is served by its own index (by visitor; by verified user, partial).
    const where = [userId ? '(visitor_id = ? OR verified_user_id = ?)' : 'visitor_id = ?'];
    const params: unknown[] = userId ? [visitorId, userId] : [visitorId];
    if (excludeId) {
      where.push('id != ?');
      params.push(excludeId);
    }
    if (before) {
      where.push('(created_at < ? OR (created_at = ? AND id < ?))');
      params.push(before.createdAt, before.createdAt, before.id);
    }
    const rows = this
      .statement(`SELECT * FROM conversations WHERE ${where.join(' AND ')} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...params, limit) as ConversationRow[];
    return rows.map(toConversation);
  }

  async firstVisitorMessage(conversationId: string): Promise<ChatMessage | null> {
    const row = this
      .statement(`SELECT body FROM messages WHERE conversation_id = ? AND kind = 'text' AND author = 'visitor' ORDER BY seq ASC LIMIT 1`)
      .get(conversationId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ChatMessage) : null;
  }

  async getRoutingSettings(): Promise<RoutingSettings> {
    const stored = await this.getSetting(ROUTING_SETTINGS_KEY);
    return { ...structuredClone(DEFAULT_ROUTING_SETTINGS), ...(stored ? (JSON.parse(stored) as Partial<RoutingSettings>) : {}) };
  }

  async saveRoutingSettings(settings: RoutingSettings): Promise<void> {
    await this.write('saveRoutingSettings', settings);
  }

  async queuePosition(id: string): Promise<number | null> {
    const row = this
      .statement(
        `SELECT (SELECT COUNT(*) FROM conversations q
                 WHERE q.status = 'queued' AND (q.queued_at < c.queued_at
                   OR (q.queued_at = c.queued_at AND q.rowid <= c.rowid))) AS position
         FROM conversations c WHERE c.id = ? AND c.status = 'queued'`,
      )
      .get(id) as { position: number } | undefined;
    return row ? row.position : null;
  }

  async appendMessage(conversationId: string, draft: MessageDraft, now: number): Promise<AppendResult> {
    // A retried send that finds its stored copy waits for the sync too: that copy may be in it.
    return this.write('appendMessage', conversationId, draft, now);
  }

  async appendToOpenConversation(visitorId: string, draft: MessageDraft, now: number): Promise<AppendResult | null> {
    return this.write('appendToOpenConversation', visitorId, draft, now);
  }

  async appendIfAssignedTo(conversationId: string, agentId: string, draft: MessageDraft, now: number): Promise<AppendResult | null> {
    return this.write('appendIfAssignedTo', conversationId, agentId, draft, now);
  }

  async appendWhileStatus(conversationId: string, status: ConversationStatus, draft: MessageDraft, now: number): Promise<AppendResult | null> {
    return this.write('appendWhileStatus', conversationId, status, draft, now);
  }

  async listMessages(
    conversationId: string,
    { afterSeq = 0, limit = 500, includeNotes = false }: { afterSeq?: number; limit?: number; includeNotes?: boolean },
  ): Promise<ChatMessage[]> {
    const rows = this
      .statement(
        `SELECT body FROM messages WHERE conversation_id = ? AND seq > ? ${includeNotes ? '' : "AND kind != 'note'"}
         ORDER BY seq ASC LIMIT ?`,
      )
      .all(conversationId, afterSeq, limit) as { body: string }[];
    return rows.map((row) => JSON.parse(row.body) as ChatMessage);
  }

  async findSentMessage(conversationId: string, senderId: string, clientId: string): Promise<ChatMessage | null> {
    const row = this
      .statement('SELECT body FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_id = ?')
      .get(conversationId, senderId, clientId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ChatMessage) : null;
  }

  async lastChatMessage(conversationId: string): Promise<ChatMessage | null> {
    // Walks the (conversation_id, seq) index back from the newest: past a few system lines at most.
    const row = this
      .statement(
        `SELECT body FROM messages WHERE conversation_id = ? AND kind = 'text' AND author != 'system'
         ORDER BY seq DESC LIMIT 1`,
      )
      .get(conversationId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ChatMessage) : null;
  }

  async setMessageFeedback(messageId: string, visitorId: string, feedback: NonNullable<ChatMessage['feedback']>): Promise<ChatMessage | null> {
    return this.write('setMessageFeedback', messageId, visitorId, feedback);
  }

  async createAgent(agent: AgentRecord): Promise<void> {
    await this.write('createAgent', agent);
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    return this.sql.agentById(id);
  }

  async findAgentByEmail(email: string): Promise<AgentRecord | null> {
    const row = this.statement('SELECT * FROM agents WHERE email = ?').get(email.toLowerCase()) as
      | AgentRow
      | undefined;
    return row ? toAgent(row) : null;
  }

  async countAgents(): Promise<number> {
    return (this.statement('SELECT COUNT(*) AS n FROM agents').get() as { n: number }).n;
  }

  async createSession(session: SessionRecord, expect?: { passwordHash: string }): Promise<boolean> {
    return this.write('createSession', session, expect);
  }

  async getSession(tokenHash: string): Promise<SessionRecord | null> {
    const row = this.statement('SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as
      | { token_hash: string; agent_id: string; created_at: number; expires_at: number }
      | undefined;
    return row
      ? { tokenHash: row.token_hash, agentId: row.agent_id, createdAt: row.created_at, expiresAt: row.expires_at }
      : null;
  }

  async deleteSession(tokenHash: string): Promise<void> {
    await this.write('deleteSession', tokenHash);
  }

  async getSetting(key: string): Promise<string | null> {
    return this.sql.settingValue(key);
  }

  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    return this.write('setSettingIfAbsent', key, value);
  }

  async saveSetting(key: string, value: string): Promise<void> {
    await this.write('saveSetting', key, value);
  }

  async listAgents(): Promise<AgentRecord[]> {
    return (this.statement('SELECT * FROM agents ORDER BY created_at').all() as AgentRow[]).map(toAgent);
  }

  async updateAgent(id: string, patch: AgentPatch, options: { endSessions?: boolean } = {}): Promise<AgentRecord | null> {
    return this.write('updateAgent', id, patch, options);
  }

  async deactivateAgent(id: string, at: number): Promise<AgentRecord | null> {
    return this.write('deactivateAgent', id, at);
  }

  async reactivateAgent(id: string): Promise<AgentRecord | null> {
    return this.write('reactivateAgent', id);
  }

  async listCannedReplies(): Promise<CannedReply[]> {
    const rows = this.statement('SELECT * FROM canned_replies ORDER BY shortcut').all() as {
      id: string;
      shortcut: string;
      text: string;
      updated_at: number;
    }[];
    return rows.map((r) => ({ id: r.id, shortcut: r.shortcut, text: r.text, updatedAt: r.updated_at }));
  }

  async saveCannedReply(reply: CannedReply): Promise<void> {
    await this.write('saveCannedReply', reply);
  }

  async deleteCannedReply(id: string): Promise<boolean> {
    return this.write('deleteCannedReply', id);
  }

  async listKnowledgeEntries(): Promise<ConsoleKnowledgeEntry[]> {
    return (this.statement('SELECT * FROM knowledge_entries ORDER BY created_at, id').all() as KnowledgeEntryRow[]).map(toKnowledgeEntry);
  }

  async saveKnowledgeEntry(entry: KnowledgeEntryWrite, options: { expectRevision?: number } = {}): Promise<ConsoleKnowledgeEntry> {
    return this.write('saveKnowledgeEntry', entry, options.expectRevision);
  }

  async deleteKnowledgeEntry(id: string): Promise<boolean> {
    return this.write('deleteKnowledgeEntry', id);
  }

  async knowledgeVersion(): Promise<number> {
    return Number(this.statement("SELECT value FROM settings WHERE key = 'knowledge_version'").pluck().get() ?? 0);
  }

  async knowledgeUsage(from: number, to: number): Promise<KnowledgeUsage[]> {
    return this.reads.knowledgeUsage(from, to);
  }

  async knowledgeAnswerOutcomes(from: number, to: number): Promise<KnowledgeAnswerOutcomes> {
    return this.reads.knowledgeAnswerOutcomes(from, to);
  }

  async knowledgeGapCounts(edges: readonly number[]): Promise<number[]> {
    return this.reads.knowledgeGapCounts(edges);
  }

  async knowledgeQuestions(entryId: string, from: number, limit: number): Promise<KnowledgeQuestion[]> {
    return this.reads.knowledgeQuestions(entryId, from, limit);
  }

  async listKnowledgeProposals(status: KnowledgeProposalStatus, limit: number): Promise<KnowledgeProposal[]> {
    const rows = this
      .statement('SELECT * FROM knowledge_proposals WHERE status = ? ORDER BY count DESC, updated_at DESC, id LIMIT ?')
      .all(status, limit) as ProposalRow[];
    return rows.map(toProposal);
  }

  async getKnowledgeProposal(id: string): Promise<KnowledgeProposal | null> {
    const row = this.statement('SELECT * FROM knowledge_proposals WHERE id = ?').get(id) as ProposalRow | undefined;
    return row ? toProposal(row) : null;
  }

  async createKnowledgeProposal(proposal: KnowledgeProposal): Promise<void> {
    await this.write('createKnowledgeProposal', proposal);
  }

  async addKnowledgeProposalExample(id: string, example: KnowledgeProposalExample, keep: number): Promise<KnowledgeProposal | null> {
    return this.write('addKnowledgeProposalExample', id, example, keep);
  }

  async decideKnowledgeProposal(
    id: string,
    change: { from: KnowledgeProposalStatus; to: KnowledgeProposalStatus; at: number; by: string },
  ): Promise<KnowledgeProposal | null> {
    return this.write('decideKnowledgeProposal', id, change);
  }

  async listLearnedPhrasings(): Promise<LearnedPhrasing[]> {
    const rows = this.statement('SELECT * FROM learned_phrasings ORDER BY added_at, rowid').all() as LearnedPhrasingRow[];
    return rows.map((r) => ({ entryId: r.entry_id, phrasing: r.phrasing, addedAt: r.added_at, addedBy: r.added_by }));
  }

  async addLearnedPhrasings(phrasings: readonly LearnedPhrasing[]): Promise<number> {
    if (phrasings.length === 0) return 0;
    return this.write('addLearnedPhrasings', [...phrasings]);
  }

  /**
   * Answered from the search index, which takes in what waits (one batch, up to 2,000 rows of
   * each kind) before it answers: every write acknowledged before the call is found, except while
   * the index is far behind (rebuilt from the chat database): then it answers from what it holds.
   */
  async searchConversations(query: ConversationSearch): Promise<ConversationRecord[]> {
    return this.reads.searchConversations(query);
  }

  /**
   * Resolves once the search index holds every write that resolved before the call, a rebuild in
   * progress included (a search waits for one batch only). For tests and the bench.
   */
  async flushSearch(): Promise<void> {
    return this.reads.flushSearch();
  }

  async reportFacts(from: number, to: number): Promise<ConversationFacts[]> {
    return this.reads.reportFacts(from, to);
  }

  async answerFeedbackCounts(from: number, to: number): Promise<{ helpful: number; notHelpful: number }> {
    return this.reads.answerFeedbackCounts(from, to);
  }

  async knowledgeGaps(from: number, to: number, limit: number): Promise<KnowledgeGap[]> {
    return this.reads.knowledgeGaps(from, to, limit);
  }

  async report(range: ReportRange, now: number): Promise<ReportSummary> {
    return this.reads.report(range, now);
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.write('appendAudit', entry);
  }

  async listAudit({ actorId, action, before, limit }: AuditQuery): Promise<AuditEntry[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (actorId) {
      where.push('actor_id = ?');
      params.push(actorId);
    }
    if (action) {
      where.push('action = ?');
      params.push(action);
    }
    if (before) {
      where.push('(at < ? OR (at = ? AND id < ?))');
      params.push(before.at, before.at, before.id);
    }
    const rows = this
      .statement(`SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY at DESC, id DESC LIMIT ?`)
      .all(...params, limit) as AuditRow[];
    return rows.map(toAuditEntry);
  }

  async listVisitorConversations(visitorId: string): Promise<ConversationRecord[]> {
    const rows = this.statement('SELECT * FROM conversations WHERE visitor_id = ? ORDER BY created_at, rowid').all(visitorId) as ConversationRow[];
    return rows.map(toConversation);
  }

  async eraseVisitor(visitorId: string, sessionsFrom: number, audit?: AuditEntry): Promise<VisitorErased> {
    const erased = await this.write('eraseVisitor', visitorId, sessionsFrom, audit);
    // The reader remembers the questions of unanswered replies (knowledge gaps): the erased
    // visitor's must not stay in its memory until two more reads push them out.
    // Not awaited: the reader answers in order, so any gaps read asked for after this one finds
    // them forgotten, and the erasure need not wait behind a report. A reader thread that was lost
    // took its memory with it: nothing to forget, and the erasure stands.
    if (erased.conversations > 0) void this.reads.forgetQuestions().catch(() => undefined);
    return erased;
  }

  async createAttachment(attachment: AttachmentRecord, options: { atMost?: number } = {}): Promise<boolean> {
    return this.write('createAttachment', attachment, options);
  }

  async getAttachment(id: string): Promise<AttachmentRecord | null> {
    const row = this.statement('SELECT * FROM attachments WHERE id = ?').get(id) as AttachmentRow | undefined;
    return row ? toAttachment(row) : null;
  }

  async listAttachments(conversationId: string): Promise<AttachmentRecord[]> {
    const rows = this.statement('SELECT * FROM attachments WHERE conversation_id = ? ORDER BY created_at, id').all(conversationId) as AttachmentRow[];
    return rows.map(toAttachment);
  }

  async countAttachments(conversationId: string): Promise<number> {
    return Number(this.statement('SELECT count(*) FROM attachments WHERE conversation_id = ?').pluck().get(conversationId));
  }

  async enqueueEmail(email: EmailRecord): Promise<boolean> {
    return this.write('enqueueEmail', email);
  }

  async getEmail(id: string): Promise<EmailRecord | null> {
    const row = this.statement('SELECT * FROM email_outbox WHERE id = ?').get(id) as EmailRow | undefined;
    return row ? toEmail(row) : null;
  }

  async dueEmails(now: number, limit: number): Promise<EmailRecord[]> {
    const rows = this
      .statement("SELECT * FROM email_outbox WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?")
      .all(now, limit) as EmailRow[];
    return rows.map(toEmail);
  }

  async updateEmail(id: string, expectAttempts: number, patch: EmailPatch): Promise<EmailRecord | null> {
    return this.write('updateEmail', id, expectAttempts, patch);
  }

  async emailedThroughSeq(conversationId: string, kinds: readonly EmailKind[]): Promise<number> {
    if (kinds.length === 0) return 0;
    const row = this
      .statement(`SELECT coalesce(max(through_seq), 0) AS seq FROM email_outbox WHERE conversation_id = ? AND kind IN (${kinds.map(() => '?').join(', ')})`)
      .get(conversationId, ...kinds) as { seq: number };
    return row.seq;
  }

  async checkWritable(): Promise<void> {
    await this.write('checkWritable', Date.now());
  }

  // ---- Integrations (issue 13) ----

  async createWebhook(webhook: WebhookRecord): Promise<void> {
    await this.write('createWebhook', webhook);
  }

  async listWebhooks(): Promise<WebhookRecord[]> {
    return (this.statement('SELECT * FROM webhooks ORDER BY created_at, rowid').all() as WebhookRow[]).map(toWebhook);
  }

  async getWebhook(id: string): Promise<WebhookRecord | null> {
    const row = this.statement('SELECT * FROM webhooks WHERE id = ?').get(id) as WebhookRow | undefined;
    return row ? toWebhook(row) : null;
  }

  async updateWebhook(id: string, patch: WebhookPatch): Promise<WebhookRecord | null> {
    return this.write('updateWebhook', id, patch);
  }

  async deleteWebhook(id: string): Promise<boolean> {
    return this.write('deleteWebhook', id);
  }

  async enqueueWebhookEvent(event: WebhookEventRecord, options: { webhookId?: string } = {}): Promise<number> {
    return this.write('enqueueWebhookEvent', event, options.webhookId ?? null);
  }

  async missedWebhookEvents(from: number, to: number, limit: number): Promise<MissedWebhookEvent[]> {
    // Messages by their time-ordered ids (the primary key's index), with a margin for the writer's queue.
    return this.statement(
      `WITH made (id, conversation_id, seq, created_at, type) AS (
         SELECT id, conversation_id, seq, created_at,
                CASE WHEN kind = 'text' THEN 'message.created'
                     WHEN kind = 'event' AND json_extract(body, '$.event.type') = 'assigned' THEN 'conversation.assigned'
                     WHEN kind = 'event' AND json_extract(body, '$.event.type') = 'closed' THEN 'conversation.closed'
                     WHEN kind = 'event' AND json_extract(body, '$.event.type') = 'queued'
                          AND json_extract(body, '$.event.reason') IS NOT NULL THEN 'conversation.handed_off' END
         FROM messages WHERE id >= ? AND id < ? AND created_at >= ? AND created_at < ?
         UNION ALL
         SELECT id, id, 0, created_at, 'conversation.created' FROM conversations WHERE created_at >= ? AND created_at < ?
         UNION ALL
         SELECT id || ':rated:' || json_extract(rating, '$.ratedAt'), id, 0, json_extract(rating, '$.ratedAt'), 'conversation.rated'
         FROM conversations WHERE rating IS NOT NULL AND json_extract(rating, '$.ratedAt') >= ? AND json_extract(rating, '$.ratedAt') < ?
       )
       SELECT h.id AS webhookId, made.type, made.id, made.conversation_id AS conversationId, made.seq, made.created_at AS createdAt
       FROM made JOIN webhooks h ON h.active AND h.created_at <= made.created_at
         AND EXISTS (SELECT 1 FROM json_each(h.events) WHERE value = made.type)
       WHERE NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.webhook_id = h.id AND d.event_id = made.id)
       ORDER BY made.created_at, made.id, h.created_at LIMIT ?`,
    ).all(messageIdFloor(from - ID_TIME_MARGIN_MS), messageIdFloor(to + ID_TIME_MARGIN_MS), from, to, from, to, from, to, limit) as MissedWebhookEvent[];
  }

  async dueWebhookDeliveries(now: number, limit: number, skipWebhooks: readonly string[] = []): Promise<WebhookDeliveryRecord[]> {
    const rows = this
      .statement(
        `SELECT * FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= ?
           AND webhook_id NOT IN (SELECT value FROM json_each(?))
           AND (event_type = 'ping' OR webhook_id IN (SELECT id FROM webhooks WHERE active))
         ORDER BY next_attempt_at LIMIT ?`,
      )
      .all(now, JSON.stringify(skipWebhooks), limit) as DeliveryRow[];
    return rows.map(toDelivery);
  }

  async getWebhookDelivery(id: string): Promise<WebhookDeliveryRecord | null> {
    const row = this.statement('SELECT * FROM webhook_deliveries WHERE id = ?').get(id) as DeliveryRow | undefined;
    return row ? toDelivery(row) : null;
  }

  async listWebhookDeliveries({ webhookId, status, limit }: { webhookId: string; status?: WebhookDeliveryStatus; limit: number }) {
    const rows = this
      .statement(
        `SELECT * FROM webhook_deliveries WHERE webhook_id = ? AND (? IS NULL OR status = ?) ORDER BY created_at DESC, rowid DESC LIMIT ?`,
      )
      .all(webhookId, status ?? null, status ?? null, limit) as DeliveryRow[];
    return rows.map((row) => withoutBody(toDelivery(row)));
  }

  async recordWebhookAttempt(id: string, attempts: number, attempt: WebhookAttempt): Promise<WebhookDelivery | null> {
    return this.write('recordWebhookAttempt', id, attempts, attempt);
  }

  async retryWebhookDelivery(id: string, now: number): Promise<WebhookDelivery | null> {
    return this.write('retryWebhookDelivery', id, now);
  }

  async pruneWebhookDeliveries(createdBefore: number, limit: number): Promise<number> {
    return this.write('pruneWebhookDeliveries', createdBefore, limit);
  }

  async createApiToken(token: ApiTokenRecord): Promise<void> {
    await this.write('createApiToken', token);
  }

  async listApiTokens(): Promise<ApiToken[]> {
    return (this.statement('SELECT * FROM api_tokens ORDER BY created_at DESC, rowid DESC').all() as ApiTokenRow[]).map((row) => publicToken(toApiToken(row)));
  }

  async findApiToken(tokenHash: string): Promise<ApiTokenRecord | null> {
    const row = this.statement('SELECT * FROM api_tokens WHERE token_hash = ?').get(tokenHash) as ApiTokenRow | undefined;
    return row ? toApiToken(row) : null;
  }

  async touchApiToken(id: string, at: number, resolutionMs: number): Promise<void> {
    await this.write('touchApiToken', id, at, resolutionMs);
  }

  async revokeApiToken(id: string, at: number): Promise<ApiToken | null> {
    return this.write('revokeApiToken', id, at);
  }

  /** Drains the writes asked for (each still resolves once durable), then closes both threads. */
  async close(): Promise<void> {
    await this.reads.close?.();
    await this.writer.close();
    await this.wal?.close();
    if (this.db.open) this.db.close();
  }
}

interface AuditRow {
  id: string;
  at: number;
  actor_id: string;
  actor_name: string;
  action: AuditEntry['action'];
  target_type: AuditEntry['target']['type'];
  target_id: string;
  detail: string;
}

function toAuditEntry(row: AuditRow): AuditEntry {
  return {
    id: row.id,
    at: row.at,
    actor: { id: row.actor_id, name: row.actor_name },
    action: row.action,
    target: { type: row.target_type, id: row.target_id },
    detail: JSON.parse(row.detail) as AuditEntry['detail'],
  };
}

/** The writes on the store's own connection, in the event loop's group commit. */
function inProcessWriter(writes: SqliteWrites, group: GroupCommit): StoreWriter {
  return {
    run<Op extends WriteOp>(op: Op, ...args: Parameters<SqliteWrites[Op]>): Promise<ReturnType<SqliteWrites[Op]>> {
      const method = writes[op] as (...a: Parameters<SqliteWrites[Op]>) => ReturnType<SqliteWrites[Op]>;
      return group.run(() => method.apply(writes, args));
    },
    get commits() {
      return group.commits;
    },
    close: () => group.close(),
  };
}

/** The reads on the store's own connection, with the search index attached in memory. */
function inProcessReads(db: Database.Database): ReadQueries & { flushSearch(): Promise<void> } {
  db.exec("ATTACH DATABASE ':memory:' AS search");
  db.exec(searchSchema('search'));
  const indexer = new SearchIndexer(db, db, 'search');
  indexer.begin();
  const reads = new SqliteReads(db);
  return {
    searchConversations: async (query) => {
      indexer.catchUp();
      return reads.searchConversations(query);
    },
    reportFacts: async (from, to) => reads.reportFacts(from, to),
    answerFeedbackCounts: async (from, to) => reads.answerFeedbackCounts(from, to),
    knowledgeGaps: async (from, to, limit) => reads.knowledgeGaps(from, to, limit),
    knowledgeUsage: async (from, to) => reads.knowledgeUsage(from, to),
    knowledgeQuestions: async (entryId, from, limit) => reads.knowledgeQuestions(entryId, from, limit),
    knowledgeAnswerOutcomes: async (from, to) => reads.knowledgeAnswerOutcomes(from, to),
    knowledgeGapCounts: async (edges) => reads.knowledgeGapCounts(edges),
    report: async (range, now) => reads.report(range, now),
    forgetQuestions: async () => reads.forgetQuestions(),
    flushSearch: async () => indexer.catchUp(),
  };
}

function migrate(db: Database.Database): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  if (current > MIGRATIONS.length) {
    throw new Error(
      `The database was written by a newer support-chat (schema ${current}, this version knows ${MIGRATIONS.length}).`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.pragma(`user_version = ${version + 1}`);
    })();
  }
}
