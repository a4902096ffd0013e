import os from 'node:os';

/** The nice value of the store's background threads: below the event loop and the writer (0), still far from starved (weight 110 of 1024). */
export const BACKGROUND_NICENESS = 10;

/**
 * Lowers the calling thread's priority, so what it does (reports, search, indexing, checkpoints)
 * gets the CPU after the chats of the event loop and the writer thread on a busy machine. Linux
 * only, where a priority is a thread's own (setpriority of "this process" is this thread);
 * elsewhere it would lower the whole server. Relay bench at 2,000 msg/s, alternated: p99 19, 13 ms
 * against 30, 102 with the reader at the event loop's priority.
 */
export function lowerThreadPriority(): void {
  if (process.platform !== 'linux') return;
  try {
    os.setPriority(BACKGROUND_NICENESS);
  } catch {
    // Not allowed here (a sandbox): the thread runs at the process's priority, as before.
  }
}
