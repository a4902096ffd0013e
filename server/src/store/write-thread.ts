/**
 * The main thread's side of the writer thread (sqlite-write-worker.ts): each write is posted as a
 * small command (`{ op: 'appendMessage', args }`), the commands of one turn of the event loop in
 * one message (up to `POST_AT_MOST`), and resolves when the worker answers, which it does only once the write's commit
 * is on disk. Reads stay on the main thread's connection: WAL readers see every committed write,
 * so a caller that awaited its write reads it back.
 *
 * Why it is the default for a file store (issue 9: "group commit, or the writes on a worker:
 * measure both, keep the better"). Both run the same `SqliteWrites` in the same `GroupCommit`
 * (a transaction per batch, a savepoint per write, `WalSync` before any write resolves); only
 * the thread that runs the SQL differs. Measured on the built product, 2 cores shared with other
 * work (load 5–7, so the relay figures are noisy; variants alternated):
 * - `npm run bench -- store`, event loop per append: 99 µs in the loop, 18 µs with the thread
 *   (posting and the answer); CPU of the whole process 122 vs 150 µs (the copy across threads).
 * - relay, visitor → agent closed loop, product/raw: loop 0.287×, 0.241×; thread 0.718×, 0.353×.
 *   At a fixed 2,000 msg/s delivered: loop 954, 593 msg/s; thread 1,924, 1,464 msg/s.
 * - relay, agent → visitor closed loop, product msg/s: loop 1,442, 1,273, 1,704, 1,799; thread
 *   745 (under load 6.6), 1,061, 1,930, 1,905 (the ratios swing with raw's 4k–12k msg/s).
 * - offline answers (50 / 200 visitors): loop 600 / 480, 460 / 760; thread 658 / 564, 1,052 / 683.
 * The thread takes ~80% of the store's cost off the event loop that relays chats; it spends some
 * more CPU in all, which a second core pays. The in-process writer stays (`writer: 'loop'`): an
 * in-memory database needs it anyway (no other connection can open it), so on a file it is one
 * branch to keep.
 */
import Database from 'better-sqlite3';
import { ChatError } from '../errors.js';
import type { ErrorCode } from '@support-chat/shared';
import type { SqliteWrites, WriteCommand, WriteOp } from './sqlite-writes.js';
import type { WriteRequest, WriteResponse, WriteWorkerData } from './sqlite-write-worker.js';
import type { ThreadFailure } from './thread-failure.js';
import { WorkerHost } from './worker-host.js';

/** How the store runs a write, in process or on the writer thread. */
export interface StoreWriter {
  run<Op extends WriteOp>(op: Op, ...args: Parameters<SqliteWrites[Op]>): Promise<ReturnType<SqliteWrites[Op]>>;
  /** How many transactions committed (the bench and tests: far fewer than writes under load). */
  readonly commits: number;
  /** Resolves once every write asked for before has settled; later writes are refused. */
  close(): Promise<void>;
}

/** The error thrown in the worker, as the in-process writer would have thrown it. */
function revive(failure: ThreadFailure): Error {
  if (failure.name === 'ChatError' && failure.code) return new ChatError(failure.code as ErrorCode, failure.message);
  if (failure.name === 'SqliteError' && failure.code) return new Database.SqliteError(failure.message, failure.code);
  // A file system error (WalSync's fdatasync: ENOSPC, EIO) keeps its code, which says what failed.
  const error = Object.assign(new Error(failure.message), failure.code ? { code: failure.code } : {});
  error.name = failure.name;
  return error;
}

/**
 * A busy turn (200 visitors' messages read from their sockets at once) goes to the writer in
 * parts of this many, as it is read: the writer commits the first part while the event loop still
 * reads the rest, and the answers come back in parts too, so the loop sends the first agents their
 * messages while the writer commits the next. In one message per turn the two took turns, each
 * idle while the other worked (event loop ~47% of a core, writer ~38%). Relay bench, visitor →
 * agent closed loop, alternated three times: 5,394, 6,114, 5,273 msg/s in one message, 6,204,
 * 6,452, 6,944 in parts of 32 (16 and 64 measured no better). At a steady rate a turn has a write
 * or two: nothing changes there.
 */
const POST_AT_MOST = 32;

export function createWriteThread(options: WriteWorkerData): StoreWriter {
  let closed = false;
  let commits = 0;
  let outbox: (WriteCommand & { id: number })[] = [];
  let scheduled = false;
  // Started at once: the first write then waits for no thread to start (or bundle, from source).
  const host: WorkerHost<WriteRequest, WriteResponse> = new WorkerHost('sqlite-write-worker', options, 'store writer thread', (response) => {
    if ('closed' in response) return;
    commits = response.commits;
    for (const result of response.results) {
      host.settle(result.id, result.ok ? { ok: true, value: result.value } : { ok: false, error: revive(result.error) });
    }
  });

  // Posts what waits; the turn's setImmediate still comes (and finds nothing, or what came since).
  const post = async () => {
    const commands = outbox;
    outbox = [];
    if (commands.length === 0) return; // close() posted them already
    await host.post({ commands } satisfies WriteRequest, commands.map((c) => c.id));
  };

  return {
    run<Op extends WriteOp>(op: Op, ...args: Parameters<SqliteWrites[Op]>): Promise<ReturnType<SqliteWrites[Op]>> {
      if (closed) return Promise.reject(new Error('The store is closed.'));
      const { id, result } = host.expect<ReturnType<SqliteWrites[Op]>>();
      outbox.push({ id, op, args } as unknown as WriteCommand & { id: number });
      // The writes asked for in this turn go in one message (and so one transaction), but no more
      // than POST_AT_MOST at a time: see there.
      if (outbox.length >= POST_AT_MOST) void post();
      if (!scheduled) {
        scheduled = true;
        setImmediate(() => {
          scheduled = false;
          void post();
        });
      }
      return result;
    },
    get commits() {
      return commits;
    },
    async close() {
      closed = true;
      if (scheduled) await post();
      // Closed, not terminated: the worker drains what was posted before, syncs, closes its
      // connection (a thread stopped inside a commit would leave its write lock).
      await host.close({ close: true } satisfies WriteRequest);
    },
  };
}
