/**
 * The main thread's side of the reader and maintenance threads: each read is posted to the reader
 * and answered by its own connection. Measured on 10k conversations / 100k messages (`npm run
 * bench -- reads`): a report takes tens of ms of CPU wherever it runs; here it costs the event loop
 * only the posting of the request and the small answer, so a chat's p99 does not move while admins
 * open reports. The maintenance thread keeps the search index and checkpoints the WAL; a search
 * first has it index what waits (one batch), so it finds every write acknowledged before it.
 */
import type { MaintenanceRequest, MaintenanceResponse, MaintenanceWorkerData } from './sqlite-maintenance-worker.js';
import type { ReadQueries } from './sqlite-reads.js';
import type { ReadRequest, ReadResponse, ReadWorkerData } from './sqlite-read-worker.js';
import { isCorruption, SearchGeneration } from './search-index.js';
import { WorkerHost } from './worker-host.js';

type Outcome = { ok: true; value: unknown } | { ok: false; error: Error };

/**
 * How often a damaged page met by a search has the index file checked again: when the damage is
 * the chat database's, the index is sound and each check (reading the whole file) is in vain.
 */
const SEARCH_RECHECK_MS = 60_000;

const failure = (what: string, message: string, code?: string): Outcome => ({
  ok: false,
  error: Object.assign(new Error(`${what} failed: ${message}`), code ? { code } : {}),
});

/** The reads, and the search index, kept by two worker threads over `file`, started at once. */
export function createReadThread(
  options: Omit<MaintenanceWorkerData, 'searchGeneration'>,
): ReadQueries & { flushSearch(): Promise<void>; close(): Promise<void> } {
  let closing = false;
  const searchGeneration = new SearchGeneration().buffer;
  // Started at once, not at the first read: the maintenance thread keeps the index up to date and
  // checkpoints the WAL, calls or not, so it is started again by itself if it is lost.
  const maintenance: WorkerHost<MaintenanceRequest, MaintenanceResponse> = new WorkerHost(
    'sqlite-maintenance-worker',
    { ...options, searchGeneration } satisfies MaintenanceWorkerData,
    'store maintenance thread',
    (response) => maintenance.settle(response.id, response.ok ? { ok: true, value: undefined } : failure('search indexing', response.message, response.code)),
    { restartWhenLost: true },
  );
  const reader: WorkerHost<ReadRequest, ReadResponse> = new WorkerHost(
    'sqlite-read-worker',
    { file: options.file, searchFile: options.searchFile, searchGeneration } satisfies ReadWorkerData,
    'store reader thread',
    (response) => reader.settle(response.id, response.ok ? { ok: true, value: response.result } : failure('store read', response.message, response.code)),
  );

  /** The maintenance thread's recheck of a damaged index file, while it runs, and when the last one ended. */
  let recheck: Promise<void> | undefined;
  let recheckedAt = -Infinity;

  const maintain = async (method: 'indexStep' | 'flushSearch' | 'recheckSearch'): Promise<void> => {
    if (closing) throw new Error('The store is closed.');
    const { id, result } = maintenance.expect<void>();
    await maintenance.post({ id, method } satisfies MaintenanceRequest, [id]);
    return result;
  };
  const call = (method: Extract<ReadRequest, { method: unknown }>['method']) => async (...args: unknown[]) => {
    if (closing) throw new Error('The store is closed.');
    const { id, result } = reader.expect();
    await reader.post({ id, method, args } satisfies ReadRequest, [id]);
    return result;
  };
  const search = call('searchConversations');

  return {
    async searchConversations(...args: unknown[]) {
      await maintain('indexStep');
      const asked = performance.now();
      try {
        return await search(...args);
      } catch (error) {
        // A damaged index file: checked and rebuilt by the maintenance thread (`recheckSearch` in
        // sqlite-maintenance-worker.ts), and the search answered from the new file, as far as it
        // is built. One recheck at a time: the searches that met the damage meanwhile, or before
        // it ended, wait for it and try again; a search that meets damage again within a minute
        // of the last recheck fails (the file was sound: the damage is the chat database's).
        if (!isCorruption(error)) throw error;
        if (!recheck && asked > recheckedAt) {
          if (performance.now() - recheckedAt < SEARCH_RECHECK_MS) throw error;
          recheck = maintain('recheckSearch').finally(() => {
            recheck = undefined;
            recheckedAt = performance.now();
          });
        }
        await recheck;
        return search(...args);
      }
    },
    reportFacts: call('reportFacts'),
    answerFeedbackCounts: call('answerFeedbackCounts'),
    knowledgeGaps: call('knowledgeGaps'),
    knowledgeUsage: call('knowledgeUsage'),
    knowledgeQuestions: call('knowledgeQuestions'),
    knowledgeAnswerOutcomes: call('knowledgeAnswerOutcomes'),
    knowledgeGapCounts: call('knowledgeGapCounts'),
    report: call('report'),
    forgetQuestions: call('forgetQuestions'),
    flushSearch: () => maintain('flushSearch'),
    async close() {
      closing = true;
      // Asked to close their connections (see the workers), after the calls already posted.
      await Promise.all([reader.close({ close: true } satisfies ReadRequest), maintenance.close({ close: true } satisfies MaintenanceRequest)]);
    },
  } as ReadQueries & { flushSearch(): Promise<void>; close(): Promise<void> };
}
