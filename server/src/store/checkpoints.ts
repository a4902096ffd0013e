import fs from 'node:fs';
import Database from 'better-sqlite3';

/**
 * Where the SQLite store's WAL is copied back into the database file (a checkpoint), and how often.
 *
 * SQLite checkpoints by default inside the commit that makes the WAL pass 1,000 pages, on the
 * connection that commits: the store's writer thread, while every write waiting for that commit
 * waits for the copy and the database file's fsync too. Measured (relay bench, 2,000 msg/s): 26
 * of the writer's ~90 µs per message, and commits of 10–38 ms each second. The reader thread
 * checkpoints instead, on a timer, with its own read-write connection, once the WAL has reached
 * SQLite's threshold: a PASSIVE checkpoint takes no lock a writer waits for, so commits go on meanwhile. Copying once a second also copies each
 * busy page (a conversation's row, an index's last page) once, not once per 1,000 pages.
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * The writer's own threshold, 20× SQLite's: only reached if the reader thread stopped
 * checkpointing (it failed and was not restarted yet), so the WAL cannot grow without bound.
 */
export const WRITER_CHECKPOINT_PAGES = 20_000;

/** After a checkpoint lets the WAL start over, SQLite truncates the file to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * SQLite's own threshold (`wal_autocheckpoint`'s default): below it the reader leaves the WAL
 * alone, as SQLite would. A quiet site's small WAL then grows at its end as before, so a full
 * disk is met at once and reported (store_unavailable), not hidden until the space a checkpoint
 * freed inside the WAL runs out.
 */
const MIN_WAL_PAGES = 1_000;

/** Checkpoints `file`'s WAL every `CHECKPOINT_INTERVAL_MS` on this thread, until `stop()`. */
export function startCheckpoints(file: string, onError: (error: unknown) => void): { stop(): void } {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const minWalBytes = MIN_WAL_PAGES * (db.pragma('page_size', { simple: true }) as number);
  const walFile = `${file}-wal`;
  let failing = false;
  const timer = setInterval(() => {
    try {
      // The file's size, not its frames in use: it keeps its size when the WAL starts over, so
      // once past the threshold (a busy site) this checkpoints every second.
      if ((fs.statSync(walFile, { throwIfNoEntry: false })?.size ?? 0) < minWalBytes) return;
      db.pragma('wal_checkpoint(PASSIVE)');
      failing = false;
    } catch (error) {
      // A lasting failure (a full disk) is reported once, not every second.
      if (!failing) onError(error);
      failing = true;
    }
  }, CHECKPOINT_INTERVAL_MS);
  return {
    stop() {
      clearInterval(timer);
      db.close();
    },
  };
}
