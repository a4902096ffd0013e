/**
 * Every write of the SQLite store, once: synchronous methods over one connection, each taking and
 * returning plain data. The store runs them in process inside its group commit (group-commit.ts),
 * and the writer thread (sqlite-write-worker.ts) runs the same methods by name for the commands the
 * main thread posts it; so the two writers cannot drift apart. The few reads a write needs (the
 * open conversation, a conversation by id) are here too, and the store's own reads use them.
 */
import { ACTIVITY_STEP_MS } from './activity-step.js';
import { ClientIdFilter } from './client-id-filter.js';
import { CONVERSATION_FIELDS } from './conversation-fields.js';
import { newMessageId } from './message-ids.js';
import type Database from 'better-sqlite3';
import type { ApiToken, WebhookDelivery, AuditEntry, CannedReply, ChatMessage, ConversationStatus, RoutingSettings, VisitorContext, ConsoleKnowledgeEntry, KnowledgeProposal, KnowledgeProposalExample, KnowledgeProposalStatus, LearnedPhrasing } from '@support-chat/shared';
import { ChatError } from '../errors.js';
import { applyLabelChange } from './label-change.js';
import { forgetConversations } from './proposal-erasure.js';
import type { LabelChange, LabelChangeResult } from './types.js';
import type { AgentRecord, AppendResult, AttachmentRecord, VisitorErased, ConversationRecord, EmailPatch, EmailRecord, MessageDraft, SessionRecord, VisitorRecord, KnowledgeEntryWrite } from './types.js';
import { toAgent, type AgentRow } from './agent-row.js';
import { toConversation, toEmail, type ConversationRow, type EmailRow, toKnowledgeEntry, type KnowledgeEntryRow, toProposal, type ProposalRow } from './sqlite-rows.js';
import type { ApiTokenRecord, WebhookAttempt, WebhookEventRecord, WebhookPatch, WebhookRecord } from './integration-types.js';
import { holdDeliveriesSql, publicToken, toApiToken, toDelivery, toWebhook, withoutBody, type ApiTokenRow, type DeliveryRow, type WebhookRow } from './integration-rows.js';


export const ROUTING_SETTINGS_KEY = 'routing';

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

const AGENT_COLUMNS: Record<string, string> = { name: 'name', role: 'role', capacity: 'capacity', passwordHash: 'password_hash', locale: 'locale' };

export type ConversationPatch = Partial<Omit<ConversationRecord, 'id' | 'visitorId' | 'createdAt' | 'lastSeq'>>;
export type AgentPatch = Partial<Pick<AgentRecord, 'name' | 'role' | 'capacity' | 'passwordHash' | 'locale'>>;

/** How a ConversationRecord field is stored in its column (JSON for objects, 0/1 for booleans). */
function toColumnValue(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === 'boolean') return value ? 1 : 0;
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

export class SqliteWrites {
  /** Statements compiled once per SQL text: better-sqlite3 compiles again on every `prepare`. */
  private readonly statements = new Map<string, Database.Statement>();

  /** Which client ids each conversation stored: most sends need no dedupe read (client-id-filter.ts). */
  private readonly clientIds = new ClientIdFilter((conversationId) =>
    this
      .statement('SELECT sender_id, client_id FROM messages WHERE conversation_id = ? AND client_id IS NOT NULL')
      .raw()
      .all(conversationId) as [string, string][],
  );

  constructor(private readonly db: Database.Database) {}

  statement(sql: string): Database.Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.db.prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  conversationById(id: string): ConversationRecord | null {
    const row = this.statement(`SELECT ${CONVERSATION_FIELDS} FROM conversations WHERE id = ?`).get(id) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  latestConversationOf(visitorId: string): ConversationRecord | null {
    const row = this
      .statement(`SELECT ${CONVERSATION_FIELDS} FROM conversations WHERE visitor_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1`)
      .get(visitorId) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  agentById(id: string): AgentRecord | null {
    const row = this.statement('SELECT * FROM agents WHERE id = ?').get(id) as AgentRow | undefined;
    return row ? toAgent(row) : null;
  }

  settingValue(key: string): string | null {
    const row = this.statement('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return row?.value ?? null;
  }

  createVisitor(visitor: VisitorRecord): void {
    this.statement('INSERT INTO visitors (id, created_at) VALUES (?, ?)').run(visitor.id, visitor.createdAt);
  }

  /** A visitor stored as they first write (`at`); an erased one's bare record gets its first-seen time again. */
  private visitorSeen(visitorId: string, at: number): void {
    this.statement('INSERT INTO visitors (id, created_at) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET created_at = excluded.created_at WHERE created_at = 0').run(visitorId, at);
  }

  /**
   * The bare record an erasure or an adoption leaves in a visitor's place: no first-seen time
   * (`created_at` 0), sessions from `at` and above any before, so no earlier token opens it.
   */
  private keepSessionsFloor(visitorId: string, at: number): void {
    this.statement(
      'INSERT INTO visitors (id, created_at, sessions_from) VALUES (?, 0, ?) ON CONFLICT (id) DO UPDATE SET created_at = 0, sessions_from = max(sessions_from + 1, excluded.sessions_from)',
    ).run(visitorId, at);
  }

  adoptVisitor(fromVisitorId: string, toVisitorId: string, at: number): string[] {
    const moved = this.statement('SELECT id FROM conversations WHERE visitor_id = ? ORDER BY created_at, rowid').pluck().all(fromVisitorId) as string[];
    if (moved.length === 0) return moved;
    this.visitorSeen(toVisitorId, at);
    this.statement('UPDATE conversations SET visitor_id = ? WHERE visitor_id = ?').run(toVisitorId, fromVisitorId);
    // The search index finds a conversation by its visitor's id too: it reads these again.
    this.statement('INSERT INTO search_queue (conversation_id) SELECT id FROM conversations WHERE id IN (SELECT value FROM json_each(?))').run(JSON.stringify(moved));
    // Nothing of theirs is left there: a bare record (no 'moved' notice for a tab still holding
    // its token, which is refused, issued in this millisecond too).
    this.keepSessionsFloor(fromVisitorId, at);
    return moved;
  }

  restartVisitorSessions(visitorId: string, at: number): void {
    this.statement(
      'INSERT INTO visitors (id, created_at, sessions_from) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET sessions_from = max(sessions_from, excluded.sessions_from)',
    ).run(visitorId, at, at);
  }

  createConversation(c: ConversationRecord): void {
    this
      .statement(
        `INSERT INTO conversations (id, visitor_id, status, assigned_agent_id, locale, context,
           last_seq, created_at, updated_at, queued_at, closed_at, handoff_reason, left_message,
           visitor_read_seq, agent_read_seq, rating, human_involved, assigned_at, labels)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
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
        JSON.stringify(c.labels ?? []),
      );
  }

  /** The create part of `openConversation`: the caller already looked and found none open. */
  openConversation(candidate: ConversationRecord): { conversation: ConversationRecord; created: boolean } {
    // Checked again in the write: a create queued before this one in the batch may have won.
    const latest = this.latestConversationOf(candidate.visitorId);
    if (latest && latest.status !== 'closed') return { conversation: latest, created: false };
    this.visitorSeen(candidate.visitorId, candidate.createdAt);
    const conversation = { ...candidate, context: latest && Object.keys(candidate.context).length === 0 ? latest.context : candidate.context };
    this.createConversation(conversation);
    return { conversation, created: true };
  }

  transitionConversation(
    id: string,
    fromStatuses: readonly ConversationStatus[],
    patch: ConversationPatch,
    expect?: { assignedAgentId: string | null },
  ): ConversationRecord | null {
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
         WHERE id = ? AND status IN (${fromStatuses.map(() => '?').join(', ')})${expect ? ' AND assigned_agent_id IS ?' : ''} RETURNING *`,
      )
      .get(...params, id, ...fromStatuses, ...(expect ? [expect.assignedAgentId] : [])) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  updateConversationContext(id: string, context: VisitorContext): void {
    this.statement('UPDATE conversations SET context = ? WHERE id = ?').run(JSON.stringify(context), id);
  }

  /** `Store.changeConversationLabels`: read, changed and written in one transaction (the group commit's). */
  changeConversationLabels(id: string, change: LabelChange): LabelChangeResult | null {
    const current = this.conversationById(id);
    if (!current) return null;
    const { labels, added, removed } = applyLabelChange(current.labels ?? [], change);
    if (added.length === 0 && removed.length === 0) return { conversation: current, added, removed };
    const row = this.statement('UPDATE conversations SET labels = ? WHERE id = ? RETURNING *').get(JSON.stringify(labels), id) as ConversationRow;
    return { conversation: toConversation(row), added, removed };
  }

  markConversationRead(id: string, reader: 'visitor' | 'agent', seq: number): ConversationRecord | null {
    const column = reader === 'visitor' ? 'visitor_read_seq' : 'agent_read_seq';
    const row = this
      .statement(`UPDATE conversations SET ${column} = MIN(?, last_seq) WHERE id = ? AND ${column} < MIN(?, last_seq) RETURNING *`)
      .get(seq, id, seq) as ConversationRow | undefined;
    return row ? toConversation(row) : null;
  }

  saveRoutingSettings(settings: RoutingSettings): void {
    this
      .statement('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
      .run(ROUTING_SETTINGS_KEY, JSON.stringify(settings));
  }

  appendMessage(conversationId: string, draft: MessageDraft, now: number): AppendResult {
    if (draft.clientId && this.clientIds.mayHave(conversationId, draft.senderId, draft.clientId)) {
      const existing = this
        .statement('SELECT body FROM messages WHERE conversation_id = ? AND sender_id = ? AND client_id = ?')
        .get(conversationId, draft.senderId, draft.clientId) as { body: string } | undefined;
      if (existing) {
        const conversation = this.conversationById(conversationId)!;
        return { message: JSON.parse(existing.body) as ChatMessage, conversation, created: false };
      }
    }
    // An UPDATE, then the row read by its key: 6 µs less than `RETURNING *` (which materializes
    // the whole row through a temporary table) on the writer's busiest statement.
    // `updated_at` moves only a second at a time (activity-step.ts); the second statement leaves
    // it, and so the inbox's indexes, alone.
    const moved = this
      .statement(`UPDATE conversations SET last_seq = last_seq + 1, updated_at = ? WHERE id = ? AND ? - updated_at >= ${ACTIVITY_STEP_MS}`)
      .run(now, conversationId, now).changes;
    const changes = moved || this.statement('UPDATE conversations SET last_seq = last_seq + 1 WHERE id = ?').run(conversationId).changes;
    if (changes === 0) throw new Error(`appendMessage: no conversation ${conversationId}`);
    const bumped = this.conversationById(conversationId)!;
    const { senderId, ...fields } = draft;
    const message: ChatMessage = { ...fields, id: newMessageId(), conversationId, seq: bumped.lastSeq, createdAt: now };
    this
      .statement(
        `INSERT INTO messages (id, conversation_id, seq, sender_id, client_id, kind, created_at, body)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(message.id, conversationId, message.seq, senderId, draft.clientId ?? null, message.kind, now, JSON.stringify(message));
    if (draft.clientId) this.clientIds.add(conversationId, senderId, draft.clientId);
    return { message, conversation: bumped, created: true };
  }

  /**
   * `appendMessage` into the visitor's latest conversation while it is open, else null: the
   * visitor's send in one trip to the writer (its read of the open conversation used to run on
   * the event loop before every send). Only the latest counts, as in `openConversation`.
   */
  appendToOpenConversation(visitorId: string, draft: MessageDraft, now: number): AppendResult | null {
    const latest = this
      .statement('SELECT id, status FROM conversations WHERE visitor_id = ? ORDER BY created_at DESC, rowid DESC LIMIT 1')
      .get(visitorId) as { id: string; status: ConversationStatus } | undefined;
    if (!latest || latest.status === 'closed') return null;
    return this.appendMessage(latest.id, draft, now);
  }

  appendWhileStatus(conversationId: string, status: ConversationStatus, draft: MessageDraft, now: number): AppendResult | null {
    const current = this.statement('SELECT status FROM conversations WHERE id = ?').pluck().get(conversationId) as ConversationStatus | undefined;
    if (current !== status) return null;
    return this.appendMessage(conversationId, draft, now);
  }

  appendIfAssignedTo(conversationId: string, agentId: string, draft: MessageDraft, now: number): AppendResult | null {
    const current = this.statement('SELECT status, assigned_agent_id FROM conversations WHERE id = ?').get(conversationId) as
      | { status: ConversationStatus; assigned_agent_id: string | null }
      | undefined;
    if (current?.status !== 'assigned' || current.assigned_agent_id !== agentId) return null;
    return this.appendMessage(conversationId, draft, now);
  }

  setMessageFeedback(messageId: string, visitorId: string, feedback: NonNullable<ChatMessage['feedback']>): ChatMessage | null {
    const row = this
      .statement(
        `UPDATE messages SET body = json_set(body, '$.feedback', ?)
         WHERE id = ? AND json_extract(body, '$.author') = 'ai'
           AND conversation_id IN (SELECT id FROM conversations WHERE visitor_id = ?)
         RETURNING body`,
      )
      .get(feedback, messageId, visitorId) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as ChatMessage) : null;
  }

  createAgent(agent: AgentRecord): void {
    this
      .statement('INSERT INTO agents (id, email, name, role, password_hash, created_at, capacity) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(agent.id, agent.email, agent.name, agent.role, agent.passwordHash, agent.createdAt, agent.capacity);
  }

  updateAgent(id: string, patch: AgentPatch, { endSessions = false }: { endSessions?: boolean } = {}): AgentRecord | null {
    const entries = Object.entries(patch).filter(([key, value]) => value !== undefined && key in AGENT_COLUMNS);
    const sets = entries.map(([key]) => `${AGENT_COLUMNS[key]} = ?`).join(', ');
    const row = (entries.length === 0
      ? this.statement('SELECT * FROM agents WHERE id = ?').get(id)
      : this.statement(`UPDATE agents SET ${sets} WHERE id = ? RETURNING *`).get(...entries.map(([, value]) => value), id)) as AgentRow | undefined;
    if (!row) return null;
    if (endSessions) this.statement('DELETE FROM sessions WHERE agent_id = ?').run(id);
    return toAgent(row);
  }

  /** The writer is the only one, so the count and the update below cannot interleave with another deactivation. */
  deactivateAgent(id: string, at: number): AgentRecord | null {
    const agent = this.agentById(id);
    if (!agent) return null;
    if (agent.role === 'admin' && !agent.deactivatedAt) {
      const { n } = this.statement("SELECT COUNT(*) AS n FROM agents WHERE role = 'admin' AND deactivated_at IS NULL").get() as { n: number };
      if (n <= 1) throw new ChatError('invalid_state', `${agent.name} is the last active admin: make someone else an admin first.`);
    }
    const row = this.statement('UPDATE agents SET deactivated_at = coalesce(deactivated_at, ?) WHERE id = ? RETURNING *').get(at, id) as AgentRow;
    this.statement('DELETE FROM sessions WHERE agent_id = ?').run(id);
    return toAgent(row);
  }

  reactivateAgent(id: string): AgentRecord | null {
    const row = this.statement('UPDATE agents SET deactivated_at = NULL WHERE id = ? RETURNING *').get(id) as AgentRow | undefined;
    return row ? toAgent(row) : null;
  }

  createSession(session: SessionRecord, expect?: { passwordHash: string }): boolean {
    if (!expect) {
      this
        .statement('INSERT INTO sessions (token_hash, agent_id, created_at, expires_at) VALUES (?, ?, ?, ?)')
        .run(session.tokenHash, session.agentId, session.createdAt, session.expiresAt);
      return true;
    }
    const { changes } = this
      .statement(
        `INSERT INTO sessions (token_hash, agent_id, created_at, expires_at)
         SELECT ?, id, ?, ? FROM agents WHERE id = ? AND password_hash = ? AND deactivated_at IS NULL`,
      )
      .run(session.tokenHash, session.createdAt, session.expiresAt, session.agentId, expect.passwordHash);
    return changes === 1;
  }

  deleteSession(tokenHash: string): void {
    this.statement('DELETE FROM sessions WHERE token_hash = ?').run(tokenHash);
  }

  saveSetting(key: string, value: string): void {
    this.statement('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  setSettingIfAbsent(key: string, value: string): string {
    this.statement('INSERT OR IGNORE INTO settings (key, value) VALUES (?, ?)').run(key, value);
    return this.settingValue(key)!;
  }

  saveCannedReply(reply: CannedReply): void {
    const taken = this.statement('SELECT id FROM canned_replies WHERE shortcut = ? AND id != ?').get(reply.shortcut, reply.id);
    if (taken) throw new ChatError('conflict', `Another canned reply already uses /${reply.shortcut}.`);
    this
      .statement(
        `INSERT INTO canned_replies (id, shortcut, text, updated_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET shortcut = excluded.shortcut, text = excluded.text, updated_at = excluded.updated_at`,
      )
      .run(reply.id, reply.shortcut, reply.text, reply.updatedAt);
  }

  deleteCannedReply(id: string): boolean {
    return this.statement('DELETE FROM canned_replies WHERE id = ?').run(id).changes === 1;
  }

  /** Inserts or updates a console knowledge entry and raises `knowledge_version`, in one transaction (issue 14). */
  saveKnowledgeEntry(entry: KnowledgeEntryWrite, expectRevision?: number): ConsoleKnowledgeEntry {
    const stored = this.statement('SELECT revision FROM knowledge_entries WHERE id = ?').pluck().get(entry.id) as number | undefined;
    if (expectRevision !== undefined) {
      if (stored === undefined) throw new ChatError('not_found', 'This knowledge entry was deleted.');
      if (stored !== expectRevision) throw new ChatError('conflict', 'Someone saved this knowledge entry since you opened it; reload it and edit again.');
    }
    const row = this
      .statement(
        `INSERT INTO knowledge_entries (id, question, phrasings, answer, lang, tags, url, created_at, updated_at, updated_by, revision)
         VALUES (@id, @question, @phrasings, @answer, @lang, @tags, @url, @at, @at, @by, 1)
         ON CONFLICT (id) DO UPDATE SET question = excluded.question, phrasings = excluded.phrasings, answer = excluded.answer,
           lang = excluded.lang, tags = excluded.tags, url = excluded.url, updated_at = excluded.updated_at,
           updated_by = excluded.updated_by, revision = knowledge_entries.revision + 1
         RETURNING *`,
      )
      .get({
        id: entry.id,
        question: entry.question,
        phrasings: JSON.stringify(entry.phrasings),
        answer: entry.answer,
        lang: entry.lang,
        tags: JSON.stringify(entry.tags),
        url: entry.url ?? null,
        at: entry.updatedAt,
        by: entry.updatedBy,
      }) as KnowledgeEntryRow;
    this.bumpKnowledgeVersion();
    return toKnowledgeEntry(row);
  }

  deleteKnowledgeEntry(id: string): boolean {
    const deleted = this.statement('DELETE FROM knowledge_entries WHERE id = ?').run(id).changes === 1;
    if (deleted) this.bumpKnowledgeVersion();
    return deleted;
  }

  createKnowledgeProposal(p: KnowledgeProposal): void {
    this
      .statement(
        `INSERT INTO knowledge_proposals (id, kind, status, question, answer, lang, entry_id, entry_question, trigger, count, examples,
           created_at, updated_at, decided_at, decided_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(p.id, p.kind, p.status, p.question, p.answer, p.lang, p.entryId ?? null, p.entryQuestion ?? null, p.trigger, p.count,
        JSON.stringify(p.examples), p.createdAt, p.updatedAt, p.decidedAt ?? null, p.decidedBy ?? null);
  }

  /** Count + 1 and the example appended, while open: read and written in this one transaction. */
  addKnowledgeProposalExample(id: string, example: KnowledgeProposalExample, keep: number): KnowledgeProposal | null {
    const row = this.statement("SELECT * FROM knowledge_proposals WHERE id = ? AND status = 'open'").get(id) as ProposalRow | undefined;
    if (!row) return null;
    const current = toProposal(row);
    const examples = [...current.examples, example].slice(-keep);
    const updatedAt = Math.max(current.updatedAt, example.at);
    this
      .statement('UPDATE knowledge_proposals SET count = count + 1, examples = ?, updated_at = ? WHERE id = ?')
      .run(JSON.stringify(examples), updatedAt, id);
    return { ...current, count: current.count + 1, examples, updatedAt };
  }

  decideKnowledgeProposal(
    id: string,
    change: { from: KnowledgeProposalStatus; to: KnowledgeProposalStatus; at: number; by: string },
  ): KnowledgeProposal | null {
    const reopen = change.to === 'open';
    const row = this
      .statement('UPDATE knowledge_proposals SET status = ?, decided_at = ?, decided_by = ? WHERE id = ? AND status = ? RETURNING *')
      .get(change.to, reopen ? null : change.at, reopen ? null : change.by, id, change.from) as ProposalRow | undefined;
    return row ? toProposal(row) : null;
  }

  addLearnedPhrasings(phrasings: LearnedPhrasing[]): number {
    const insert = this.statement(
      'INSERT INTO learned_phrasings (entry_id, phrasing, added_at, added_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
    );
    let added = 0;
    for (const p of phrasings) added += insert.run(p.entryId, p.phrasing, p.addedAt, p.addedBy).changes;
    if (added > 0) this.bumpKnowledgeVersion();
    return added;
  }

  private bumpKnowledgeVersion(): void {
    this
      .statement(
        `INSERT INTO settings (key, value) VALUES ('knowledge_version', '1')
         ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(value AS INTEGER) + 1 AS TEXT)`,
      )
      .run();
  }

  appendAudit(entry: AuditEntry): void {
    this
      .statement(
        `INSERT INTO audit_log (id, at, actor_id, actor_name, action, target_type, target_id, detail)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(entry.id, entry.at, entry.actor.id, entry.actor.name, entry.action, entry.target.type, entry.target.id, JSON.stringify(entry.detail));
  }

  /**
   * The visitor's messages, conversations and record, and the search index's copy through
   * `search_queue`: one row per erased conversation, carrying the highest message rowid left
   * (`erased_floor`). Deleting the newest messages lets SQLite give their rowids to the next
   * ones, which the indexer, following messages by rowid, would skip: it moves its mark back to
   * the floor (search-index.ts).
   */
  eraseVisitor(visitorId: string, sessionsFrom: number, audit?: AuditEntry): VisitorErased {
    const attachments = this
      .statement('DELETE FROM attachments WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = ?) RETURNING storage_key')
      .pluck()
      .all(visitorId) as string[];
    const messages = this
      .statement('DELETE FROM messages WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = ?)')
      .run(visitorId).changes;
    const floor = (this.statement('SELECT coalesce(max(rowid), 0) AS floor FROM messages').get() as { floor: number }).floor;
    this.statement('DELETE FROM email_outbox WHERE conversation_id IN (SELECT id FROM conversations WHERE visitor_id = ?)').run(visitorId);
    this.forgetInProposals(visitorId);
    this
      .statement('INSERT INTO search_queue (conversation_id, erased_floor) SELECT id, ? FROM conversations WHERE visitor_id = ? ORDER BY rowid')
      .run(floor, visitorId);
    const conversations = this.statement('DELETE FROM conversations WHERE visitor_id = ?').run(visitorId).changes;
    // The record is emptied in place, not deleted: see `Store.eraseVisitor`. A bare one an
    // earlier erasure left is not the visitor (erasing twice erases nothing).
    const visitor =
      this.statement('UPDATE visitors SET created_at = 0, sessions_from = max(sessions_from + 1, ?) WHERE id = ? AND created_at > 0').run(sessionsFrom, visitorId)
        .changes === 1;
    if (visitor || conversations > 0) {
      if (audit) this.appendAudit(audit);
      if (!visitor) this.keepSessionsFloor(visitorId, sessionsFrom);
    }
    return { conversations, messages, visitor, attachments };
  }

  /** The visitor's questions leave knowledge proposals' examples (`proposal-erasure.ts`). */
  private forgetInProposals(visitorId: string): void {
    const erased = new Set(this.statement('SELECT id FROM conversations WHERE visitor_id = ?').pluck().all(visitorId) as string[]);
    if (erased.size === 0) return;
    const rows = this
      .statement(
        `SELECT * FROM knowledge_proposals WHERE EXISTS (
           SELECT 1 FROM json_each(knowledge_proposals.examples) AS e
           WHERE json_extract(e.value, '$.conversationId') IN (SELECT id FROM conversations WHERE visitor_id = ?))`,
      )
      .all(visitorId) as ProposalRow[];
    for (const row of rows) {
      const kept = forgetConversations(toProposal(row), erased);
      if (kept === null) this.statement('DELETE FROM knowledge_proposals WHERE id = ?').run(row.id);
      else if (kept) {
        this
          .statement('UPDATE knowledge_proposals SET question = ?, answer = ?, count = ?, examples = ? WHERE id = ?')
          .run(kept.question, kept.answer, kept.count, JSON.stringify(kept.examples), row.id);
      }
    }
  }

  /** The count and the insert in one statement on the one writer: uploads at once cannot both pass. */
  createAttachment(a: AttachmentRecord, { atMost }: { atMost?: number }): boolean {
    return (
      this
        .statement(
          `INSERT INTO attachments (id, conversation_id, storage_key, name, content_type, size, uploaded_by, created_at)
           SELECT ?, ?, ?, ?, ?, ?, ?, ? WHERE ? IS NULL OR (SELECT count(*) FROM attachments WHERE conversation_id = ?) < ?`,
        )
        .run(a.id, a.conversationId, a.storageKey, a.name, a.contentType, a.size, a.uploadedBy, a.createdAt, atMost ?? null, a.conversationId, atMost ?? null).changes === 1
    );
  }

  // ---- Integrations (issue 13) ----

  createWebhook(hook: WebhookRecord): void {
    this
      .statement(
        `INSERT INTO webhooks (id, url, events, description, secret, active, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(hook.id, hook.url, JSON.stringify(hook.events), hook.description, hook.secret, hook.active ? 1 : 0, hook.createdAt, hook.createdBy);
  }

  updateWebhook(id: string, patch: WebhookPatch): WebhookRecord | null {
    if (patch.active !== undefined) {
      const { hold, release } = holdDeliveriesSql(() => '?');
      this.statement(patch.active ? release : hold).run(id);
    }
    const row = this
      .statement(
        `UPDATE webhooks SET url = coalesce(?, url), events = coalesce(?, events), description = coalesce(?, description),
           active = coalesce(?, active) WHERE id = ? RETURNING *`,
      )
      .get(
        patch.url ?? null,
        patch.events ? JSON.stringify(patch.events) : null,
        patch.description ?? null,
        patch.active === undefined ? null : patch.active ? 1 : 0,
        id,
      ) as WebhookRow | undefined;
    return row ? toWebhook(row) : null;
  }

  deleteWebhook(id: string): boolean {
    this.statement('DELETE FROM webhook_deliveries WHERE webhook_id = ?').run(id);
    return this.statement('DELETE FROM webhooks WHERE id = ?').run(id).changes === 1;
  }

  /** One row per listening hook, in one statement; the (hook, event) key keeps a repeat out. */
  enqueueWebhookEvent(event: WebhookEventRecord, webhookId: string | null): number {
    return this
      .statement(
        `INSERT INTO webhook_deliveries (id, webhook_id, event_id, event_type, body, status, attempts, next_attempt_at, created_at)
         SELECT lower(hex(randomblob(16))), id, ?, ?, ?, 'pending', 0, ?, ?
         FROM webhooks
         WHERE CASE WHEN ? IS NULL
                 THEN active = 1 AND EXISTS (SELECT 1 FROM json_each(webhooks.events) WHERE value = ?)
                 ELSE id = ? END
         ORDER BY created_at, rowid
         ON CONFLICT (webhook_id, event_id) DO NOTHING`,
      )
      .run(event.id, event.type, event.body, event.at, event.at, webhookId, event.type, webhookId).changes;
  }

  recordWebhookAttempt(id: string, attempts: number, attempt: WebhookAttempt): WebhookDelivery | null {
    const row = this
      .statement(
        `UPDATE webhook_deliveries SET attempts = attempts + 1, status = ?, next_attempt_at = ?, last_attempt_at = ?,
           last_status_code = ?, last_error = ?, delivered_at = CASE WHEN ? = 'delivered' THEN ? ELSE delivered_at END
         WHERE id = ? AND status = 'pending' AND attempts = ? RETURNING *`,
      )
      .get(attempt.status, attempt.nextAttemptAt, attempt.at, attempt.statusCode, attempt.error, attempt.status, attempt.at, id, attempts) as
      | DeliveryRow
      | undefined;
    return row ? withoutBody(toDelivery(row)) : null;
  }

  retryWebhookDelivery(id: string, now: number): WebhookDelivery | null {
    const row = this
      .statement(`UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = ? WHERE id = ? RETURNING *`)
      .get(now, id) as DeliveryRow | undefined;
    return row ? withoutBody(toDelivery(row)) : null;
  }

  pruneWebhookDeliveries(createdBefore: number, limit: number): number {
    return this.statement(
      `DELETE FROM webhook_deliveries WHERE rowid IN (
         SELECT rowid FROM webhook_deliveries WHERE status <> 'pending' AND created_at < ? ORDER BY created_at LIMIT ?)`,
    ).run(createdBefore, limit).changes;
  }

  createApiToken(token: ApiTokenRecord): void {
    this
      .statement(
        `INSERT INTO api_tokens (id, name, scope, token_hash, prefix, created_at, created_by_id, created_by_name, last_used_at, revoked_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(token.id, token.name, token.scope, token.tokenHash, token.prefix, token.createdAt, token.createdBy.id, token.createdBy.name, token.lastUsedAt, token.revokedAt);
  }

  touchApiToken(id: string, at: number, resolutionMs: number): void {
    this.statement('UPDATE api_tokens SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)').run(at, id, at - resolutionMs);
  }

  revokeApiToken(id: string, at: number): ApiToken | null {
    const row = this.statement('UPDATE api_tokens SET revoked_at = coalesce(revoked_at, ?) WHERE id = ? RETURNING *').get(at, id) as ApiTokenRow | undefined;
    return row ? publicToken(toApiToken(row)) : null;
  }

  enqueueEmail(email: EmailRecord): boolean {
    return (
      this
        .statement(
          `INSERT INTO email_outbox (id, kind, conversation_id, recipient, from_seq, through_seq, status, attempts, next_attempt_at, created_at, sent_at, last_error)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
        )
        .run(
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
        ).changes === 1
    );
  }

  updateEmail(id: string, expectAttempts: number, patch: EmailPatch): EmailRecord | null {
    const current = this.statement("SELECT * FROM email_outbox WHERE id = ? AND status = 'pending' AND attempts = ?").get(id, expectAttempts) as
      | EmailRow
      | undefined;
    if (!current) return null;
    const next = { ...toEmail(current), ...patch };
    this
      .statement('UPDATE email_outbox SET status = ?, attempts = ?, next_attempt_at = ?, sent_at = ?, last_error = ? WHERE id = ?')
      .run(next.status, next.attempts, next.nextAttemptAt, next.sentAt, next.lastError, id);
    return next;
  }

  checkWritable(now: number): void {
    this.statement("INSERT INTO settings (key, value) VALUES ('health', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value").run(String(now));
  }
}

/** The writes a command may name: every method above except the reads and the statement cache. */
export type WriteOp = Exclude<
  keyof SqliteWrites,
  'statement' | 'conversationById' | 'latestConversationOf' | 'agentById' | 'settingValue' | 'bumpKnowledgeVersion'
>;

/** One write as the main thread posts it to the writer thread. */
export interface WriteCommand<Op extends WriteOp = WriteOp> {
  op: Op;
  args: Parameters<SqliteWrites[Op]>;
}
