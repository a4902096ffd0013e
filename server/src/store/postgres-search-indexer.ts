import type pg from 'pg';

/** Pending messages moved per statement: one transaction of the indexer. */
export const SEARCH_INDEX_BATCH = 2_000;

/**
 * How often the indexer looks for pending messages. Search reads the pending ones too, so this
 * only bounds how many a search scans without the index (at 2,000 messages a second, ~2,000: a
 * few milliseconds). A trigram GIN insert costs less per row in a bigger batch (measured on this
 * machine, ~200-character texts: 100 µs a row in batches of 100, 63 µs in batches of 1,000): once
 * a second instead of every 250 ms, the indexer's statements took 30% less time per message in
 * the two-process bench at 2,000 msg/s (92 against 132 µs), on the cores the chats share.
 */
export const SEARCH_INDEX_INTERVAL_MS = 1_000;

/**
 * Moves up to `$1` pending messages into `message_search` (postgres-schema.ts, migration 13): the
 * ids leave `search_pending` and the texts arrive in one transaction. SKIP LOCKED: the indexers of
 * other processes take other ids meanwhile, never the same ones twice. Every read goes through a
 * primary key: the queue in key order (ids are time-ordered: a backlog leaves oldest first), the
 * ids to delete and the messages to read as arrays (`= ANY (ARRAY (…))`), whatever the planner
 * guesses of a young table: a hash join it chose scanned all of `messages` on every turn (15,000
 * read and write calls a second in PostgreSQL, in the two-process bench).
 */
const INDEX_PENDING = {
  name: 'support_chat_index_pending_v2',
  text: `WITH taken AS (
      DELETE FROM search_pending WHERE message_id = ANY (ARRAY (
        SELECT message_id FROM search_pending ORDER BY message_id LIMIT $1 FOR UPDATE SKIP LOCKED))
      RETURNING message_id
    ), indexed AS (
      INSERT INTO message_search (message_id, conversation_id, text)
      SELECT m.id, m.conversation_id, m.body ->> 'text' FROM messages m
      WHERE m.id = ANY (ARRAY (SELECT message_id FROM taken)) AND jsonb_typeof(m.body -> 'text') = 'string'
      ON CONFLICT (message_id) DO NOTHING
    )
    SELECT count(*)::int AS taken FROM taken`,
};

/**
 * The PostgreSQL store's search indexer: every `intervalMs`, it empties `search_pending` in batches.
 * A failed batch (the database away, a message erased under it) leaves its ids pending for the
 * next turn; search stays exact meanwhile, only slower while many wait.
 */
export class PostgresSearchIndexer {
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopping = false;
  private lastWarning = 0;

  constructor(
    private readonly pool: pg.Pool,
    private readonly options: { intervalMs?: number; batch?: number; onError?: (error: Error) => void } = {},
  ) {}

  start(): void {
    this.timer ??= setInterval(() => {
      this.running ??= this.drain()
        .then(
          () => undefined,
          (error: Error) => this.warn(error),
        )
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? SEARCH_INDEX_INTERVAL_MS);
    // The chat never waits for it: a process may exit with messages pending (the next indexer takes them).
    this.timer.unref();
  }

  /** Moves every pending message; resolves with how many (each turn of the timer, and tests). */
  async drain(): Promise<number> {
    const batch = this.options.batch ?? SEARCH_INDEX_BATCH;
    let moved = 0;
    for (;;) {
      const { rows } = await this.pool.query<{ taken: number }>({ ...INDEX_PENDING, values: [batch] });
      moved += rows[0]!.taken;
      // Stopping: the batch in hand is done; the rest waits for the next indexer, of any process.
      if (rows[0]!.taken < batch || this.stopping) return moved;
    }
  }

  /** Stops the timer and waits for the batch in progress (a backlog is left for the next start). */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.timer);
    await this.running;
  }

  /** At most one warning a minute: a database away for an hour is one story, not 3,600. */
  private warn(error: Error): void {
    const now = Date.now();
    if (now - this.lastWarning < 60_000) return;
    this.lastWarning = now;
    (this.options.onError ?? ((e: Error) => process.emitWarning(`Search indexer: ${e.message}`)))(error);
  }
}
