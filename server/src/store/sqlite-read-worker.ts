/**
 * The store's reader thread. Its read-only connection to the store's file answers the heavy
 * reads (`SqliteReads`), one at a time, so reports and search never stall the event loop that
 * relays chats (issue 9). It only reads: the search index and the WAL's checkpoints are the
 * maintenance thread's (sqlite-maintenance-worker.ts), so a report never waits behind them.
 * Started by `read-thread.ts`; bundled as `dist/sqlite-read-worker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SearchAttachment, SearchGeneration } from './search-index.js';
import { SqliteReads, type ReadMethod } from './sqlite-reads.js';
import { lowerThreadPriority } from './thread-priority.js';
import { toThreadFailure, type ThreadFailure } from './thread-failure.js';

export type ReadRequest = { id: number; method: ReadMethod; args: unknown[] } | { close: true };

/** A failure keeps SQLite's code (`SQLITE_IOERR_READ`…): the main thread maps it (store-errors.ts). */
export type ReadResponse = { id: number; ok: true; result: unknown } | ({ id: number; ok: false } & ThreadFailure);

/** The most of the database file the reader maps (SQLite maps only what the file has). */
const READER_MMAP_BYTES = 1024 * 1024 * 1024;

export interface ReadWorkerData {
  file: string;
  /** The search index, kept by the maintenance thread: attached as `search` for searches. */
  searchFile: string;
  /** Which index file is ready (`SearchGeneration`), raised by the maintenance thread. */
  searchGeneration: SharedArrayBuffer;
}

const { file, searchFile, searchGeneration } = workerData as ReadWorkerData;
// Reports and search can wait; the chats of the event loop and the writer thread cannot.
lowerThreadPriority();
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
// Reports and search walk many pages at random (the knowledge gaps look up each unanswered
// question's visitor message): read through a memory map instead of a read() syscall and a copy
// per page, the gaps took half the time on 100k messages. Only address space until touched, and
// the pages are the kernel's file cache, shared with the writer's.
db.pragma(`mmap_size = ${READER_MMAP_BYTES}`);
const reads = new SqliteReads(db);

// Attached at the first search, and again after a rebuild; each search first has the maintenance
// thread index a batch, and it answers only once a file is open.
const search = new SearchAttachment(db, searchFile, new SearchGeneration(searchGeneration));

parentPort!.on('message', (request: ReadRequest) => {
  if ('close' in request) {
    db.close();
    process.exit(0);
  }
  const { id, method, args } = request;
  let response: ReadResponse;
  try {
    if (method === 'searchConversations') search.ensure();
    const run = reads[method] as (...a: unknown[]) => unknown;
    response = { id, ok: true, result: run.apply(reads, args) };
  } catch (error) {
    response = { id, ok: false, ...toThreadFailure(error) };
  }
  parentPort!.postMessage(response);
});
