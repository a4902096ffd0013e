/**
 * The store's writer thread: the single writer of the store's file when `SqliteStore.open` runs
 * its writes off the event loop (see write-thread.ts for why and the figures). Commands arrive
 * from the main thread in the order they were asked for; the ones that arrive during one turn of
 * this thread's loop run in one transaction, each in its own savepoint (the same `GroupCommit` and
 * `SqliteWrites` as the in-process writer), and their results go back in one message only once
 * the commit is on disk: no write resolves, and so no ack goes out, before it is durable.
 * Bundled as `dist/sqlite-write-worker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { GroupCommit } from './group-commit.js';
import { SqliteWrites, type WriteCommand } from './sqlite-writes.js';
import { WalSync } from './wal-sync.js';
import { CheckpointHandoff, finishCheckpoint, WRITER_CHECKPOINT_PAGES } from './checkpoints.js';
import { toThreadFailure, type ThreadFailure } from './thread-failure.js';

export interface WriteWorkerData {
  file: string;
  /** Shared with the maintenance thread, which raises it after each checkpoint (checkpoints.ts). */
  checkpointHandoff?: SharedArrayBuffer;
}

export type WriteRequest = { commands: (WriteCommand & { id: number })[] } | { close: true };

export type WriteResult = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: ThreadFailure };

export type WriteResponse = { results: WriteResult[]; commits: number } | { closed: true };

const { file, checkpointHandoff } = workerData as WriteWorkerData;
const db = new Database(file, { fileMustExist: true });
// NORMAL + WalSync rather than FULL, though a blocking fsync here would not stall the chats: with
// WalSync the next batch commits while the last one syncs (FULL makes it wait). Measured (relay
// bench, visitor → agent closed loop, this 2-core machine under load): FULL 0.446× raw, WalSync
// 0.718× and 0.353×; store bench: FULL 22 µs of the event loop per append, WalSync 18 µs.
db.pragma('synchronous = NORMAL');
// Checkpoints are the maintenance thread's (sqlite-maintenance-worker.ts): run here, inside a commit, each
// copied the WAL's pages into the database and fsynced it while every write in flight waited
// (26 of this thread's ~90 µs per message, and spikes of 10–38 ms at 2,000 msg/s). This thread
// checkpoints only if that one stops doing it, when the WAL passes WRITER_CHECKPOINT_PAGES.
db.pragma(`wal_autocheckpoint = ${WRITER_CHECKPOINT_PAGES}`);
db.pragma('foreign_keys = ON');
db.pragma('busy_timeout = 5000');
// Each write's savepoint keeps its sub-journal in memory, not in a file in /var/tmp (~8,000 pwrite
// calls per ~50,000 relayed messages). It holds the pages one write changes: a few for a message;
// for a visitor's erasure, every page it deletes from, which is the memory it takes meanwhile.
db.pragma('temp_store = MEMORY');
// The main thread migrated the file and holds it open in WAL mode, so the `-wal` file exists.
// Synced on this thread, blocking it: nothing else runs here, and the writes that arrive
// meanwhile make the next batch. The other way, through libuv's pool, cost two thread wake-ups per
// batch (the pool's thread, then this one again: ~20 µs each on this 2-core VM, and each a
// context switch that can take the core from the event loop). Relay bench, visitor → agent
// closed loop, alternated: 0.399× and 0.405× of raw blocking, 0.309× and 0.354× through the pool.
const wal = WalSync.open(file, { blocking: true });
const handoff = checkpointHandoff ? new CheckpointHandoff(checkpointHandoff) : null;
const group = new GroupCommit(db, wal);
const writes = new SqliteWrites(db);

// A batch's writes settle together (one sync): their results go back as one message.
let outbox: WriteResult[] = [];
function flush(): void {
  if (outbox.length === 0) return;
  parentPort!.postMessage({ results: outbox, commits: group.commits } satisfies WriteResponse);
  outbox = [];
  // Answered first: the copy delays only the next batch, by a millisecond or two.
  if (handoff) finishCheckpoint(db, handoff, reportCheckpointError);
}

let checkpointFailing = false;
function reportCheckpointError(error: unknown): void {
  if (checkpointFailing) return; // once, not after every checkpoint of a lasting failure
  checkpointFailing = true;
  process.emitWarning(`The writer's part of a WAL checkpoint failed: ${error instanceof Error ? error.message : String(error)}`);
}
const settled = (result: WriteResult) => {
  if (outbox.length === 0) queueMicrotask(flush);
  outbox.push(result);
};

parentPort!.on('message', (request: WriteRequest) => {
  if ('close' in request) {
    // Every command came before this message: drain them, then close the file and end.
    void (async () => {
      await group.close();
      flush();
      await wal.close();
      db.close();
      parentPort!.postMessage({ closed: true } satisfies WriteResponse);
      parentPort!.close();
    })();
    return;
  }
  for (const { id, op, args } of request.commands) {
    const method = writes[op] as (...a: unknown[]) => unknown;
    group.run(() => method.apply(writes, args)).then(
      (value) => settled({ id, ok: true, value }),
      (error: unknown) => settled({ id, ok: false, error: toThreadFailure(error) }),
    );
  }
});
