import { Worker } from 'node:worker_threads';
import { StoreThreadError } from './store-errors.js';
import { workerUrl, type StoreWorker } from './worker-url.js';

/**
 * The main thread's side of one of the store's worker threads (the reader, the maintenance
 * thread, the writer): started at once, started again by the next call after it is lost (the
 * calls waiting on the lost one fail), or by itself after a pause for a thread whose work runs
 * without calls (`restartWhenLost`: the maintenance thread's checkpoints), holding the process
 * open only while calls wait, and closed by asking it to close its connections (a thread stopped
 * mid-transaction would leave a lock).
 */
export class WorkerHost<Request, Response> {
  private worker: Worker | undefined;
  private starting: Promise<Worker> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private closed = false;
  /** The pause before a lost thread is started again by itself: doubled each time, up to a minute. */
  private restartDelayMs = RESTART_DELAY_MS;
  private startedAt = 0;
  private restartTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly entry: StoreWorker,
    private readonly workerData: unknown,
    /** Names the thread in errors and warnings: "store reader thread". */
    private readonly what: string,
    /** Settles the calls a response answers (`settle`). */
    private readonly onResponse: (response: Response) => void,
    private readonly options: { restartWhenLost?: boolean } = {},
  ) {
    this.startOrWarn();
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
    this.closed = true;
    clearTimeout(this.restartTimer);
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
    if (this.starting) return this.starting;
    const starting: Promise<Worker> = workerUrl(this.entry)
      .then((url) => {
        const w = new Worker(url, { workerData: this.workerData });
        w.unref(); // an idle thread never keeps the process alive
        w.on('message', (response: Response) => this.onResponse(response));
        // `error` and then `exit` report one loss: handled once, so calls already made to a
        // thread started in between are not failed with the old one's.
        let gone = false;
        const lost = (error: Error) => {
          if (gone) return;
          gone = true;
          // What was in flight is unknown, as after a crash: it fails (a client retries it, and the
          // store's dedupe keeps one copy); the next call starts afresh.
          if (this.worker === w) {
            this.worker = undefined;
            this.starting = undefined;
          } else if (!this.closed) return; // a newer thread took over: the calls waiting are its own
          for (const { reject } of this.pending.values()) reject(error);
          this.pending.clear();
          if (this.options.restartWhenLost && !this.closed) this.restartLater(error, Date.now() - this.startedAt);
        };
        // A thread may throw anything, not only an Error (`throw undefined` reaches here as is).
        w.on('error', (error: unknown) =>
          lost(new StoreThreadError(`The ${this.what} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error })),
        );
        w.on('exit', (code) => lost(new StoreThreadError(`The ${this.what} exited (${code})`)));
        this.worker = w;
        this.startedAt = Date.now();
        return w;
      })
      .catch((error: unknown) => {
        // Not started (its code could not be found or loaded): the next call, or the restart, tries again.
        if (this.starting === starting) this.starting = undefined;
        if (this.options.restartWhenLost && !this.closed) this.restartLater(error instanceof Error ? error : new Error(String(error)), 0);
        throw error;
      });
    this.starting = starting;
    return starting;
  }

  /** Starts the thread with no call waiting for it: a failure is only worth a warning. */
  private startOrWarn(): void {
    this.start().catch((error: unknown) =>
      process.emitWarning(`The ${this.what} did not start: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Starts a lost (or unstarted) thread again after a pause; `ranMs`: how long it had run. */
  private restartLater(error: Error, ranMs: number): void {
    if (this.restartTimer) return;
    // A thread that ran a good while before it was lost starts again soon; one that keeps failing, less and less often.
    if (ranMs > RESTART_DELAY_MAX_MS) this.restartDelayMs = RESTART_DELAY_MS;
    const delay = this.restartDelayMs;
    this.restartDelayMs = Math.min(this.restartDelayMs * 2, RESTART_DELAY_MAX_MS);
    process.emitWarning(`${error.message}; starting it again in ${Math.round(delay / 1000)} s`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closed || this.worker || this.starting) return;
      this.startOrWarn();
    }, delay);
    this.restartTimer.unref();
  }
}

const RESTART_DELAY_MS = 1_000;
const RESTART_DELAY_MAX_MS = 60_000;
