import fs from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import Database from 'better-sqlite3';
import type { CannedReply, ChatMessage, ConversationStatus, KnowledgeGap, RoutingSettings, VisitorContext } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import type {
  AgentRecord,
  AppendResult,
  ConversationFacts,
  ConversationFilter,
  ConversationSearch,
  ConversationRecord,
  MessageDraft,
  SessionRecord,
  Store,
  VisitorRecord,
} from './types.js';
import { DEFAULT_ROUTING_SETTINGS } from './types.js';
import { WalSync } from './wal-sync.js';

const ROUTING_SETTINGS_KEY = 'routing';

/** Schema migrations, applied in order; `user_version` remembers how far a database got. */
const MIGRATIONS: string[] = [
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
];

interface ConversationRow {
  id: string;
  visitor_id: string;
  status: ConversationStatus;
  assigned_agent_id: string | null;
  locale: string;
  context: string;
  last_seq: number;
  created_at: number;
  updated_at: number;
  queued_at: number | null;
  closed_at: number | null;
  handoff_reason: string | null;
  left_message: string | null;
  visitor_read_seq: number;
  agent_read_seq: number;
  rating: string | null;
  human_involved: number;
  assigned_at: number | null;
}

interface AgentRow {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  capacity: number;
}

const CONVERSATION_COLUMNS: Record<string, keyof ConversationRow> = {
  status: 'status',
  assignedAgentId: 'assigned_agent_id',
  locale: 'locale',
  context: 'context',
  updatedAt: 'updated_at',
  queuedAt: 'queued_at',
  closedAt: 'closed_at',
  handoffReason: 'handoff_reason',
  leftMessage: 'left_message',
  rating: 'rating',
  humanInvolved: 'human_involved',
  assignedAt: 'assigned_at',
};

/** How a ConversationRecord field is stored in its column (JSON for objects, 0/1 for booleans). */
function toColumnValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

function toConversation(row: ConversationRow): ConversationRecord {
  return {
    id: row.id,
    visitorId: row.visitor_id,
    status: row.status,
    assignedAgentId: row.assigned_agent_id,
    locale: row.locale === 'zh-CN' ? 'zh-CN' : 'en',
    context: JSON.parse(row.context) as VisitorContext,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    queuedAt: row.queued_at,
    closedAt: row.closed_at,
    handoffReason: (row.handoff_reason as ConversationRecord['handoffReason']) ?? null,
    leftMessage: row.left_message ? (JSON.parse(row.left_message) as ConversationRecord['leftMessage']) : null,
    visitorReadSeq: row.visitor_read_seq ?? 0,
    agentReadSeq: row.agent_read_seq ?? 0,
    rating: row.rating ? (JSON.parse(row.rating) as ConversationRecord['rating']) : null,
    humanInvolved: row.human_involved === 1,
    assignedAt: row.assigned_at ?? null,
  };
}

function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role === 'admin' ? 'admin' : 'agent',
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    capacity: row.capacity,
  };
}

/**
 * The default store: one SQLite file under the data directory (better-sqlite3: synchronous,
 * transactional, the fastest embedded option for Node). WAL mode; every write commits at once and
 * resolves only once the WAL is on disk (group commit, see wal-sync.ts), so a write that resolved
 * survives a process kill and a power loss, and many writes share one fsync.
 */
export class SqliteStore implements Store {
  private readonly db: Database.Database;

  /** Null for an in-memory database (tests): nothing to sync. */
  private readonly wal: WalSync | null;

  /** Statements compiled once per SQL text: better-sqlite3 compiles again on every `prepare`. */
  private readonly statements = new Map<string, Database.Statement>();

  private constructor(db: Database.Database, wal: WalSync | null) {
    this.db = db;
    this.wal = wal;
  }

  /** The last step of every write: `value` once everything committed so far is on disk. */
  private async durable<T>(value: T): Promise<T> {
    if (this.wal) await this.wal.flush();
    return value;
  }

  private statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  /** Opens (creating if needed) `<dataDir>/support-chat.sqlite`, or an in-memory database for `':memory:'`. */
  static open(dataDir: string | ':memory:'): SqliteStore {
    let file = ':memory:';
    if (dataDir !== ':memory:') {
      fs.mkdirSync(dataDir, { recursive: true });
      file = path.join(dataDir, 'support-chat.sqlite');
    }
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    // NORMAL commits without an fsync; WalSync makes each write durable before it resolves, off
    // the event loop and shared by every write in flight. SQLite still syncs around checkpoints.
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    migrate(db);
    // Reading the schema version opened the WAL file, which stays while the connection is open.
    return new SqliteStore(db, file === ':memory:' ? null : WalSync.open(file));
  }

  async createVisitor(visitor: VisitorRecord): Promise<void> {
    this
      .statement('INSERT INTO visitors (id, created_at) VALUES (?, ?)')
      .run(visitor.id, visitor.createdAt);
    return this.durable(undefined);
  }

  async getVisitor(id: string): Promise<VisitorRecord | null> {
    const row = this.statement('SELECT id, created_at FROM visitors WHERE id = ?').get(id) as
      | { id: string; created_at: number }
      | undefined;
    return row ? { id: row.id, createdAt: row.created_at } : null;
  }

  async createConversation(c: ConversationRecord): Promise<void> {
    this.insertConversation(c);
    return this.durable(undefined);
  }

  private insertConversation(c: ConversationRecord): void {
    this
      .statement(
        `INSERT INTO conversations (id, visitor_id, status, assigned_agent_id, locale, context,
           last_seq, created_at, updated_at, queued_at, closed_at, handoff_reason, left_message,
           visitor_read_seq, agent_read_seq, rating, human_involved, assigned_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        c.id,
        c.visitorId,
        c.status,
        c.assignedAgentId,
        c.locale,
        JSON.stringify(c.context),
        c.lastSeq,
        c.createdAt,
        c.updatedAt,
        c.queuedAt,
        c.closedAt,
        c.handoffReason ?? null,
        toColumnValue(c.leftMessage),
        c.visitorReadSeq ?? 0,
        c.agentReadSeq ?? 0,
        toColumnValue(c.rating),
        c.humanInvolved ? 1 : 0,
        c.assignedAt ?? null,
      );
  }

  async openConversation(candidate: ConversationRecord): Promise<{ conversation: ConversationRecord; created: boolean }> {
    const opened = this.db.transaction(() => {
      const latest = this.latestConversationOf(candidate.visitorId);
      if (latest && latest.status !== 'closed') return { conversation: latest, created: false };
      this
        .statement('INSERT OR IGNORE INTO visitors (id, created_at) VALUES (?, ?)')
        .run(candidate.visitorId, candidate.createdAt);
      const conversation = { ...candidate, context: latest && Object.keys(candidate.context).length === 0 ? latest.context : candidate.context };
      this.insertConversation(conversation);
      return { conversation, created: true };
    })();
    // Finding the open one wrote nothing. (If a racing call created it and still waits for its
    // sync, whatever the caller writes next is synced after it: the WAL keeps commit order.)
    return opened.created ? this.durable(opened) : opened;
  }

  async getConversation(id: string): Promise<ConversationRecord | null> {
    return this.conversationById(id);
  }

  private conversationById(id: string): ConversationRecord | null {
    const row = this.statement('SELECT * FROM conversations WHERE id = ?').get(id) as
      | ConversationRow
      | undefined;
    return row ? toConversation(row) : null;
  }

  async findLatestConversation(visitorId: string): Promise<ConversationRecord | null> {
    return this.latestConversationOf(visitorId);
  }

  private latestConversationOf(visitorId: string): ConversationRecord | null {
    const row = this
      .statement(
        'SELECT * FROM conversations WHERE visitor_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1',
      )
      .get(visitorId) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
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
    const order = filter.order === 'queue' ? 'queued_at ASC, rowid ASC' : 'updated_at DESC';
    const sql = `SELECT * FROM conversations ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY ${order} LIMIT ?`;
    params.push(filter.limit ?? 200);
    return (this.statement(sql).all(...params) as ConversationRow[]).map(toConversation);
  }

  async transitionConversation(
    id: string,
    fromStatuses: readonly ConversationStatus[],
    patch: Partial<Omit<ConversationRecord, 'id' | 'visitorId' | 'createdAt' | 'lastSeq'>>,
  ): Promise<ConversationRecord | null> {
    const sets: string[] = [];
    const params: unknown[] = [];
    for (const [key, value] of Object.entries(patch)) {
      if (value === undefined) continue;
      const column = CONVERSATION_COLUMNS[key];
      if (!column) throw new Error(`transitionConversation: unknown field ${key}`);
      sets.push(`${column} = ?`);
      params.push(toColumnValue(value));
    }
    if (sets.length === 0) return this.conversationById(id);
    const row = this
      .statement(
        `UPDATE conversations SET ${sets.join(', ')}
         WHERE id = ? AND status IN (${fromStatuses.map(() => '?').join(', ')}) RETURNING *`,
      )
      .get(...params, id, ...fromStatuses) as ConversationRow | undefined;
    return row ? this.durable(toConversation(row)) : null;
  }

  async updateConversationContext(id: string, context: VisitorContext): Promise<void> {
    this
      .statement('UPDATE conversations SET context = ? WHERE id = ?')
      .run(JSON.stringify(context), id);
    return this.durable(undefined);
  }

  async markConversationRead(id: string, reader: 'visitor' | 'agent', seq: number): Promise<ConversationRecord | null> {
    const column = reader === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    const row = this
      .statement(
        `UPDATE conversations SET ${column} = MIN(?, last_seq) WHERE id = ? AND ${column} < MIN(?, last_seq) RETURNING *`,
      )
      .get(seq, id, seq) as ConversationRow | undefined;
    return row ? this.durable(toConversation(row)) : null;
  }

  async getRoutingSettings(): Promise<RoutingSettings> {
    const stored = await this.getSetting(ROUTING_SETTINGS_KEY);
    return { ...structuredClone(DEFAULT_ROUTING_SETTINGS), ...(stored ? (JSON.parse(stored) as Partial<RoutingSettings>) : {}) };
  }

  async saveRoutingSettings(settings: RoutingSettings): Promise<void> {
    this
      .statement('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(ROUTING_SETTINGS_KEY, JSON.stringify(settings));
    return this.durable(undefined);
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
    // A retried send may find a stored copy that is still waiting for its sync: wait too.
    return this.durable(this.appendInTransaction(conversationId, draft, now));
  }

  private readonly appendInTransaction = (conversationId: string, draft: MessageDraft, now: number) =>
    this.db.transaction((): AppendResult => {
      if (draft.clientId) {
        const existing = this
          .statement('SELECT body FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_id = ?')
          .get(conversationId, draft.senderId, draft.clientId) as { body: string } | undefined;
        if (existing) {
          const conversation = this.conversationById(conversationId)!;
          return { message: JSON.parse(existing.body) as ChatMessage, conversation, created: false };
        }
      }
      const bumped = this
        .statement('UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? RETURNING *')
        .get(now, conversationId) as ConversationRow | undefined;
      if (!bumped) throw new Error(`appendMessage: no conversation ${conversationId}`);
      const { senderId, ...fields } = draft;
      const message: ChatMessage = {
        ...fields,
        id: randomUUID(),
        conversationId,
        seq: bumped.last_seq,
        createdAt: now,
      };
      this
        .statement(
          `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, created_at, body)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          message.id,
          conversationId,
          message.seq,
          senderId,
          draft.clientId ?? null,
          message.kind,
          now,
          JSON.stringify(message),
        );
      return { message, conversation: toConversation(bumped), created: true };
    })();

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

  async setMessageFeedback(
    messageId: string,
    visitorId: string,
    feedback: NonNullable<ChatMessage['feedback']>,
  ): Promise<ChatMessage | null> {
    const row = this
      .statement(
        `UPDATE messages SET body = json_set(body, '$.feedback', ?)
         WHERE id = ? AND json_extract(body, '$.author') = 'ai'
           AND conversation_id IN (SELECT id FROM conversations WHERE visitor_id = ?)
         RETURNING body`,
      )
      .get(feedback, messageId, visitorId) as { body: string } | undefined;
    return row ? this.durable(JSON.parse(row.body) as ChatMessage) : null;
  }

  async createAgent(agent: AgentRecord): Promise<void> {
    this
      .statement(
        'INSERT INTO agents (id, email, name, role, password_hash, created_at, capacity) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(agent.id, agent.email, agent.name, agent.role, agent.passwordHash, agent.createdAt, agent.capacity);
    return this.durable(undefined);
  }

  async getAgent(id: string): Promise<AgentRecord | null> {
    const row = this.statement('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
    return row ? toAgent(row) : null;
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

  async createSession(session: SessionRecord): Promise<void> {
    this
      .statement('INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .run(session.tokenHash, session.agentId, session.createdAt, session.expiresAt);
    return this.durable(undefined);
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
    this.statement('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
    return this.durable(undefined);
  }

  async getSetting(key: string): Promise<string | null> {
    const row = this.statement('SELECT value FROM settings WHERE key = ?').get(key) as
      | { value: string }
      | undefined;
    return row?.value ?? null;
  }

  async setSettingIfAbsent(key: string, value: string): Promise<string> {
    this.statement('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, value);
    return this.durable((await this.getSetting(key)) ?? value);
  }

  async listAgents(): Promise<AgentRecord[]> {
    return (this.statement('SELECT * FROM agents ORDER BY created_at').all() as AgentRow[]).map(toAgent);
  }

  async updateAgent(
    id: string,
    patch: Partial<Pick<AgentRecord, 'name' | 'role' | 'capacity' | 'passwordHash'>>,
  ): Promise<AgentRecord | null> {
    const columns: Record<string, string> = { name: 'name', role: 'role', capacity: 'capacity', passwordHash: 'password_hash' };
    const entries = Object.entries(patch).filter(([, value]) => value !== undefined);
    if (entries.length > 0) {
      const sets = entries.map(([key]) => `${columns[key]} = ?`).join(', ');
      this.statement(`UPDATE agents SET ${sets} WHERE id = ?`).run(...entries.map(([, value]) => value), id);
    }
    return this.durable(await this.getAgent(id));
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
    const taken = this.statement('SELECT id FROM canned_replies WHERE shortcut = ? AND id != ?').get(reply.shortcut, reply.id);
    if (taken) throw new ChatError('conflict', `Another canned reply already uses /${reply.shortcut}.`);
    this
      .statement(
        `INSERT INTO canned_replies (id, shortcut, text, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, text = excluded.text, updated_at = excluded.updated_at`,
      )
      .run(reply.id, reply.shortcut, reply.text, reply.updatedAt);
    return this.durable(undefined);
  }

  async deleteCannedReply(id: string): Promise<boolean> {
    return this.durable(this.statement('DELETE FROM canned_replies WHERE id = ?').run(id).changes === 1);
  }

  async searchConversations({ text, status, from, to, limit }: ConversationSearch): Promise<ConversationRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (status) {
      where.push('c.status = ?');
      params.push(status);
    }
    if (from !== undefined) {
      where.push('c.created_at >= ?');
      params.push(from);
    }
    if (to !== undefined) {
      where.push('c.created_at <= ?');
      params.push(to);
    }
    if (text) {
      // LIKE with escaped wildcards: a visitor id, anything in the context (page, attributes
      // such as name or email), or any message text, notes included.
      const pattern = `%${text.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      where.push(`(lower(c.visitor_id) LIKE ? ESCAPE '\\' OR lower(c.context) LIKE ? ESCAPE '\\'
        OR EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id
                   AND lower(json_extract(m.body, '$.text')) LIKE ? ESCAPE '\\'))`);
      params.push(pattern, pattern, pattern);
    }
    const sql = `SELECT c.* FROM conversations c ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY c.updated_at DESC LIMIT ?`;
    return (this.statement(sql).all(...params, limit) as ConversationRow[]).map(toConversation);
  }

  async reportFacts(from: number, to: number): Promise<ConversationFacts[]> {
    const rows = this
      .statement(
        `SELECT c.*,
           (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.kind = 'event'
              AND json_extract(m.body, '$.event.type') = 'queued') AS handed_off_at,
           (SELECT MIN(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.kind = 'text'
              AND json_extract(m.body, '$.author') = 'agent') AS first_agent_reply_at
         FROM conversations c WHERE c.created_at >= ? AND c.created_at < ? ORDER BY c.created_at`,
      )
      .all(from, to) as (ConversationRow & {
      handed_off_at: number | null;
      first_agent_reply_at: number | null;
    })[];
    return rows.map((row) => ({
      conversation: toConversation(row),
      handedOffAt: row.handed_off_at,
      firstAgentReplyAt: row.first_agent_reply_at,
    }));
  }

  async answerFeedbackCounts(from: number, to: number): Promise<{ helpful: number; notHelpful: number }> {
    const row = this
      .statement(
        `SELECT
           SUM(json_extract(body, '$.feedback') = 'helpful') AS helpful,
           SUM(json_extract(body, '$.feedback') = 'not_helpful') AS not_helpful
         FROM messages WHERE kind = 'text' AND json_extract(body, '$.author') = 'ai'
           AND created_at >= ? AND created_at < ?`,
      )
      .get(from, to) as { helpful: number | null; not_helpful: number | null };
    return { helpful: row.helpful ?? 0, notHelpful: row.not_helpful ?? 0 };
  }

  async knowledgeGaps(from: number, to: number, limit: number): Promise<KnowledgeGap[]> {
    // Each AI reply that could not answer, paired with the visitor message it replied to.
    const rows = this
      .statement(
        // With a single MAX(), SQLite takes the bare columns (question, conversation_id) from the
        // row holding the maximum: the most recent asking of each question.
        `SELECT q.question, COUNT(*) AS count, MAX(q.asked_at) AS last_asked_at, q.conversation_id
         FROM (
           SELECT
             (SELECT json_extract(v.body, '$.text') FROM messages v WHERE v.conversation_id = a.conversation_id
                AND v.seq < a.seq AND json_extract(v.body, '$.author') = 'visitor' ORDER BY v.seq DESC LIMIT 1) AS question,
             a.conversation_id,
             a.created_at AS asked_at
           FROM messages a
           WHERE a.kind = 'text' AND json_extract(a.body, '$.author') = 'ai'
             AND json_extract(a.body, '$.provenance.answered') = 0
             AND a.created_at >= ? AND a.created_at < ?
         ) q
         WHERE q.question IS NOT NULL
         GROUP BY lower(trim(q.question))
         ORDER BY count DESC, last_asked_at DESC
         LIMIT ?`,
      )
      .all(from, to, limit) as { question: string; count: number; last_asked_at: number; conversation_id: string }[];
    return rows.map((r) => ({
      question: r.question,
      count: r.count,
      lastAskedAt: r.last_asked_at,
      conversationId: r.conversation_id,
    }));
  }

  async close(): Promise<void> {
    await this.wal?.close();
    if (this.db.open) this.db.close();
  }
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
