/**
 * The main thread's side of the reader thread: each call is posted to the worker and answered by
 * its own connection. Measured on 10k conversations / 100k messages (`npm run bench -- reads`): a
 * report takes tens of ms of CPU wherever it runs; here it costs the event loop only the posting of
 * the request and the small answer, so a chat's p99 does not move while admins open reports.
 */
import type { ReadQueries } from './sqlite-reads.js';
import type { ReadRequest, ReadResponse, ReadWorkerData } from './sqlite-read-worker.js';
import { WorkerHost } from './worker-host.js';

/** The reads, and the search index, kept by a worker thread over `file`, started at once. */
export function createReadThread(options: ReadWorkerData): ReadQueries & { flushSearch(): Promise<void>; close(): Promise<void> } {
  let closing = false;
  // Started at once, not at the first read: the thread also keeps the search index up to date.
  const host: WorkerHost<ReadRequest, ReadResponse> = new WorkerHost('sqlite-read-worker', options, 'store reader thread', (response) =>
    host.settle(
      response.id,
      response.ok
        ? { ok: true, value: response.result }
        : { ok: false, error: Object.assign(new Error(`store read failed: ${response.message}`), response.code ? { code: response.code } : {}) },
    ),
  );

  const call = (method: Extract<ReadRequest, { method: unknown }>['method']) => async (...args: unknown[]) => {
    if (closing) throw new Error('The store is closed.');
    const { id, result } = host.expect();
    await host.post({ id, method, args } satisfies ReadRequest, [id]);
    return result;
  };

  return {
    searchConversations: call('searchConversations'),
    reportFacts: call('reportFacts'),
    answerFeedbackCounts: call('answerFeedbackCounts'),
    knowledgeGaps: call('knowledgeGaps'),
    knowledgeUsage: call('knowledgeUsage'),
    knowledgeQuestions: call('knowledgeQuestions'),
    knowledgeAnswerOutcomes: call('knowledgeAnswerOutcomes'),
    knowledgeGapCounts: call('knowledgeGapCounts'),
    report: call('report'),
    flushSearch: call('flushSearch'),
    async close() {
      closing = true;
      // Asked to close its connections (see the worker), after the calls already posted.
      await host.close({ close: true } satisfies ReadRequest);
    },
  } as ReadQueries & { flushSearch(): Promise<void>; close(): Promise<void> };
}
