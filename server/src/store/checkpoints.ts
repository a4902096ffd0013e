import fs from 'node:fs';
import Database from 'better-sqlite3';
import { SharedCell } from './shared-cell.js';

/**
 * Where the SQLite store's WAL is copied back into the database file (a checkpoint), and how often.
 *
 * SQLite checkpoints by default inside the commit that makes the WAL pass 1,000 pages, on the
 * connection that commits: the store's writer thread, while every write waiting for that commit
 * waits for the copy and the database file's fsync too. Measured (relay bench, 2,000 msg/s): 26
 * of the writer's ~90 µs per message, and commits of 10–38 ms each second. The maintenance thread
 * (sqlite-maintenance-worker.ts) checkpoints instead, on a timer, with its own read-write connection, once the WAL has reached
 * SQLite's threshold: a PASSIVE checkpoint takes no lock a writer waits for, so commits go on meanwhile. Copying once a second also copies each
 * busy page (a conversation's row, an index's last page) once, not once per 1,000 pages.
 *
 * The WAL starts over from its beginning only when a write begins with every frame copied, and
 * under steady writes that never holds after the maintenance thread's checkpoint: frames were appended while
 * it copied. So that thread only did most of the work, the WAL grew to the writer's own threshold
 * (`WRITER_CHECKPOINT_PAGES`) and the writer checkpointed there, inside a commit: at 2,000 msg/s
 * one commit in ~3,500 took 25–40 ms (17 ms copying, the rest the database file's fsync), the
 * largest part of that rate's p99. Now it raises a flag (`CheckpointHandoff`, shared
 * memory) after each checkpoint, and the writer, after answering its next batch, copies what
 * came since (a few hundred frames, ~1–2 ms); its next write starts the WAL over.
 */
export const CHECKPOINT_INTERVAL_MS = 1_000;

/**
 * The writer's own threshold, 20× SQLite's: only reached if the maintenance thread stopped
 * checkpointing (it failed and has not started again yet: it does after a pause, `WorkerHost`),
 * so the WAL cannot grow without bound.
 */
export const WRITER_CHECKPOINT_PAGES = 20_000;

/** After a checkpoint lets the WAL start over, SQLite truncates the file to this size. */
const WAL_SIZE_LIMIT_BYTES = 64 * 1024 * 1024;

/**
 * SQLite's own threshold (`wal_autocheckpoint`'s default): below it the maintenance thread leaves the WAL
 * alone, as SQLite would. A quiet site's small WAL then grows at its end as before, so a full
 * disk is met at once and reported (store_unavailable), not hidden until the space a checkpoint
 * freed inside the WAL runs out.
 */
const MIN_WAL_PAGES = 1_000;

/** When the maintenance thread checkpoints; production keeps the defaults, tests make both smaller. */
export interface CheckpointOptions {
  intervalMs?: number;
  /** The WAL's size (in pages) below which a checkpoint is skipped. */
  minWalPages?: number;
}

/**
 * The maintenance thread's word to the writer that a checkpoint just ran: one 32-bit cell of shared memory,
 * so neither thread waits on a message through the event loop for it.
 */
export class CheckpointHandoff extends SharedCell {
  /** The maintenance thread: a checkpoint copied the WAL up to where it was a moment ago. */
  checkpointed(): void {
    Atomics.store(this.cell, 0, 1);
  }

  /** The writer: whether a checkpoint ran since it last asked (and so its own would be short). */
  take(): boolean {
    return Atomics.exchange(this.cell, 0, 0) === 1;
  }
}

/**
 * The writer's part: after the maintenance thread's checkpoint, copies the frames written since (PASSIVE:
 * waits for no reader), so the writer's next write can start the WAL over. Call it between
 * transactions, after the batch's results went out, so no write waits for it.
 */
export function finishCheckpoint(db: Database.Database, handoff: CheckpointHandoff, onError: (error: unknown) => void): void {
  if (!handoff.take()) return;
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
  } catch (error) {
    // The next checkpoint hands over again; the writer's own threshold is the backstop.
    onError(error);
  }
}

/** What the maintenance thread leaves to the writer at most, in frames, unless `MAX_PASSES` ran out first. */
const TAIL_FRAMES = 100;
const MAX_PASSES = 4;

/**
 * The maintenance thread's checkpoint, again while the WAL grew by more than `TAIL_FRAMES` during the last
 * pass: the writer copies what is left while its next batch waits, so the less the better. After
 * one pass (a second of writes, ~11,000 frames at 2,000 msg/s, 10–20 ms) the writer's part took
 * 13–18 ms; after a second, short pass, mostly 0.5–3 ms (relay bench, 2,000 msg/s: p99 13, 11 ms
 * against 42, 16 ms, alternated).
 */
function checkpointUntilSmallTail(db: Database.Database): void {
  let frames = -1;
  for (let pass = 1; pass <= MAX_PASSES; pass++) {
    const [{ log }] = db.pragma('wal_checkpoint(PASSIVE)') as [{ log: number }];
    // The WAL started over since the last pass (a writer restarted it): all its frames are new.
    const appended = frames < 0 || log < frames ? log : log - frames;
    frames = log;
    if (appended <= TAIL_FRAMES) return;
  }
}

/**
 * Checkpoints `file`'s WAL every `intervalMs` on this thread, until `stop()`, and tells `handoff`
 * (the writer) after each one.
 */
export function startCheckpoints(
  file: string,
  onError: (error: unknown) => void,
  { handoff, intervalMs = CHECKPOINT_INTERVAL_MS, minWalPages = MIN_WAL_PAGES }: CheckpointOptions & { handoff?: CheckpointHandoff } = {},
): { stop(): void } {
  const db = new Database(file, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
  const minWalBytes = minWalPages * (db.pragma('page_size', { simple: true }) as number);
  const walFile = `${file}-wal`;
  let failing = false;
  const timer = setInterval(() => {
    try {
      // The file's size, not its frames in use: it keeps its size when the WAL starts over, so
      // once past the threshold (a busy site) this checkpoints every second.
      if ((fs.statSync(walFile, { throwIfNoEntry: false })?.size ?? 0) < minWalBytes) return;
      checkpointUntilSmallTail(db);
      handoff?.checkpointed();
      failing = false;
    } catch (error) {
      // A lasting failure (a full disk) is reported once, not every second.
      if (!failing) onError(error);
      failing = true;
    }
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      db.close();
    },
  };
}
