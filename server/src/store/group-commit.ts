import type Database from 'better-sqlite3';
import type { WalSync } from './wal-sync.js';

interface PendingWrite {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit for the SQLite store (issue 9): the writes asked for during one turn of the event
 * loop run in call order in one transaction, and resolve together once the WAL is on disk.
 *
 * Each commit rewrites every page it touched (the messages table, its indexes,
 * the conversation row; the search index too, until it moved to its own file), so one commit per message wrote ~20 pages to the WAL: 200-450 µs of
 * the event loop per message, before any fsync. One commit per turn writes those pages once
 * for the whole batch. Each write runs in its own savepoint, so one that fails (a constraint, a
 * missing row) is rolled back and rejected alone. No write resolves before `WalSync` has synced
 * the commit that holds it: that is the acknowledgement rule.
 */
export class GroupCommit {
  private queue: PendingWrite[] = [];
  private scheduled = false;
  private closed = false;
  /** Batches committed and waiting for their sync (close waits for them). */
  private readonly syncing = new Set<Promise<void>>();
  private readonly inSavepoint: (work: () => unknown) => unknown;
  private readonly inTransaction: (batch: PendingWrite[]) => { ok: boolean; value: unknown }[];
  /** How many transactions committed (the bench and tests: far fewer than writes under load). */
  commits = 0;

  constructor(
    private readonly db: Database.Database,
    private readonly wal: WalSync | null,
  ) {
    // better-sqlite3 turns a transaction function called inside another into a savepoint.
    this.inSavepoint = db.transaction((work: () => unknown) => work());
    this.inTransaction = db.transaction((batch: PendingWrite[]) =>
      batch.map((write) => {
        try {
          return { ok: true, value: this.inSavepoint(write.work) };
        } catch (error) {
          return { ok: false, value: error };
        }
      }),
    );
  }

  /** Runs `work` (synchronous SQL) in the next group commit; resolves with its result once durable. */
  run<T>(work: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.commit());
      }
    });
  }

  /** Commits what is queued now and waits until every write asked for so far has settled. */
  async close(): Promise<void> {
    this.commit();
    this.closed = true;
    await Promise.allSettled([...this.syncing]);
  }

  private commit(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    if (batch.length === 0) return;
    let results: { ok: boolean; value: unknown }[];
    try {
      results = this.inTransaction(batch);
      this.commits++;
    } catch (error) {
      // The commit itself failed (the disk is full, the file is gone): nothing of the batch holds.
      for (const write of batch) write.reject(error);
      return;
    }
    const settle = () => results.forEach((result, i) => (result.ok ? batch[i]!.resolve(result.value) : batch[i]!.reject(result.value)));
    if (!this.wal) {
      settle();
      return;
    }
    const synced = this.wal.flush().then(settle, (error: unknown) => {
      for (const write of batch) write.reject(error);
    });
    this.syncing.add(synced);
    void synced.finally(() => this.syncing.delete(synced));
  }
}
