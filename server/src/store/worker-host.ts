import { Worker } from 'node:worker_threads';
import { StoreThreadError } from './store-errors.js';
import { workerUrl, type StoreWorker } from './worker-url.js';

/**
 * The main thread's side of one of the store's worker threads (the reader, the writer): started
 * at once, started again by the next call after it is lost (the calls waiting on the lost one
 * fail), holding the process open only while calls wait, and closed by asking it to close its
 * connections (a thread stopped mid-transaction would leave a lock).
 */
export class WorkerHost<Request, Response> {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(
    private readonly entry: StoreWorker,
    private readonly workerData: unknown,
    /** Names the thread in errors and warnings: "store reader thread". */
    private readonly what: string,
    /** Settles the calls a response answers (`settle`). */
    private readonly onResponse: (response: Response) => void,
  ) {
    this.start().catch((error: unknown) =>
      process.emitWarning(`The ${this.what} did not start: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** A new call: its id (to put in a request) and what it will settle to. */
  expect<T>(): { id: number; result: Promise<T> } {
    const id = this.nextId++;
    const result = new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
    });
    return { id, result };
  }

  settle(id: number, outcome: { ok: true; value: unknown } | { ok: false; error: Error }): void {
    const call = this.pending.get(id);
    if (!call) return;
    this.pending.delete(id);
    if (outcome.ok) call.resolve(outcome.value);
    else call.reject(outcome.error);
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** Posts to the thread (starting it if needed); the calls `ids` fail if it cannot be had. */
  async post(request: Request, ids: readonly number[]): Promise<void> {
    try {
      const w = this.worker ?? (await this.start());
      w.ref(); // calls are waiting: keep the process up for them
      w.postMessage(request);
    } catch (error) {
      const failure = new StoreThreadError(`The ${this.what} could not start: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
      for (const id of ids) this.settle(id, { ok: false, error: failure });
    }
  }

  /** Asks the thread to finish what was posted and close; resolves once it has exited. */
  async close(request: Request): Promise<void> {
    const w = this.worker ?? (this.starting ? await this.starting.catch(() => undefined) : undefined);
    this.worker = undefined;
    this.starting = undefined;
    if (!w) return; // never started: its start already warned
    const exited = new Promise((resolve) => w.once('exit', resolve));
    w.ref();
    w.postMessage(request);
    await exited;
  }

  private start(): Promise<Worker> {
    return (this.starting ??= workerUrl(this.entry).then((url) => {
      const w = new Worker(url, { workerData: this.workerData });
      w.unref(); // an idle thread never keeps the process alive
      w.on('message', (response: Response) => this.onResponse(response));
      const lost = (error: Error) => {
        // What was in flight is unknown, as after a crash: it fails (a client retries it, and the
        // store's dedupe keeps one copy); the next call starts afresh.
        if (this.worker === w) this.worker = undefined;
        if (this.worker === undefined) this.starting = undefined;
        for (const { reject } of this.pending.values()) reject(error);
        this.pending.clear();
      };
      w.on('error', (error) => lost(new StoreThreadError(`The ${this.what} failed: ${error.message}`, { cause: error })));
      w.on('exit', (code) => lost(new StoreThreadError(`The ${this.what} exited (${code})`)));
      this.worker = w;
      return w;
    }));
  }
}
