/**
 * The conversation search index, off the message write path (issue 9).
 *
 * Migration 6 kept FTS5 tables in the chat's own database, filled by triggers: ~85 µs of the
 * event loop per message (trigram FTS5 is 20–30 µs a row even in bulk, plus a new segment per
 * commit), half of what an append cost. Search is derived data, so it now lives in its own file
 * (`support-chat-search.sqlite` beside the chat's), written by the store's worker thread with its
 * own connection: the chat's connection never takes its lock nor pays for its pages.
 *
 * The indexer follows the chat database, which it only reads:
 * - messages by rowid (`rowid > high-water mark`): they are never deleted and a single writer
 *   commits them in rowid order, so nothing slips in behind the mark. The mark's message id is
 *   kept too: if that id no longer has that rowid (a VACUUM renumbered, an older backup was
 *   restored), the index is rebuilt rather than trusted;
 * - conversations through `search_queue`, which triggers on conversation insert and context
 *   update append to (one small row; conversations change far less often than messages). The
 *   queue keeps its last 10,000 entries; an indexer that finds a gap starts the index over (the
 *   entries it missed may have been erasures).
 * - erasures (issue 11, GDPR) through the same queue: a row with `erased_floor` set says its
 *   conversation is gone; its rows are deleted from the index (a scan of the index: erasures
 *   are rare, and the scan runs on this thread, not the chat's). Messages are deleted then, so
 *   their rowids may be given again to new messages: `erased_floor` is the highest rowid left
 *   by the erasure, and the mark moves back to the last message at or below it, so rows that
 *   come after are read whatever rowid they got. A batch reads the chat database in one
 *   snapshot and reads no messages while queue entries wait beyond it, so a mark never passes
 *   a message an erasure it has not applied yet could make it skip.
 *
 * Why a queue and not a scan by `updated_at`: a context change does not touch `updated_at`, and
 * every message does, so such a scan would index each conversation's row again per message. The
 * queue row costs ~9 µs per conversation created (measured with 20 inserts per transaction),
 * nothing per message.
 *
 * Each batch is one transaction of the index that also moves the marks, so a crash anywhere
 * resumes where the last batch ended. Rows are read in chunks, so a rebuild never holds the
 * worker for long: searches and reports are answered between chunks.
 */
import fs from 'node:fs';
import Database from 'better-sqlite3';
import { SharedCell } from './shared-cell.js';
import { cjkGrams, foldCase } from './search-grams.js';

/** Any change to the index's tables is a new version: derived data is rebuilt, never migrated. */
export const SEARCH_SCHEMA_VERSION = 2;

/** Rows read per batch (messages, and queued conversations): one transaction of the index. */
export const SEARCH_BATCH = 2_000;

/**
 * The index's tables in `schema` (`main` in its own file; `search` when attached to an in-memory
 * store). A conversation's visitor id + context is one `search_text` row, found by `search_docs`;
 * a `search_grams` row has the rowid of its text row (search-grams.ts).
 */
export function searchSchema(schema: string): string {
  return `
    CREATE TABLE ${schema}.search_state (key TEXT PRIMARY KEY, value);
    CREATE VIRTUAL TABLE ${schema}.search_text USING fts5 (conversation_id UNINDEXED, text,
      tokenize = 'trigram case_sensitive 0', detail = 'none');
    CREATE VIRTUAL TABLE ${schema}.search_grams USING fts5 (conversation_id UNINDEXED, grams,
      tokenize = 'unicode61 remove_diacritics 0', detail = 'none');
    CREATE TABLE ${schema}.search_docs (conversation_id TEXT PRIMARY KEY, doc INTEGER NOT NULL) WITHOUT ROWID;
    PRAGMA ${schema}.user_version = ${SEARCH_SCHEMA_VERSION};`;
}

type StateKey = 'messages_rowid' | 'messages_id' | 'queue_id' | 'pass_after';

/**
 * Moves new messages and conversation changes from the chat database (`main` of `chat`) into the
 * index (`schema` of `index`). One connection may be both (an in-memory store).
 */
export class SearchIndexer {
  private readonly read: {
    state: Database.Statement;
    messages: Database.Statement;
    queue: Database.Statement;
    conversations: Database.Statement;
    doc: Database.Statement;
    rowidOf: Database.Statement;
    lastAtOrBelow: Database.Statement;
    lastQueued: Database.Statement;
  };
  private readonly write: {
    state: Database.Statement;
    text: Database.Statement;
    updateText: Database.Statement;
    grams: Database.Statement;
    deleteGrams: Database.Statement;
    doc: Database.Statement;
    erase: Database.Statement[];
    clear: Database.Statement[];
  };
  private readonly batch: (limit: number) => boolean;
  private readonly inTransaction: (work: () => void) => void;

  constructor(chat: Database.Database, index: Database.Database, schema: string) {
    const s = schema;
    this.read = {
      state: index.prepare(`SELECT value FROM ${s}.search_state WHERE key = ?`).pluck(),
      messages: chat.prepare('SELECT rowid, id, conversation_id, text FROM main.messages WHERE rowid > ? ORDER BY rowid LIMIT ?').raw(),
      queue: chat
        .prepare(`SELECT q.id, q.conversation_id, q.erased_floor, c.visitor_id, c.context, c.left_message FROM main.search_queue q
                  LEFT JOIN main.conversations c ON c.id = q.conversation_id WHERE q.id > ? ORDER BY q.id LIMIT ?`)
        .raw(),
      conversations: chat.prepare('SELECT id, visitor_id, context, left_message FROM main.conversations WHERE id > ? ORDER BY id LIMIT ?').raw(),
      doc: index.prepare(`SELECT doc FROM ${s}.search_docs WHERE conversation_id = ?`).pluck(),
      rowidOf: chat.prepare('SELECT rowid FROM main.messages WHERE id = ?').pluck(),
      lastAtOrBelow: chat.prepare('SELECT rowid, id FROM main.messages WHERE rowid <= ? ORDER BY rowid DESC LIMIT 1').raw(),
      lastQueued: chat.prepare("SELECT seq FROM main.sqlite_sequence WHERE name = 'search_queue'").pluck(),
    };
    this.write = {
      state: index.prepare(`INSERT INTO ${s}.search_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
      text: index.prepare(`INSERT INTO ${s}.search_text (conversation_id, text) VALUES (?, ?)`),
      updateText: index.prepare(`UPDATE ${s}.search_text SET text = ? WHERE rowid = ?`),
      grams: index.prepare(`INSERT INTO ${s}.search_grams (rowid, conversation_id, grams) VALUES (?, ?, ?)`),
      deleteGrams: index.prepare(`DELETE FROM ${s}.search_grams WHERE rowid = ?`),
      doc: index.prepare(`INSERT INTO ${s}.search_docs (conversation_id, doc) VALUES (?, ?)`),
      erase: ['search_text', 'search_grams', 'search_docs'].map((table) =>
        index.prepare(`DELETE FROM ${s}.${table} WHERE conversation_id IN (SELECT value FROM json_each(?))`),
      ),
      clear: ['search_text', 'search_grams', 'search_docs'].map((table) => index.prepare(`DELETE FROM ${s}.${table}`)),
    };
    // The chat's rows of one batch come from one snapshot (a read transaction on the chat's
    // connection when it is not the index's): the queue and the messages agree (see the header).
    const snapshot = chat === index ? (limit: number) => this.runBatch(limit) : chat.transaction((limit: number) => this.runBatch(limit));
    this.batch = index.transaction((limit: number) => snapshot(limit));
    this.inTransaction = index.transaction((work: () => void) => work());
  }

  /**
   * Marks a new, empty index: every conversation to be read once (the queue only holds recent
   * changes), every message from the first, and queue entries from the current last one on (any
   * change after this is queued after it, so re-applied after the pass read the row).
   */
  begin(): void {
    this.inTransaction(() => {
      this.setState('messages_rowid', 0);
      this.setState('messages_id', null);
      this.setState('queue_id', (this.read.lastQueued.get() as number | undefined) ?? 0);
      this.setState('pass_after', '');
    });
  }

  /** False when the marks do not describe this chat database (see the header): rebuild. */
  matchesChat(): boolean {
    const id = this.state('messages_id') as string | null;
    const rowid = (this.state('messages_rowid') as number | null) ?? 0;
    if (id !== null ? this.read.rowidOf.get(id) !== rowid : rowid !== 0) return false;
    const queued = (this.read.lastQueued.get() as number | undefined) ?? 0;
    return ((this.state('queue_id') as number | null) ?? 0) <= queued;
  }

  /** Indexes up to `limit` rows of each kind in one transaction; true when more are waiting. */
  step(limit = SEARCH_BATCH): boolean {
    return this.batch(limit);
  }

  /** Steps until nothing waits (in-memory stores, and `flushSearch`). */
  catchUp(): void {
    while (this.step());
  }

  private runBatch(limit: number): boolean {
    let more = false;

    const passAfter = this.state('pass_after') as string | null;
    if (passAfter !== null) {
      const rows = this.read.conversations.all(passAfter, limit) as [string, string, string, string | null][];
      for (const [id, visitorId, context, left] of rows) this.indexConversation(id, visitorId, context, left);
      const done = rows.length < limit;
      this.setState('pass_after', done ? null : rows.at(-1)![0]);
      more ||= !done;
    }

    const queueId = this.state('queue_id') as number;
    const queued = this.read.queue.all(queueId, limit) as [number, string, number | null, string | null, string | null, string | null][];
    if (queued.length > 0) {
      // The queue was trimmed past the mark (an indexer stopped through 10,000 changes): what it
      // missed may include erasures, so the index starts over.
      if (queued[0]![0] > queueId + 1) {
        this.reset();
        return true;
      }
      const erased: string[] = [];
      for (const [, conversationId, erasedFloor, visitorId, context, left] of queued) {
        if (erasedFloor !== null) {
          erased.push(conversationId);
          this.lowerMessageMark(erasedFloor);
        } else if (visitorId !== null) this.indexConversation(conversationId, visitorId, context!, left);
      }
      if (erased.length > 0) for (const statement of this.write.erase) statement.run(JSON.stringify(erased));
      this.setState('queue_id', queued.at(-1)![0]);
      // More waits in the queue: its erasures must move the mark before any message is read.
      if (queued.length === limit) return true;
    }

    const messages = this.read.messages.all((this.state('messages_rowid') as number | null) ?? 0, limit) as [number, string, string, string | null][];
    for (const [, , conversationId, text] of messages) {
      if (text === null) continue;
      const doc = this.write.text.run(conversationId, foldCase(text)).lastInsertRowid;
      const grams = cjkGrams(text);
      if (grams) this.write.grams.run(doc, conversationId, grams);
    }
    if (messages.length > 0) {
      const [rowid, id] = messages.at(-1)!;
      this.setState('messages_rowid', rowid);
      this.setState('messages_id', id);
      more ||= messages.length === limit;
    }
    return more || this.state('pass_after') !== null;
  }

  /**
   * After an erasure whose highest remaining message rowid was `floor`: the mark moves to the
   * last message at or below both, which exists in this snapshot, so every message after it,
   * whatever rowid it was given, is read next.
   */
  private lowerMessageMark(floor: number): void {
    const mark = Math.min((this.state('messages_rowid') as number | null) ?? 0, floor);
    const last = this.read.lastAtOrBelow.get(mark) as [number, string] | undefined;
    this.setState('messages_rowid', last?.[0] ?? 0);
    this.setState('messages_id', last?.[1] ?? null);
  }

  /** Empties the index and marks it new (`begin`): it is built again from the chat database. */
  private reset(): void {
    for (const statement of this.write.clear) statement.run();
    this.begin();
  }

  /**
   * The conversation's one row: its visitor id and context as they are now (as migration 6 indexed
   * them), and the name and address of a message left (`leftMessage`, JSON).
   */
  private indexConversation(id: string, visitorId: string, context: string, leftMessage: string | null): void {
    const about = leftMessage ? `${context}\n${leftMessageText(leftMessage)}` : context;
    const text = foldCase(`${visitorId}\n${about}`);
    let doc = this.read.doc.get(id) as number | bigint | undefined;
    if (doc === undefined) {
      doc = this.write.text.run(id, text).lastInsertRowid;
      this.write.doc.run(id, doc);
    } else {
      this.write.updateText.run(text, doc);
      this.write.deleteGrams.run(doc);
    }
    const grams = cjkGrams(about);
    if (grams) this.write.grams.run(doc, id, grams);
  }

  private state(key: StateKey): unknown {
    return this.read.state.get(key) ?? null;
  }

  private setState(key: StateKey, value: string | number | bigint | null): void {
    this.write.state.run(key, value);
  }
}

/** The index file is whole but not usable here (another schema, failed checks, another chat database's marks): built again. */
class UnusableIndex extends Error {}

/**
 * Opens the index file beside the chat's, creating it when missing. A file that is not a
 * database, fails `quick_check`, has another schema version or marks that do not match the chat
 * database is discarded and built again from the chat (in batches, as new rows are), with a
 * warning: it is derived data. `discard` starts over whatever the file holds.
 */
export function openSearchFile(chat: Database.Database, file: string, { discard = false } = {}): { index: Database.Database; indexer: SearchIndexer } {
  if (!discard) {
    try {
      return openOrCreate(chat, file);
    } catch (error) {
      // Only a file that is itself bad is thrown away: a passing failure (no file handles left,
      // a busy file) or one of the directory (full, read-only) is the caller's to report and
      // retry, with the index kept.
      if (!(error instanceof UnusableIndex || isCorruption(error))) throw error;
      process.emitWarning(`Rebuilding the search index ${file}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  for (const suffix of ['', '-wal', '-shm']) fs.rmSync(`${file}${suffix}`, { force: true });
  return openOrCreate(chat, file);
}

function openOrCreate(chat: Database.Database, file: string): { index: Database.Database; indexer: SearchIndexer } {
  const index = new Database(file);
  try {
    // WAL: the reader thread's connection (searches) reads while this one writes a batch.
    index.pragma('journal_mode = WAL');
    // No fsync per batch: a batch lost to a power cut is read again from the marks it did not move.
    index.pragma('synchronous = NORMAL');
    const version = index.pragma('user_version', { simple: true }) as number;
    if (version === 0) index.transaction(() => index.exec(searchSchema('main')))();
    else if (version !== SEARCH_SCHEMA_VERSION) throw new UnusableIndex(`schema ${version}, this version builds ${SEARCH_SCHEMA_VERSION}`);
    else {
      const check = index.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new UnusableIndex(`quick_check: ${String(check)}`);
    }
    const indexer = new SearchIndexer(chat, index, 'main');
    if (version === 0) indexer.begin();
    else if (!indexer.matchesChat()) throw new UnusableIndex('its marks do not match the chat database (restored from a backup, or vacuumed)');
    return { index, indexer };
  } catch (error) {
    index.close();
    throw error;
  }
}

/**
 * Which index file is the current one, as a counter in shared memory: odd while the maintenance
 * thread opens a file (and, for a rebuild, deletes the damaged one first), even once the file has
 * its tables; 0 before the first. The reader thread reads it before each search. Asked of the file
 * system instead, a search during a rebuild could find no file, or an empty one.
 */
export class SearchGeneration extends SharedCell {
  /** The maintenance thread: opening a file starts (odd). */
  opening(): void {
    if (this.current() % 2 === 0) Atomics.add(this.cell, 0, 1);
  }

  /** The maintenance thread: the file is ready (even). */
  ready(): void {
    if (this.current() % 2 === 1) Atomics.add(this.cell, 0, 1);
  }

  current(): number {
    return Atomics.load(this.cell, 0);
  }
}

/**
 * The index file attached to a reading connection as `search`, attached again when a newer one
 * is ready (`SearchGeneration`): an old attachment would go on reading the deleted file. While a
 * file is being opened, the one attached (if any) is kept; one attached while the count moved is
 * let go, since the file at the path may then be half made (or, for an instant, not there).
 */
export class SearchAttachment {
  /** The generation of the file attached as `search`; null while none is. */
  private attached: number | null = null;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly generation: SearchGeneration,
  ) {}

  /** Before a search: attaches the current file unless it is the one attached. */
  ensure(): void {
    for (let tries = 0; tries < 3; tries++) {
      const current = this.generation.current();
      const ready = current > 0 && current % 2 === 0;
      if (this.attached !== null && (!ready || current === this.attached)) return;
      if (!ready) throw this.unavailable(current);
      if (this.attached !== null) this.db.exec('DETACH DATABASE search');
      this.attached = null;
      try {
        this.db.prepare('ATTACH DATABASE ? AS search').run(this.file);
      } catch (error) {
        // Deleted and not yet made again by a rebuild that began meanwhile: as below.
        if (this.generation.current() === current) throw error;
        continue;
      }
      // A rebuild that began while the file was being attached may have put a half-made file at
      // that path: it is kept only if the count did not move meanwhile.
      if (this.generation.current() === current) {
        this.attached = current;
        return;
      }
      this.attached = -1; // attached, but not a generation's file: let go at once
      this.db.exec('DETACH DATABASE search');
      this.attached = null;
    }
    throw this.unavailable(this.generation.current());
  }

  private unavailable(generation: number): Error {
    // 0 or 1: no file was ever ready; past that, the file is being opened again (a rebuild, or
    // a check after a search met damage) while none is attached here.
    return new Error(
      generation <= 1
        ? 'The search index is not open yet (see the warnings of the store maintenance thread).'
        : 'The search index is being opened again: try again in a moment.',
    );
  }
}

/** An error that means the index file itself is damaged (rebuild it), not a passing failure. */
export function isCorruption(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && /^SQLITE_(CORRUPT|NOTADB)/.test((error as { code: string }).code);
}

/** The name and address of a message left (its JSON's values); a row that is not JSON (edited by hand) as it is, rather than stopping the index. */
function leftMessageText(json: string): string {
  try {
    const { name, email } = JSON.parse(json) as { name?: unknown; email?: unknown };
    return [name, email].filter((v) => typeof v === 'string').join(' ');
  } catch {
    return json;
  }
}
