import fs from 'node:fs';

/**
 * Group commit for SQLite's write-ahead log, with the fsync off the event loop (issue 9).
 *
 * The store commits each write at once with `synchronous = NORMAL`: the transaction is in the WAL
 * and visible to every reader, and it survives the process being killed (it is in the OS page
 * cache), but not yet a power loss. Before a write's promise resolves (and so before any ack), the
 * store calls `flush()`, which `fdatasync`s the WAL file in libuv's thread pool. Every commit that
 * came before the sync started is then durable: the WAL is append-only between checkpoints, and
 * SQLite syncs it itself before each checkpoint. Writes that arrive while a sync runs share the
 * next one, so under load one fsync covers many messages, and the event loop never waits on the
 * disk: with `synchronous = FULL` each commit's fsync (0.4–0.8 ms here) blocked every chat.
 */
export class WalSync {
  private waiting: { resolve: () => void; reject: (error: Error) => void }[] = [];
  private syncing = false;
  private closed = false;
  /** How many fsyncs ran (for the bench and tests: far fewer than writes under load). */
  syncCount = 0;

  private constructor(
    private readonly fd: number,
    private readonly blocking: boolean,
  ) {}

  /**
   * Opens the `-wal` file that SQLite keeps beside `databaseFile` while a connection is open in WAL mode.
   * `blocking`: sync on the calling thread (the store's writer thread, which has nothing else to
   * do meanwhile), not in libuv's pool (the event loop, which must not wait on the disk).
   */
  static open(databaseFile: string, { blocking = false }: { blocking?: boolean } = {}): WalSync {
    return new WalSync(fs.openSync(`${databaseFile}-wal`, 'r+'), blocking);
  }

  /** Resolves once everything committed before the call is on disk. */
  flush(): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The store is closed.'));
    if (this.blocking) {
      try {
        this.syncCount++;
        fs.fdatasyncSync(this.fd);
        return Promise.resolve();
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      if (!this.syncing) this.sync();
    });
  }

  /** Syncs once more for anyone still waiting, then closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    if (this.waiting.length > 0 || this.syncing) await this.flush().catch(() => undefined);
    this.closed = true;
    fs.closeSync(this.fd);
  }

  private sync(): void {
    // Those waiting now are covered by this sync; whoever comes during it waits for the next.
    const batch = this.waiting;
    this.waiting = [];
    this.syncing = true;
    this.syncCount++;
    fs.fdatasync(this.fd, (error) => {
      this.syncing = false;
      for (const waiter of batch) {
        if (error) waiter.reject(error);
        else waiter.resolve();
      }
      if (this.waiting.length > 0) this.sync();
    });
  }
}
