/**
 * The store's maintenance thread: keeps the search index (search-index.ts) and checkpoints the
 * WAL (checkpoints.ts), each on its own connection. Both used to run on the reader thread, between
 * its reads: traced beside chats at 500 msg/s, a report then waited for an index batch (up to
 * 160 ms, FTS5 merging segments) or a checkpoint (up to 140 ms) in a third of the admin's rounds.
 * Here they take turns with each other, never with a read.
 *
 * Every `intervalMs` it moves what was written since into the index file (its own, beside the
 * chat's); the reader thread attaches that file to search it. A search first asks this thread for
 * one batch (`indexStep`), so it finds every write acknowledged before it was asked; only while
 * more than a batch waits (a rebuild) does it answer from the index as far as it got. A damaged
 * index file is deleted and built again here; the reader attaches the new file at its next search.
 * Started by `read-thread.ts`; bundled as `dist/sqlite-maintenance-worker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { CheckpointHandoff, startCheckpoints, type CheckpointOptions } from './checkpoints.js';
import { lowerThreadPriority } from './thread-priority.js';
import { isCorruption, openSearchFile, SearchGeneration } from './search-index.js';
import { toThreadFailure, type ThreadFailure } from './thread-failure.js';

export type MaintenanceRequest = { id: number; method: 'indexStep' | 'flushSearch' | 'recheckSearch' } | { close: true };

export type MaintenanceResponse = { id: number; ok: true } | ({ id: number; ok: false } & ThreadFailure);

export interface MaintenanceWorkerData {
  file: string;
  searchFile: string;
  intervalMs: number;
  /** Raised here each time an index file is ready; read by the reader thread (`SearchAttachment`). */
  searchGeneration: SharedArrayBuffer;
  /** Shared with the writer thread, told after each checkpoint (checkpoints.ts). */
  checkpointHandoff?: SharedArrayBuffer;
  /** Tests: checkpoint sooner and at a smaller WAL than production's once a second past 1,000 pages. */
  checkpoints?: CheckpointOptions;
}

const { file, searchFile, intervalMs, searchGeneration, checkpointHandoff, checkpoints: checkpointOptions } = workerData as MaintenanceWorkerData;
// Indexing and checkpoints can wait; the chats of the event loop and the writer thread cannot.
lowerThreadPriority();

// The WAL's checkpoints run here, not in the writer's commits (checkpoints.ts). Started first:
// they must go on whatever becomes of the search index.
const checkpoints = startCheckpoints(
  file,
  (error) => process.emitWarning(`Checkpointing the store's WAL failed (retried every second): ${error instanceof Error ? error.message : String(error)}`),
  { ...checkpointOptions, ...(checkpointHandoff ? { handoff: new CheckpointHandoff(checkpointHandoff) } : {}) },
);

// Read-only: the chat database is the indexer's source, never written from here.
const chat = new Database(file, { readonly: true, fileMustExist: true });
chat.pragma('busy_timeout = 5000');
const generation = new SearchGeneration(searchGeneration);

/** The open index, or why it could not be opened (tried again at the next batch). */
let search: ReturnType<typeof openSearchFile> | undefined;
let unavailable: Error | undefined;

/** A damaged file waits to be replaced: an open that failed after it was found is tried again as a rebuild. */
let discardPending = false;

/** Opens the index file (a new one in place of a damaged one) and tells the reader. */
function openIndex(): void {
  // Odd until the file is ready: a search meanwhile keeps the file the reader has attached.
  generation.opening();
  try {
    search = openSearchFile(chat, searchFile, { discard: discardPending });
    discardPending = false;
    unavailable = undefined;
    generation.ready();
  } catch (error) {
    // A full disk, a directory made read-only: reported once, tried again every interval.
    const { message: why, code } = toThreadFailure(error);
    const message = `The search index ${searchFile} cannot be opened: ${why}`;
    if (!unavailable) process.emitWarning(`${message} (retried every ${intervalMs} ms)`);
    unavailable = Object.assign(new Error(message), code ? { code } : {});
  }
}
openIndex();

/** Whether the last batch failed: a lasting failure (a full disk) is reported once, not every tick. */
let failing = false;

/**
 * One batch; true when more waits. A damaged index file is replaced and built again, and its
 * first batch indexed at once (`rebuilt`): the search that asked finds what it holds, not an empty file.
 */
function indexStep(rebuilt = false): boolean {
  if (!search) openIndex();
  if (!search) return false;
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
    reopen({ discard: true });
    // Once: should the new file fail at once too (a failing disk), it is replaced again, but
    // indexed only from the next tick on, not in a loop.
    return search !== undefined && !rebuilt && indexStep(true);
  }
}

/** Closes the index and opens its file again: a new one when `discard`, else checked (`openSearchFile`). */
function reopen({ discard }: { discard: boolean }): void {
  search?.index.close();
  search = undefined;
  // A rebuild still pending (its open failed) stays pending.
  discardPending ||= discard;
  openIndex();
}

/**
 * A search met a damaged page of the index that this thread has not read since (an old segment,
 * which indexing may never read again), so nothing here might ever rebuild it, and every search
 * would fail until a restart. The file is opened afresh, its pages read from disk again by
 * `quick_check`, which has it rebuilt when damaged (`openSearchFile`) and kept when not (the
 * damage was the chat database's, which a rebuild of the index would not mend).
 */
function recheckSearch(): void {
  reopen({ discard: false });
  if (search) indexStep();
}

let timer: NodeJS.Timeout | undefined;
const tick = () => {
  // A long backlog (a rebuild) goes on at once, a batch at a time, with requests answered between.
  timer = setTimeout(tick, indexStep() ? 0 : intervalMs);
};
tick();

parentPort!.on('message', (request: MaintenanceRequest) => {
  if ('close' in request) {
    // Closed, not terminated: a thread stopped inside a batch would keep the index's write lock.
    clearTimeout(timer);
    checkpoints.stop();
    search?.index.close();
    chat.close();
    process.exit(0);
  }
  const { id, method } = request;
  let response: MaintenanceResponse;
  try {
    if (method === 'flushSearch') while (indexStep());
    else if (method === 'recheckSearch') recheckSearch();
    else indexStep();
    // A search would read an index that is not there, or no longer follows the chats.
    if (unavailable) throw unavailable;
    response = { id, ok: true };
  } catch (error) {
    response = { id, ok: false, ...toThreadFailure(error) };
  }
  parentPort!.postMessage(response);
});
