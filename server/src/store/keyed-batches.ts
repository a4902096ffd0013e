/** What a batch gives each of its items: a value, or the error of that item alone. */
export type Settled<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Pending<T, R> {
  item: T;
  key: string;
  resolve: (value: R) => void;
  reject: (error: unknown) => void;
}

export interface KeyedBatchesOptions<T, R> {
  /** Items with the same key never share a batch (the statement could touch their row once only). */
  key: (item: T) => string;
  /** Runs one batch; settles each item (same order). Never called with more than `maxBatch` items. */
  run: (items: T[]) => Promise<Settled<R>[]>;
  /** Batches running at once: while they run, new items queue up and leave together in the next. */
  maxInFlight: number;
  maxBatch: number;
}

/**
 * Group commit for the PostgreSQL store: items asked for in one turn of the event loop, and all
 * those that arrive while `maxInFlight` batches are running, leave together in one batch (one
 * statement, one round trip, one commit). An idle store sends an item on the next turn, alone.
 * Each item's promise settles with the batch that carried it, so nothing resolves before its
 * commit. Queue order is kept per key: an item waits behind an earlier one with its key.
 */
export class KeyedBatches<T, R> {
  private queue: Pending<T, R>[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idle: (() => void)[] = [];
  /** Batches sent so far (tests and benches: under load, far fewer than items). */
  batches = 0;

  constructor(private readonly options: KeyedBatchesOptions<T, R>) {}

  add(item: T): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      this.queue.push({ item, key: this.options.key(item), resolve, reject });
      if (!this.scheduled && this.inFlight < this.options.maxInFlight) {
        this.scheduled = true;
        setImmediate(() => {
          this.scheduled = false;
          this.pump();
        });
      }
    });
  }

  /** Resolves once nothing is queued or running (closing the store waits for it). */
  drained(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idle.push(resolve));
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.queue.length > 0) this.send(this.take());
    if (this.queue.length === 0 && this.inFlight === 0) for (const done of this.idle.splice(0)) done();
  }

  /** The next batch: queue order, one item per key, at most `maxBatch`; the rest stay queued in order. */
  private take(): Pending<T, R>[] {
    const batch: Pending<T, R>[] = [];
    const rest: Pending<T, R>[] = [];
    const keys = new Set<string>();
    for (const pending of this.queue) {
      if (batch.length < this.options.maxBatch && !keys.has(pending.key)) {
        keys.add(pending.key);
        batch.push(pending);
      } else {
        // Its key is taken, so is every later item's of that key: they stay behind it, in order.
        keys.add(pending.key);
        rest.push(pending);
      }
    }
    this.queue = rest;
    return batch;
  }

  private send(batch: Pending<T, R>[]): void {
    this.inFlight++;
    this.batches++;
    this.options
      .run(batch.map((p) => p.item))
      .then(
        (settled) =>
          batch.forEach((pending, i) => {
            const result = settled[i];
            if (result?.ok) pending.resolve(result.value);
            else pending.reject(result ? result.error : new Error('The batch settled fewer items than it was given.'));
          }),
        (error: unknown) => batch.forEach((p) => p.reject(error)),
      )
      .finally(() => {
        this.inFlight--;
        this.pump();
      });
  }
}
