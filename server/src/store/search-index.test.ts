import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { cjkGrams } from './search-grams.js';
import { SearchAttachment, SearchGeneration, SearchIndexer, searchSchema } from './search-index.js';
import { MIGRATIONS } from './sqlite-store.js';
import { SqliteWrites } from './sqlite-writes.js';

/** A chat database at the current schema with the index attached, as an in-memory store has it. */
function chatWithIndex(): { db: Database.Database; indexer: SearchIndexer; ids: (text: string) => string[] } {
  const db = new Database(':memory:');
  db.function('cjk_grams', { deterministic: true }, (text: unknown) => cjkGrams(typeof text === 'string' ? text : null));
  for (const sql of MIGRATIONS) db.exec(sql);
  db.exec("ATTACH DATABASE ':memory:' AS search");
  db.exec(searchSchema('search'));
  const indexer = new SearchIndexer(db, db, 'search');
  indexer.begin();
  db.prepare('INSERT INTO visitors (id, created_at) VALUES (?, 1)').run('visitor-1');
  const match = db.prepare('SELECT DISTINCT conversation_id FROM search.search_text WHERE text LIKE ? ORDER BY 1').pluck();
  return { db, indexer, ids: (text) => match.all(`%${text}%`) as string[] };
}

describe('SearchIndexer', () => {
  it('reads every conversation again when the change queue was trimmed past its mark', () => {
    const { db, indexer, ids } = chatWithIndex();
    const insert = db.prepare(`INSERT INTO conversations (id, visitor_id, status, locale, context, created_at, updated_at)
                               VALUES (?, 'visitor-1', 'bot', 'en', ?, 1, 1)`);
    insert.run('a', '{"note":"alpha"}');
    insert.run('b', '{"note":"bravo"}');
    indexer.catchUp();
    expect([ids('alpha'), ids('bravo')]).toEqual([['a'], ['b']]);

    // b changes once, then a 10,000 times: b's change is trimmed from the queue before it is read.
    const context = db.prepare('UPDATE conversations SET context = ? WHERE id = ?');
    db.transaction(() => {
      context.run('{"note":"charlie"}', 'b');
      for (let i = 0; i < 10_000; i++) context.run(`{"note":"a${i}"}`, 'a');
    })();
    indexer.catchUp();
    expect([ids('charlie'), ids('bravo'), ids('a9999'), ids('a9998')]).toEqual([['b'], [], ['a'], []]);
    db.close();
  });

  it('says when its marks do not describe the chat database', () => {
    const { db, indexer } = chatWithIndex();
    db.prepare(`INSERT INTO conversations (id, visitor_id, status, locale, context, created_at, updated_at)
                VALUES ('a', 'visitor-1', 'bot', 'en', '{}', 1, 1)`).run();
    const message = db.prepare(`INSERT INTO messages (id, conversation_id, seq, sender_id, kind, created_at, body)
                                VALUES (?, 'a', ?, 'visitor-1', 'text', 1, ?)`);
    message.run('m1', 1, JSON.stringify({ text: 'hello' }));
    message.run('m2', 2, JSON.stringify({ text: 'again' }));
    indexer.catchUp();
    expect(indexer.matchesChat()).toBe(true);
    // As after a VACUUM that renumbered the rows (or a restore of an older copy).
    db.prepare("UPDATE messages SET rowid = 7 WHERE id = 'm2'").run();
    expect(indexer.matchesChat()).toBe(false);
    db.close();
  });

  it('forgets an erased visitor, and still indexes new messages that are given the erased rowids', () => {
    const { db, indexer, ids } = chatWithIndex();
    const writes = new SqliteWrites(db);
    const conversation = (id: string, visitorId: string, context: object) =>
      writes.openConversation({ id, visitorId, status: 'bot', assignedAgentId: null, locale: 'en', context, lastSeq: 0, createdAt: 1, updatedAt: 1, queuedAt: null, closedAt: null });
    const say = (conversationId: string, senderId: string, text: string) =>
      writes.appendMessage(conversationId, { senderId, author: 'visitor', kind: 'text', text }, 2);
    conversation('kept', 'visitor-1', { attributes: { name: 'Alma' } });
    conversation('gone', 'visitor-2', { attributes: { name: 'Bruno 布鲁诺' } });
    say('kept', 'visitor-1', 'alpha question');
    say('gone', 'visitor-2', 'bravo secret 秘密');
    say('gone', 'visitor-2', 'bravo again');
    indexer.catchUp();
    expect([ids('bravo'), ids('visitor-2'), ids('alpha')]).toEqual([['gone'], ['gone'], ['kept']]);

    expect(writes.eraseVisitor('visitor-2', 100)).toEqual({ conversations: 1, messages: 2, visitor: true, attachments: [] });
    // The erased messages had the highest rowids: SQLite gives them to the next messages.
    say('kept', 'visitor-1', 'charlie follows');
    say('kept', 'visitor-1', 'delta follows');
    indexer.catchUp();
    expect([ids('charlie'), ids('delta'), ids('alpha')]).toEqual([['kept'], ['kept'], ['kept']]);
    const left = db.prepare('SELECT text FROM search.search_text').pluck().all() as string[];
    expect(left.filter((text) => /bravo|Bruno|visitor-2|秘密/.test(text))).toEqual([]);
    expect(db.prepare("SELECT count(*) FROM search.search_grams WHERE conversation_id = 'gone'").pluck().get()).toBe(0);
    expect(indexer.matchesChat()).toBe(true);
    db.close();
  });
});

describe('SearchAttachment', () => {
  /**
   * An index file, the counter the maintenance thread raises, and the reader thread's connection
   * with its attachment (its own view of the shared counter); `read` searches as a search would.
   */
  function setUp() {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-attach-'));
    const file = path.join(dir, 'support-chat-search.sqlite');
    const writeIndex = (word: string) => {
      const index = new Database(file);
      index.exec(`CREATE TABLE words (word TEXT); INSERT INTO words VALUES ('${word}')`);
      index.close();
    };
    const generation = new SearchGeneration();
    // Read-only, as the reader thread's connection to the chat database: an ATTACH of a missing
    // file fails instead of making an empty one.
    const chatFile = path.join(dir, 'chat.sqlite');
    new Database(chatFile).close();
    const reader = new Database(chatFile, { readonly: true });
    const attachment = new SearchAttachment(reader, file, new SearchGeneration(generation.buffer));
    const read = () => {
      attachment.ensure();
      return reader.prepare('SELECT word FROM search.words').pluck().get();
    };
    const tearDown = () => {
      reader.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
    return { file, writeIndex, generation, reader, read, tearDown };
  }

  it('attaches the index file once it is ready, and again only when a new one is (a rebuild)', () => {
    const { file, writeIndex, generation, read, tearDown } = setUp();
    expect(read).toThrow(/not open yet/);
    generation.opening();
    writeIndex('before');
    expect(read).toThrow(/not open yet/); // made, not ready: its tables may not be there yet
    generation.ready();
    expect(read()).toBe('before');
    // A rebuild deletes the file and writes another: until it is ready, the attachment keeps
    // reading the file it has (deleted, still open).
    generation.opening();
    fs.rmSync(file);
    expect(read()).toBe('before');
    writeIndex('after');
    expect(read()).toBe('before');
    generation.ready();
    expect(read()).toBe('after');
    tearDown();
  });

  it.each([
    { moment: 'put a half-made file in its place', remake: true },
    { moment: 'deleted it and not yet made the new one', remake: false },
  ])('lets go of a file when a rebuild began while it was being attached: the rebuild had $moment', ({ remake }) => {
    const { file, writeIndex, generation, reader, read, tearDown } = setUp();
    generation.opening();
    writeIndex('first');
    generation.ready();
    // The maintenance thread starts a rebuild between the generation read and the ATTACH.
    const prepare = reader.prepare.bind(reader);
    let rebuildDuringAttach = true;
    reader.prepare = ((sql: string) => {
      if (rebuildDuringAttach && sql.startsWith('ATTACH')) {
        rebuildDuringAttach = false;
        generation.opening();
        fs.rmSync(file);
        if (remake) new Database(file).close(); // made, without its tables yet
      }
      return prepare(sql);
    }) as typeof reader.prepare;
    expect(read).toThrow(/being opened again/);
    fs.rmSync(file, { force: true });
    writeIndex('rebuilt');
    generation.ready();
    expect(read()).toBe('rebuilt');
    tearDown();
  });
});
