/**
 * The main thread's side of the reader thread: each call is posted to the worker and answered by
 * its own connection. Measured on 10k conversations / 100k messages (`npm run bench -- reads`): a
 * report takes tens of ms of CPU wherever it runs; here it costs the event loop only the posting of
 * the request and the small answer, so a chat's p99 does not move while admins open reports.
 */
import fs from 'node:fs';
import { Worker } from 'node:worker_threads';
import type { ReadQueries } from './sqlite-reads.js';
import type { ReadRequest, ReadResponse, ReadWorkerData } from './sqlite-read-worker.js';

let sourceWorker: Promise<URL> | undefined;

/**
 * Where the worker's code is. Built (`dist/*.js`): `sqlite-read-worker.js` beside the bundle,
 * an entry of `build.mjs`. From source (vitest): Node 20 cannot run TypeScript in a worker, so
 * the entry is bundled once per process with esbuild (a dev dependency) under node_modules/.cache,
 * where `better-sqlite3` resolves as it does for the source.
 */
function workerUrl(): Promise<URL> {
  if (import.meta.url.endsWith('.js')) return Promise.resolve(new URL('./sqlite-read-worker.js', import.meta.url));
  sourceWorker ??= (async () => {
    const { build } = await import('esbuild');
    const outfile = new URL(`../../node_modules/.cache/support-chat/sqlite-read-worker-${process.pid}.mjs`, import.meta.url);
    fs.mkdirSync(new URL('.', outfile), { recursive: true });
    await build({
      entryPoints: [new URL('./sqlite-read-worker.ts', import.meta.url).pathname],
      outfile: outfile.pathname,
      bundle: true,
      platform: 'node',
      format: 'esm',
      external: ['better-sqlite3'],
      logLevel: 'warning',
    });
    return outfile;
  })();
  return sourceWorker;
}

/** The reads, and the search index, kept by a worker thread over `file`, started at once. */
export function createReadThread(options: ReadWorkerData): ReadQueries & { flushSearch(): Promise<void>; close(): Promise<void> } {
  let worker: Worker | undefined;
  let starting: Promise<Worker> | undefined;
  let closing = false;
  let nextId = 1;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  const failAll = (error: Error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };

  const start = (): Promise<Worker> =>
    (starting ??= workerUrl().then((url) => {
      const w = new Worker(url, { workerData: options });
      w.unref(); // an idle reader never keeps the process alive
      w.on('message', (response: ReadResponse) => {
        const call = pending.get(response.id);
        if (!call) return;
        pending.delete(response.id);
        if (response.ok) call.resolve(response.result);
        else call.reject(new Error(`store read failed: ${response.message}`));
      });
      const lost = (error: Error) => {
        // The next call starts a fresh thread (which catches the index up from its marks).
        worker = undefined;
        starting = undefined;
        failAll(error);
      };
      w.on('error', lost);
      w.on('exit', (code) => lost(new Error(`store reader thread exited (${code})`)));
      worker = w;
      return w;
    }));
  // At once, not at the first read: the thread also keeps the search index up to date.
  start().catch((error: unknown) => process.emitWarning(`The store's reader thread did not start: ${error instanceof Error ? error.message : String(error)}`));

  const call = (method: Extract<ReadRequest, { method: unknown }>['method']) => async (...args: unknown[]) => {
    if (closing) throw new Error('The store is closed.');
    const w = worker ?? (await start());
    return new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      w.ref(); // ...but one with work in flight does
      w.postMessage({ id, method, args } satisfies ReadRequest);
    }).finally(() => {
      if (pending.size === 0) worker?.unref();
    });
  };

  return {
    searchConversations: call('searchConversations'),
    reportFacts: call('reportFacts'),
    answerFeedbackCounts: call('answerFeedbackCounts'),
    knowledgeGaps: call('knowledgeGaps'),
    report: call('report'),
    flushSearch: call('flushSearch'),
    async close() {
      closing = true;
      // A thread that never started has nothing to close (its start already warned).
      const w = worker ?? (starting ? await starting.catch(() => undefined) : undefined);
      worker = undefined;
      starting = undefined;
      if (!w) return;
      // Asked to close its connections (see the worker), after the calls already posted.
      const exited = new Promise((resolve) => w.once('exit', resolve));
      w.ref();
      w.postMessage({ close: true } satisfies ReadRequest);
      await exited;
    },
  } as ReadQueries & { flushSearch(): Promise<void>; close(): Promise<void> };
}
