/**
 * The store's worker thread. Its read-only connection to the store's file answers the heavy
 * reads (`SqliteReads`), one at a time, so reports and search never stall the event loop that
 * relays chats (issue 9). It also keeps the search index (search-index.ts): every
 * `intervalMs` it moves what was written since into the index file, which its read connection
 * has attached as `search`. And once a second it checkpoints the store's WAL (checkpoints.ts), so
 * the writer's commits never wait for that copy. Started by `read-thread.ts`; bundled as `dist/sqlite-read-worker.js`.
 *
 * A search first indexes what is waiting (one batch), so it finds every write acknowledged
 * before it was asked; only while more than a batch waits (a rebuild) does it answer from the
 * index as far as it got. Better than letting search lag by the interval: the Store contract
 * stays as it was (no "wait for the index" for callers to know about), and the cost is at most
 * one interval's writes, indexed on this thread (~200 rows at 2,000 msg/s).
 */
import os from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CheckpointHandoff, startCheckpoints, type CheckpointOptions } from './checkpoints.js';
import { isCorruption, openSearchFile } from './search-index.js';
import { SqliteReads, type ReadMethod } from './sqlite-reads.js';

export type ReadRequest = { id: number; method: ReadMethod | 'flushSearch'; args: unknown[] } | { close: true };

/** A failure keeps SQLite's code (`SQLITE_IOERR_READ`…): the main thread maps it (store-errors.ts). */
export type ReadResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string; code?: string };

/** The most of the database file the reader maps (SQLite maps only what the file has). */
const READER_MMAP_BYTES = 1024 * 1024 * 1024;

/** The reader thread's nice value: below the event loop and the writer (0), still far from starved (weight 110 of 1024). */
const READER_NICENESS = 10;

export interface ReadWorkerData {
  file: string;
  searchFile: string;
  intervalMs: number;
  /** Shared with the writer thread, told after each checkpoint (checkpoints.ts). */
  checkpointHandoff?: SharedArrayBuffer;
  /** Tests: checkpoint sooner and at a smaller WAL than production's once a second past 1,000 pages. */
  checkpoints?: CheckpointOptions;
}

const { file, searchFile, intervalMs, checkpointHandoff, checkpoints: checkpointOptions } = workerData as ReadWorkerData;
// What this thread does (reports, search, checkpoints) can wait; the chats of the event loop and
// the writer thread cannot: on a busy machine it gets the CPU after them. Linux only, where a
// priority is a thread's own (setpriority of "this process" is this thread); elsewhere it would
// lower the whole server. Relay bench at 2,000 msg/s, alternated: p99 19, 13 ms against 30, 102.
if (process.platform === 'linux') {
  try {
    os.setPriority(READER_NICENESS);
  } catch {
    // Not allowed here (a sandbox): the thread runs at the process's priority, as before.
  }
}
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// Reports and search walk many pages at random (the knowledge gaps look up each unanswered
// question's visitor message): read through a memory map instead of a read() syscall and a copy
// per page, the gaps took half the time on 100k messages. Only address space until touched, and
// the pages are the kernel's file cache, shared with the writer's.
db.pragma(`mmap_size = ${READER_MMAP_BYTES}`);
const reads = new SqliteReads(db);

function attachSearch(options?: { discard: boolean }) {
  const opened = openSearchFile(db, searchFile, options);
  db.prepare('ATTACH DATABASE ? AS search').run(searchFile);
  return opened;
}
let search = attachSearch();

/** Whether the last batch failed: a lasting failure (a full disk) is reported once, not every tick. */
let failing = false;

/** One batch; true when more waits. A damaged index file is replaced and built again. */
function indexStep(): boolean {
  try {
    const more = search.indexer.step();
    failing = false;
    return more;
  } catch (error) {
    if (!isCorruption(error)) {
      if (!failing) process.emitWarning(`Search indexing failed (retried every ${intervalMs} ms): ${error instanceof Error ? error.message : String(error)}`);
      failing = true;
      return false;
    }
    process.emitWarning(`Rebuilding the damaged search index ${searchFile}: ${(error as Error).message}`);
    db.exec('DETACH DATABASE search');
    search.index.close();
    search = attachSearch({ discard: true });
    return true;
  }
}

// The WAL's checkpoints run here, not in the writer's commits (checkpoints.ts).
const checkpoints = startCheckpoints(
  file,
  (error) => process.emitWarning(`Checkpointing the store's WAL failed (retried every second): ${error instanceof Error ? error.message : String(error)}`),
  { ...checkpointOptions, ...(checkpointHandoff ? { handoff: new CheckpointHandoff(checkpointHandoff) } : {}) },
);

let timer: NodeJS.Timeout | undefined;
const tick = () => {
  // A long backlog (a rebuild) goes on at once, a batch at a time, with requests answered between.
  timer = setTimeout(tick, indexStep() ? 0 : intervalMs);
};
tick();

parentPort!.on('message', (request: ReadRequest) => {
  if ('close' in request) {
    // Closed, not terminated: a thread stopped inside a batch would keep the index's write lock.
    clearTimeout(timer);
    checkpoints.stop();
    search.index.close();
    db.close();
    process.exit(0);
  }
  const { id, method, args } = request;
  let response: ReadResponse;
  try {
    if (method === 'flushSearch') {
      while (indexStep());
      response = { id, ok: true, result: undefined };
    } else {
      if (method === 'searchConversations') indexStep();
      const run = reads[method] as (...a: unknown[]) => unknown;
      response = { id, ok: true, result: run.apply(reads, args) };
    }
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    response = { id, ok: false, message: error instanceof Error ? error.message : String(error), ...(typeof code === 'string' ? { code } : {}) };
  }
  parentPort!.postMessage(response);
});
