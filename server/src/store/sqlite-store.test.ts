import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { ChatError } from '../errors.js';
import { MIGRATIONS, SqliteStore } from './sqlite-store.js';
import { conversationFixture, describeStoreContract } from './store-contract.js';
import { describeIntegrationsContract } from './integrations-contract.js';
import { describeLabelsContract } from './labels-contract.js';

describeStoreContract('SqliteStore', async () => SqliteStore.open(':memory:'));
// On a file, every write also waits for the group-committed WAL sync (wal-sync.ts), and search
// and reports run on the reader thread: the same contract holds there.
describeStoreContract('SqliteStore on a file', async () => SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-contract-')), { writer: 'loop' }));
// The same writes on the writer thread (sqlite-write-worker.ts), its own connection, results posted back.
describeStoreContract('SqliteStore on a file, writer thread', async () =>
  SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-contract-')), { writer: 'thread' }),
);

describeIntegrationsContract('SqliteStore', async () => SqliteStore.open(':memory:'));
describeIntegrationsContract('SqliteStore on a file, writer thread', async () =>
  SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-contract-')), { writer: 'thread' }),
);

describeLabelsContract('SqliteStore', async () => SqliteStore.open(':memory:'));
// The label writes run on the writer thread, the report on the reader thread.
describeLabelsContract('SqliteStore on a file, writer thread', async () =>
  SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-contract-')), { writer: 'thread' }),
);

describe('SqliteStore on disk', () => {
  it('keeps everything when reopened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-store-'));
    const first = SqliteStore.open(dir);
    await first.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await first.createConversation(conversationFixture({ id: 'a' }));
    await first.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'persist me' }, 5);
    await first.close();

    const second = SqliteStore.open(dir);
    expect((await second.listMessages('a', {})).map((m) => m.text)).toEqual(['persist me']);
    expect((await second.getConversation('a'))?.lastSeq).toBe(1);
    await second.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SqliteStore checkpoints', () => {
  it("copies the WAL into the database on the maintenance thread, not in the writer's commits", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-checkpoint-'));
    const file = path.join(dir, 'support-chat.sqlite');
    const store = SqliteStore.open(dir, { writer: 'thread' });
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'a' }));
    const sizeBefore = fs.statSync(file).size;
    // Past SQLite's 1,000 pages (4 MB), where the maintenance thread starts checkpointing, and far below the
    // writer's own threshold (WRITER_CHECKPOINT_PAGES): only the maintenance thread's timer can have
    // copied them into the database file.
    for (let round = 0; fs.statSync(`${file}-wal`).size < 4.5 * 1024 * 1024; round++) {
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: `m${round}-${i} ${'x'.repeat(2000)}` }, 10 + i),
        ),
      );
    }
    await expect.poll(() => fs.statSync(file).size, { timeout: 5_000, interval: 100 }).toBeGreaterThan(sizeBefore + 1024 * 1024);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('starts the WAL over under a steady stream of writes: the writer finishes each checkpoint of the maintenance thread', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-checkpoint-'));
    const wal = path.join(dir, 'support-chat.sqlite-wal');
    // The WAL header's checkpoint sequence number, which SQLite raises each time the WAL starts over.
    const restarts = () => {
      const header = Buffer.alloc(16);
      const fd = fs.openSync(wal, 'r');
      fs.readSync(fd, header, 0, 16, 0);
      fs.closeSync(fd);
      return header.readUInt32BE(12);
    };
    // A checkpoint every 20 ms once the WAL holds 50 pages: production's timing, scaled down.
    const store = SqliteStore.open(dir, { writer: 'thread', checkpoints: { intervalMs: 20, minWalPages: 50 } });
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    const ids = Array.from({ length: 20 }, (_, i) => `c${i}`);
    for (const id of ids) await store.createConversation(conversationFixture({ id }));
    const before = restarts();
    // Never a moment without a write in flight: the maintenance thread's checkpoint always ends with frames
    // appended meanwhile, so by itself it never leaves the WAL fully copied, and only a fully
    // copied WAL starts over (until the writer's own threshold, 80 MB).
    // Bounded by work, not time: until ten restarts, or 12,000 appends (the writer's own threshold
    // first starts the WAL over at ~13,000 here, so only finished checkpoints reach ten by then;
    // with them, ten come within ~3,000). A time bound failed on a busy machine (nine in 1.5 s).
    let n = 0;
    let restarted = false;
    const stream = async (id: string) => {
      while (n < 12_000 && !restarted) {
        n++;
        if (n % 100 === 0) restarted = restarts() - before >= 10;
        await store.appendMessage(id, { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: `m${n} ${'x'.repeat(1000)}` }, n);
      }
    };
    await Promise.all(ids.map(stream));
    const after = restarts();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
    expect(after - before).toBeGreaterThanOrEqual(10);
  }, 60_000);
});

describe('SqliteStore migrations', () => {
  it('rescopes message dedupe to the conversation in a database written before', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-migrate-'));
    const file = path.join(dir, 'support-chat.sqlite');
    // A database as the previous release left it: schema 4, dedupe by sender + client id alone.
    // (Built from the first four migrations: later ones, such as the search index, must run too.)
    const old = new Database(file);
    for (const sql of MIGRATIONS.slice(0, 4)) old.exec(sql);
    old.pragma('user_version = 4');
    old.close();

    const store = SqliteStore.open(dir);
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'a' }));
    await store.createConversation(conversationFixture({ id: 'b' }));
    const draft = { senderId: 'agent-1', author: 'agent' as const, kind: 'text' as const, text: 'hi', clientId: 'client-1' };
    await store.appendMessage('a', draft, 2);
    expect((await store.appendMessage('b', draft, 3)).created).toBe(true);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SqliteStore migrations, search', () => {
  it('finds a message left before search knew of them, with the index it had (no rebuild)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-migrate-left-'));
    // A store of the release before: every migration but the last, its search index built.
    const before = SqliteStore.open(dir);
    await before.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await before.createConversation(conversationFixture({ id: 'left', status: 'queued', queuedAt: 1 }));
    await before.transitionConversation('left', ['queued'], { leftMessage: { email: 'mei@example.cn', name: '王梅' }, handoffReason: 'offline_message' });
    await before.close();
    const db = new Database(path.join(dir, 'support-chat.sqlite'));
    // Nothing queued its left message (no trigger then); the index has read the queue up to here.
    // (And nothing of the migrations after that one.)
    const leftMigration = MIGRATIONS.findIndex((m) => m.includes('conversations_search_queue_left'));
    db.exec('DROP TRIGGER conversations_search_queue_left; DELETE FROM search_queue');
    if (MIGRATIONS.slice(leftMigration + 1).some((m) => m.includes('sessions_from'))) db.exec('ALTER TABLE visitors DROP COLUMN sessions_from');
    if (MIGRATIONS.slice(leftMigration + 1).some((m) => m.includes('conversations_rated_at'))) db.exec('DROP INDEX conversations_rated_at');
    db.pragma(`user_version = ${leftMigration}`);
    db.close();
    // Its index as that release wrote it: the conversation's row without the message left.
    const index = new Database(path.join(dir, 'support-chat-search.sqlite'));
    const doc = index.prepare(`SELECT doc FROM search_docs WHERE conversation_id = 'left'`).pluck().get();
    index.prepare('UPDATE search_text SET text = ? WHERE rowid = ?').run('visitor-1\n{}', doc);
    index.prepare('DELETE FROM search_grams WHERE rowid = ?').run(doc);
    index.close();

    const store = SqliteStore.open(dir);
    expect((await store.searchConversations({ text: 'mei@example', limit: 10 })).map((c) => c.id)).toEqual(['left']);
    expect((await store.searchConversations({ text: '王梅', limit: 10 })).map((c) => c.id)).toEqual(['left']);
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe.each(['loop', 'thread'] as const)('SqliteStore group commit, writer on the %s', (writer) => {
  /** A store on a new directory with conversation `a` of visitor-1, and how to say `text` in it. */
  async function storeWithConversation(): Promise<{ dir: string; store: SqliteStore; say: (text: string, at: number) => ReturnType<SqliteStore['appendMessage']> }> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-group-'));
    const store = SqliteStore.open(dir, { writer });
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'a' }));
    const say = (text: string, at: number) => store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text, clientId: `c-${text}` }, at);
    return { dir, store, say };
  }

  /** The texts of conversation `a` as the store on `dir` reads them after a reopen, then removes `dir`. */
  async function textsAfterReopen(dir: string): Promise<string[]> {
    const reopened = SqliteStore.open(dir, { writer });
    const texts = (await reopened.listMessages('a', { limit: 500 })).map((m) => m.text);
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
    return texts;
  }

  it('commits the writes of one turn together, each durable, a failing one alone', async () => {
    const { dir, store, say } = await storeWithConversation();
    const before = store.commitCount;
    // 31 writes: within one part of the writer thread's (write-thread.ts, POST_AT_MOST).
    const results = await Promise.allSettled([
      ...Array.from({ length: 30 }, (_, i) => say(`m${i}`, 10 + i)),
      store.appendMessage('missing', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'lost' }, 99),
    ]);
    expect(store.commitCount - before).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(30);
    expect(results.at(-1)).toMatchObject({ status: 'rejected', reason: { message: expect.stringContaining('no conversation missing') } });
    await store.close();
    // Reopened from disk: all thirty, in the order they were asked for.
    expect(await textsAfterReopen(dir)).toEqual(Array.from({ length: 30 }, (_, i) => `m${i}`));
  });

  it('a turn of more writes than one part: every one durable and stored in the order asked', async () => {
    const { dir, store, say } = await storeWithConversation();
    const sent = await Promise.all(Array.from({ length: 200 }, (_, i) => say(`m${i}`, 10 + i)));
    expect(sent.map((r) => r.message.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    await store.close();
    expect(await textsAfterReopen(dir)).toEqual(Array.from({ length: 200 }, (_, i) => `m${i}`));
  });

  it('stores a retried send once: within one turn, and after a restart (the client id filter is read back from the rows)', async () => {
    const { dir, store, say } = await storeWithConversation();
    // 250 sends in one turn, m7 twice among the first 32 (one part of the writer thread's, so one
    // commit with either writer): the repeat finds the first in the same transaction.
    const first = await Promise.all([
      ...Array.from({ length: 20 }, (_, i) => say(`m${i}`, 10 + i)),
      say('m7', 500),
      ...Array.from({ length: 230 }, (_, i) => say(`m${i + 20}`, 30 + i)),
    ]);
    expect(first[20]).toMatchObject({ created: false, message: first[7]!.message });
    await store.close();
    const reopened = SqliteStore.open(dir, { writer });
    const retried = await reopened.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'm3', clientId: 'c-m3' }, 600);
    expect(retried).toMatchObject({ created: false, message: first[3]!.message });
    // Another sender's same client id, and a new one, are new messages.
    const otherSender = await reopened.appendMessage('a', { senderId: 'agent-1', author: 'agent', kind: 'text', text: 'm3', clientId: 'c-m3' }, 700);
    const fresh = await reopened.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'new', clientId: 'c-new' }, 800);
    expect([otherSender.created, otherSender.message.seq, fresh.created, fresh.message.seq]).toEqual([true, 251, true, 252]);
    await reopened.close();
    expect(await textsAfterReopen(dir)).toEqual([...Array.from({ length: 250 }, (_, i) => `m${i}`), 'm3', 'new']);
  });

  it('rejects with the error the write threw, of the same class and code', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-errors-'));
    const store = SqliteStore.open(dir, { writer });
    await store.saveCannedReply({ id: 'r1', shortcut: 'hello', text: 'Hello!', updatedAt: 1 });
    const conflict = store.saveCannedReply({ id: 'r2', shortcut: 'hello', text: 'Hi', updatedAt: 2 });
    await expect(conflict).rejects.toBeInstanceOf(ChatError);
    await expect(conflict).rejects.toMatchObject({ code: 'conflict' });
    const agent = { id: 'a1', email: 'a@example.com', name: 'A', role: 'agent' as const, passwordHash: 'x', createdAt: 1, capacity: 5 };
    await store.createAgent(agent);
    const duplicate = store.createAgent({ ...agent, id: 'a2' });
    await expect(duplicate).rejects.toBeInstanceOf(Database.SqliteError);
    await expect(duplicate).rejects.toMatchObject({ code: 'SQLITE_CONSTRAINT_UNIQUE' });
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('closing drains the writes asked for: each resolves, and is there when reopened', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-drain-'));
    const store = SqliteStore.open(dir, { writer });
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'a' }));
    const appends = Array.from({ length: 20 }, (_, i) =>
      store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: `m${i}` }, 10 + i),
    );
    await store.close();
    expect((await Promise.all(appends)).map((r) => r.message.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    await expect(store.appendMessage('a', { senderId: 'visitor-1', author: 'visitor', kind: 'text', text: 'late' }, 99)).rejects.toThrow('closed');
    const reopened = SqliteStore.open(dir, { writer });
    expect(await reopened.listMessages('a', {})).toHaveLength(20);
    await reopened.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SqliteStore search index file', () => {
  const text = (t: string) => ({ senderId: 'visitor-1', author: 'visitor' as const, kind: 'text' as const, text: t });

  it('takes up after a restart where its marks stopped, indexing no row twice', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-search-'));
    const first = SqliteStore.open(dir);
    await first.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await first.createConversation(conversationFixture({ id: 'a' }));
    await first.appendMessage('a', text('first words'), 2);
    await first.flushSearch();
    // Indexed or not by the time the store closes: the next one takes it from the marks.
    await first.appendMessage('a', text('second words'), 3);
    await first.updateConversationContext('a', { attributes: { name: '韩梅梅' } });
    await first.close();

    const second = SqliteStore.open(dir);
    await second.flushSearch();
    const ids = async (t: string) => (await second.searchConversations({ text: t, limit: 5 })).map((c) => c.id);
    expect([await ids('first'), await ids('second'), await ids('梅梅')]).toEqual([['a'], ['a'], ['a']]);
    await second.close();
    const index = new Database(path.join(dir, 'support-chat-search.sqlite'), { readonly: true });
    // One row for the conversation (visitor id + context), one per message.
    expect(index.prepare('SELECT COUNT(*) FROM search_text').pluck().get()).toBe(3);
    index.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('rebuilds a missing or damaged index from the chat database', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-search-'));
    const searchFile = path.join(dir, 'support-chat-search.sqlite');
    const store = SqliteStore.open(dir);
    await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await store.createConversation(conversationFixture({ id: 'a', context: { attributes: { name: '王芳' } } }));
    await store.appendMessage('a', text('我要退款 please'), 2);
    await store.close();

    for (const damage of [() => fs.rmSync(searchFile), () => fs.writeFileSync(searchFile, 'not a database '.repeat(500))]) {
      for (const suffix of ['-wal', '-shm']) fs.rmSync(`${searchFile}${suffix}`, { force: true });
      damage();
      const reopened = SqliteStore.open(dir);
      await reopened.flushSearch();
      const ids = async (t: string) => (await reopened.searchConversations({ text: t, limit: 5 })).map((c) => c.id);
      expect([await ids('退款'), await ids('please'), await ids('王芳')]).toEqual([['a'], ['a'], ['a']]);
      await reopened.close();
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('SqliteStore search index damaged while open', () => {
  const text = (t: string) => ({ senderId: 'visitor-1', author: 'visitor' as const, kind: 'text' as const, text: t });

  // The maintenance thread writes the index and the reader thread has it attached throughout.
  it.each([
    // Indexing the new message reads the damaged pages: the maintenance thread rebuilds the file.
    { damage: 'every page past the header, then a message is written', fromPage: () => 1, write: true, together: false },
    // Only old pages, which indexing does not read again: only a search meets them.
    { damage: 'the second half of the pages, nothing written since', fromPage: (pages: number) => Math.floor(pages / 2), write: false, together: false },
    // The same, met by several searches at once: each waits for the one rebuild.
    { damage: 'the second half of the pages, met by searches at once', fromPage: (pages: number) => Math.floor(pages / 2), write: false, together: true },
  ])('rebuilds an index file damaged in $damage, and the next search finds every message', async ({ fromPage, write, together }) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-search-'));
    const searchFile = path.join(dir, 'support-chat-search.sqlite');
    // No indexing on a timer: only the searches below meet the damage.
    const store = SqliteStore.open(dir, { searchIntervalMs: 60_000 });
    try {
      await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await store.createConversation(conversationFixture({ id: 'a' }));
      for (let i = 0; i < 200; i++) await store.appendMessage('a', text(`message number ${i} about parcel${i}`), 2 + i);
      await store.flushSearch();
      const ids = async (t: string) => (await store.searchConversations({ text: t, limit: 5 })).map((c) => c.id);
      expect(await ids('parcel17')).toEqual(['a']);

      // Every page into the file, none left in its WAL: else the damage would never be read.
      const checkpointer = new Database(searchFile);
      checkpointer.pragma('busy_timeout = 5000');
      checkpointer.pragma('wal_checkpoint(TRUNCATE)');
      checkpointer.close();
      const pageSize = 4096;
      const { size } = fs.statSync(searchFile);
      const from = fromPage(size / pageSize) * pageSize;
      const fd = fs.openSync(searchFile, 'r+');
      fs.writeSync(fd, Buffer.alloc(size - from, 0x5a), 0, size - from, from);
      fs.closeSync(fd);
      if (write) await store.appendMessage('a', text('a new word: zeppelin'), 500);

      const words = ['parcel17', 'parcel199', 'number 5', ...(write ? ['zeppelin'] : [])];
      const found = together ? await Promise.all(words.map(ids)) : [];
      if (!together) for (const word of words) found.push(await ids(word));
      expect(found).toEqual(words.map(() => ['a']));
      // A new file: the damage was met, and the index built again (not a damaged page is left).
      expect(fs.readFileSync(searchFile).includes(Buffer.alloc(pageSize, 0x5a))).toBe(false);
    } finally {
      await store.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
