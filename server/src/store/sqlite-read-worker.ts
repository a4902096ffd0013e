/**
 * The reader thread: its own read-only connection to the store's file answers the heavy reads
 * (`SqliteReads`), one at a time, so reports and search never stall the event loop that relays
 * chats (issue 9). Started by `read-thread.ts`; bundled as `dist/sqlite-read-worker.js`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { SqliteReads, type ReadMethod } from './sqlite-reads.js';

export interface ReadRequest {
  id: number;
  method: ReadMethod;
  args: unknown[];
}

export type ReadResponse = { id: number; ok: true; result: unknown } | { id: number; ok: false; message: string };

const { file } = workerData as { file: string };
const db = new Database(file, { readonly: true, fileMustExist: true });
db.pragma('busy_timeout = 5000');
const reads = new SqliteReads(db);

parentPort!.on('message', ({ id, method, args }: ReadRequest) => {
  let response: ReadResponse;
  try {
    const run = reads[method] as (...a: unknown[]) => unknown;
    response = { id, ok: true, result: run.apply(reads, args) };
  } catch (error) {
    response = { id, ok: false, message: error instanceof Error ? error.message : String(error) };
  }
  parentPort!.postMessage(response);
});
