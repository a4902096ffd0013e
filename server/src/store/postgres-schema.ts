import type pg from 'pg';

/**
 * One constant for every support-chat database: processes starting at once queue on it, so only
 * one of them migrates and the others see the finished schema. Database-wide on purpose: the
 * `pg_trgm` extension it may install is database-wide too. Arbitrary, but it must never change.
 */
export const MIGRATION_LOCK_KEY = 2_173_590_712_345_601;

interface Migration {
  version: number;
  name: string;
  up(client: pg.ClientBase): Promise<void>;
}

const sql = (text: string) => async (client: pg.ClientBase) => {
  await client.query(text);
};

/**
 * Applied in order, each once, recorded in `schema_migrations`. Timestamps are epoch milliseconds
 * in `bigint` columns; message bodies are JSONB (the whole `ChatMessage`), with the fields that
 * queries filter on (author, kind, sender, client id) as plain columns beside them.
 */
const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: sql(`
      CREATE TABLE visitors (
        id text PRIMARY KEY,
        created_at bigint NOT NULL
      );
      CREATE TABLE conversations (
        id text PRIMARY KEY,
        -- Insertion order, to break ties the way SQLite's rowid does (queue order, latest conversation).
        ord bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        visitor_id text NOT NULL REFERENCES visitors (id),
        status text NOT NULL,
        assigned_agent_id text,
        locale text NOT NULL,
        context jsonb NOT NULL,
        last_seq integer NOT NULL DEFAULT 0,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        queued_at bigint,
        closed_at bigint,
        handoff_reason text,
        left_message jsonb,
        visitor_read_seq integer NOT NULL DEFAULT 0,
        agent_read_seq integer NOT NULL DEFAULT 0,
        rating jsonb,
        human_involved boolean NOT NULL DEFAULT false,
        assigned_at bigint
      );
      CREATE INDEX conversations_by_visitor ON conversations (visitor_id, created_at DESC, ord DESC);
      CREATE INDEX conversations_by_status ON conversations (status, updated_at DESC);
      CREATE INDEX conversations_by_updated ON conversations (updated_at DESC);
      CREATE INDEX conversations_by_created ON conversations (created_at);
      CREATE INDEX conversations_by_agent ON conversations (assigned_agent_id, status);
      CREATE INDEX conversations_queue ON conversations (queued_at, ord) WHERE status = 'queued';

      CREATE TABLE messages (
        id text PRIMARY KEY,
        conversation_id text NOT NULL REFERENCES conversations (id),
        seq integer NOT NULL,
        sender_id text NOT NULL,
        client_id text,
        author text NOT NULL,
        kind text NOT NULL,
        created_at bigint NOT NULL,
        body jsonb NOT NULL,
        CONSTRAINT messages_seq UNIQUE (conversation_id, seq),
        -- Dedupe of resent messages, scoped to the conversation (issue 10). A null client id
        -- never conflicts (nulls are distinct), so server-made messages are never deduped.
        CONSTRAINT messages_dedupe UNIQUE (conversation_id, sender_id, client_id)
      );
      -- Reports: AI answers by time, the unanswered ones (knowledge gaps) and the question before
      -- each, the first hand-off and the first agent reply of each conversation.
      CREATE INDEX messages_ai_answers ON messages (created_at) WHERE author = 'ai' AND kind = 'text';
      CREATE INDEX messages_unanswered ON messages (created_at)
        WHERE author = 'ai' AND kind = 'text' AND (body -> 'provenance' ->> 'answered') = 'false';
      CREATE INDEX messages_visitor_questions ON messages (conversation_id, seq) WHERE author = 'visitor';
      CREATE INDEX messages_handoffs ON messages (conversation_id, created_at)
        WHERE kind = 'event' AND (body -> 'event' ->> 'type') = 'queued';
      CREATE INDEX messages_agent_replies ON messages (conversation_id, created_at)
        WHERE kind = 'text' AND author = 'agent';

      CREATE TABLE agents (
        id text PRIMARY KEY,
        email text NOT NULL UNIQUE,
        name text NOT NULL,
        role text NOT NULL,
        password_hash text NOT NULL,
        created_at bigint NOT NULL,
        capacity integer NOT NULL DEFAULT 5
      );
      CREATE TABLE sessions (
        token_hash text PRIMARY KEY,
        agent_id text NOT NULL REFERENCES agents (id),
        created_at bigint NOT NULL,
        expires_at bigint NOT NULL
      );
      CREATE TABLE settings (
        key text PRIMARY KEY,
        value text NOT NULL
      );
      CREATE TABLE canned_replies (
        id text PRIMARY KEY,
        shortcut text NOT NULL UNIQUE,
        text text NOT NULL,
        updated_at bigint NOT NULL
      );
    `),
  },
  { version: 2, name: 'trigram indexes for search', up: addTrigramIndexes },
  // Deactivated agents (issue 11): kept for history, refused at sign-in; their sessions are
  // deleted by agent when they are deactivated or their password changes.
  {
    version: 3,
    name: 'agent deactivation',
    up: sql(`
      ALTER TABLE agents ADD COLUMN deactivated_at bigint;
      CREATE INDEX sessions_by_agent ON sessions (agent_id);
    `),
  },
  {
    version: 4,
    name: 'audit log',
    // Read newest first, all entries or one agent's or one action's, by keyset (at, id) (issue 11).
    up: sql(`
      CREATE TABLE audit_log (
        id text PRIMARY KEY,
        at bigint NOT NULL,
        actor_id text NOT NULL,
        actor_name text NOT NULL,
        action text NOT NULL,
        target_type text NOT NULL,
        target_id text NOT NULL,
        detail jsonb NOT NULL
      );
      CREATE INDEX audit_by_time ON audit_log (at DESC, id DESC);
      CREATE INDEX audit_by_actor ON audit_log (actor_id, at DESC, id DESC);
      CREATE INDEX audit_by_action ON audit_log (action, at DESC, id DESC);
    `),
  },
  {
    version: 5,
    name: 'integrations',
    // Webhooks, their delivery queue (once per hook and event; due ones by a partial index, taken
    // by one process under a lease) and API tokens, kept as their hash (issue 13).
    up: sql(`
      CREATE TABLE webhooks (
        id text PRIMARY KEY,
        ord bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        url text NOT NULL,
        events jsonb NOT NULL,
        description text NOT NULL,
        secret text NOT NULL,
        active boolean NOT NULL,
        created_at bigint NOT NULL,
        created_by text NOT NULL
      );
      CREATE TABLE webhook_deliveries (
        id text PRIMARY KEY DEFAULT gen_random_uuid()::text,
        ord bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        webhook_id text NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
        event_id text NOT NULL,
        event_type text NOT NULL,
        body text NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at bigint,
        last_attempt_at bigint,
        last_status_code integer,
        last_error text,
        created_at bigint NOT NULL,
        delivered_at bigint,
        UNIQUE (webhook_id, event_id)
      );
      CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX webhook_deliveries_by_hook ON webhook_deliveries (webhook_id, created_at DESC, ord DESC);
      CREATE TABLE api_tokens (
        id text PRIMARY KEY,
        ord bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
        name text NOT NULL,
        scope text NOT NULL,
        token_hash text NOT NULL UNIQUE,
        prefix text NOT NULL,
        created_at bigint NOT NULL,
        created_by_id text NOT NULL,
        created_by_name text NOT NULL,
        last_used_at bigint,
        revoked_at bigint
      );
    `),
  },
  {
    version: 6,
    name: 'email outbox',
    // Every process looks for due emails (issue 13); a conversation's emails are found for the
    // reply emails' high-water mark and for erasure.
    up: sql(`
      CREATE TABLE email_outbox (
        id text PRIMARY KEY,
        kind text NOT NULL,
        conversation_id text NOT NULL,
        recipient text,
        from_seq integer NOT NULL,
        through_seq integer NOT NULL,
        status text NOT NULL,
        attempts integer NOT NULL,
        next_attempt_at bigint NOT NULL,
        created_at bigint NOT NULL,
        sent_at bigint,
        last_error text
      );
      CREATE INDEX email_outbox_due ON email_outbox (next_attempt_at) WHERE status = 'pending';
      CREATE INDEX email_outbox_by_conversation ON email_outbox (conversation_id, kind);
    `),
  },
  {
    version: 7,
    name: 'knowledge entries written in the console',
    // Issue 14. `knowledge_version` (one row) is raised by every save and delete in the same
    // transaction, so each process polls one row; the row lock also orders concurrent saves.
    // Answers from knowledge are read by time for the usage counts, through their own index.
    up: sql(`
      CREATE TABLE knowledge_entries (
        id text PRIMARY KEY,
        question text NOT NULL,
        phrasings jsonb NOT NULL,
        answer text NOT NULL,
        lang text NOT NULL,
        tags jsonb NOT NULL,
        url text,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        updated_by text NOT NULL,
        revision integer NOT NULL
      );
      CREATE INDEX knowledge_entries_by_created ON knowledge_entries (created_at, id);
      CREATE TABLE knowledge_version (
        id boolean PRIMARY KEY DEFAULT true CHECK (id),
        version bigint NOT NULL
      );
      INSERT INTO knowledge_version (version) VALUES (0);
      CREATE INDEX messages_answered ON messages (created_at)
        WHERE author = 'ai' AND kind = 'text' AND (body -> 'provenance' ->> 'answered') = 'true';
    `),
  },
  {
    version: 8,
    name: 'finished webhook deliveries by age',
    // Finished deliveries are pruned by age (every message queues one per hook that listens).
    up: sql(`
      CREATE INDEX webhook_deliveries_finished ON webhook_deliveries (created_at) WHERE status <> 'pending';
    `),
  },
  {
    version: 9,
    name: "each agent's console language",
    // Null: the console follows the browser's language until the agent picks one.
    up: sql(`ALTER TABLE agents ADD COLUMN locale text`),
  },
  {
    version: 10,
    name: 'knowledge proposals and learned phrasings',
    // Learning from conversations (issue 14): proposals an admin reviews, the open ones read most
    // asked first; phrasings accepted for any entry (files' too), by its retrieval id. Adding a
    // phrasing raises `knowledge_version` in the same transaction, so every process re-indexes.
    up: sql(`
      CREATE TABLE knowledge_proposals (
        id text PRIMARY KEY,
        kind text NOT NULL,
        status text NOT NULL,
        question text NOT NULL,
        answer text NOT NULL,
        lang text NOT NULL,
        entry_id text,
        entry_question text,
        trigger text NOT NULL,
        count integer NOT NULL,
        examples jsonb NOT NULL,
        created_at bigint NOT NULL,
        updated_at bigint NOT NULL,
        decided_at bigint,
        decided_by text
      );
      CREATE INDEX knowledge_proposals_by_status ON knowledge_proposals (status, count DESC, updated_at DESC);
      CREATE TABLE learned_phrasings (
        entry_id text NOT NULL,
        phrasing text NOT NULL,
        added_at bigint NOT NULL,
        added_by text NOT NULL,
        seq bigserial,
        PRIMARY KEY (entry_id, phrasing)
      );
    `),
  },
  {
    version: 11,
    name: 'attachments',
    // Issue 13: each file's metadata (its bytes are in the attachment storage under storage_key),
    // read by id, counted and listed per conversation, deleted with the visitor's conversations.
    up: sql(`
      CREATE TABLE attachments (
        id text PRIMARY KEY,
        conversation_id text NOT NULL,
        storage_key text NOT NULL,
        name text NOT NULL,
        content_type text NOT NULL,
        size bigint NOT NULL,
        uploaded_by text NOT NULL,
        created_at bigint NOT NULL
      );
      CREATE INDEX attachments_by_conversation ON attachments (conversation_id, created_at);
    `),
  },
  {
    version: 12,
    name: 'conversation labels and the verified user index',
    // Issue 13. Labels are an array on the row (read with it) and one row per label and
    // conversation in `conversation_labels` (written in the same transaction), so filtering by a
    // label reads that label's rows only; erasing a conversation cascades to them. A verified
    // user's conversations on every device are found by a partial expression index.
    up: sql(`
      ALTER TABLE conversations ADD COLUMN labels text[] NOT NULL DEFAULT '{}';
      CREATE TABLE conversation_labels (
        label text NOT NULL,
        conversation_id text NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
        PRIMARY KEY (label, conversation_id)
      );
      CREATE INDEX conversation_labels_by_conversation ON conversation_labels (conversation_id);
      CREATE INDEX conversations_by_verified_user ON conversations ((context -> 'verified' ->> 'userId'), created_at DESC)
        WHERE (context -> 'verified' ->> 'userId') IS NOT NULL;
    `),
  },
  { version: 13, name: 'message search off the append path', up: moveMessageSearch },
  {
    version: 14,
    name: 'search by the name and address of a message left',
    up: async (client) => {
      const schema = await trigramSchema(client);
      if (schema) await client.query(`CREATE INDEX conversations_left_trgm ON conversations USING gin ((${LEFT_MESSAGE_TEXT}) ${schema}.gin_trgm_ops)`);
    },
  },
  {
    version: 15,
    name: "an emailed link followed elsewhere ends the visitor's older sessions",
    up: sql(`ALTER TABLE visitors ADD COLUMN sessions_from bigint NOT NULL DEFAULT 0;`),
  },
  {
    version: 16,
    name: "ratings by when they were given (a rating's webhook event is caught up)",
    up: sql(`CREATE INDEX conversations_rated_at ON conversations (((rating ->> 'ratedAt')::bigint)) WHERE rating IS NOT NULL;`),
  },
];

export const SCHEMA_VERSION = MIGRATIONS.length;

/** The name and address of a message left, as search matches them (its values, not the JSON's keys); the index's expression. */
export const LEFT_MESSAGE_TEXT = `coalesce(left_message ->> 'name', '') || ' ' || coalesce(left_message ->> 'email', '')`;

/**
 * Search is a case-insensitive substring match (ILIKE), as in SQLite. pg_trgm lets GIN indexes
 * serve it for patterns of 3+ characters, Chinese included (trigrams are per character). When
 * the extension is not available, or this role may not install it, search still works by
 * scanning; `PostgresStore.textSearch` says which one a store got.
 */
async function addTrigramIndexes(client: pg.ClientBase): Promise<void> {
  let schema = await trigramSchema(client);
  if (!schema) {
    const available = await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`);
    if (available.rowCount === 0) return;
    await client.query('SAVEPOINT trigram');
    try {
      // Into `public`, not the store's schema: a database has the extension once, and dropping
      // one store's schema must not take it away from the others.
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public');
      await client.query('RELEASE SAVEPOINT trigram');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT trigram');
      if (!isPermissionProblem(error)) throw error;
      return;
    }
    schema = await trigramSchema(client);
    if (!schema) return;
  }
  const ops = `${schema}.gin_trgm_ops`;
  await client.query(`
    CREATE INDEX messages_text_trgm ON messages USING gin ((body ->> 'text') ${ops});
    CREATE INDEX conversations_context_trgm ON conversations USING gin ((context::text) ${ops});
    CREATE INDEX conversations_visitor_trgm ON conversations USING gin (visitor_id ${ops});
  `);
}

/**
 * Issue 10: message text leaves the append's transaction for a table of its own (`message_search`),
 * filled in batches by `PostgresStore`'s search indexer. A trigram GIN index on `messages` made
 * every append insert into its fast-update list, whose one metapage every inserting transaction
 * locks: two processes' appends queued on it, and now and then one of them merged the list into
 * the index while the others waited (appends took up to 120 ms at 2,000 messages a second; 12–19
 * ms without the index).
 *
 * An append now adds its message's id to `search_pending` (a statement trigger with a transition
 * table: one INSERT per statement, whatever the batch size, for every path that inserts messages),
 * when its body has a text string (the column is NOT NULL: a null there would stop every batch).
 * The indexer moves pending ids into `message_search` (one transaction: DELETE … RETURNING, then
 * INSERT), taking them with SKIP LOCKED so indexers of several processes never take the same.
 * Search reads both, so it stays exact while ids wait. Erasure cascades from `messages` to
 * `message_search`; an indexer that meets a message erased meanwhile fails its batch on the
 * foreign key and takes the ids again next time, when the join no longer finds the message (an
 * erasure deletes its pending ids first, so it never deadlocks with an indexer).
 * Message text is never updated after insert (only feedback is, in the body), so inserts are all
 * the indexer needs to follow.
 */
async function moveMessageSearch(client: pg.ClientBase): Promise<void> {
  await client.query(`
    CREATE TABLE message_search (
      message_id text PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
      conversation_id text NOT NULL,
      text text NOT NULL
    );
    CREATE TABLE search_pending (message_id text PRIMARY KEY);
    -- Its own search_path (the store's schema, current while migrating): an insert from a
    -- session with another search_path (psql, an import) queues into this schema's table too.
    CREATE FUNCTION queue_for_search() RETURNS trigger LANGUAGE plpgsql SET search_path FROM CURRENT AS $$
    BEGIN
      INSERT INTO search_pending (message_id) SELECT id FROM added WHERE jsonb_typeof(body -> 'text') = 'string';
      RETURN NULL;
    END $$;
    -- Created before the copy below: it waits for appends in flight, and every append that
    -- commits after it is queued by it, so the copy and the trigger miss nothing between them.
    CREATE TRIGGER messages_queue_for_search AFTER INSERT ON messages
      REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION queue_for_search();
    INSERT INTO message_search (message_id, conversation_id, text)
      SELECT id, conversation_id, body ->> 'text' FROM messages WHERE jsonb_typeof(body -> 'text') = 'string';
  `);
  const schema = await trigramSchema(client);
  if (schema) await client.query(`CREATE INDEX message_search_trgm ON message_search USING gin (text ${schema}.gin_trgm_ops)`);
  // Last: dropping the index locks out reads of messages until the migration commits, so only
  // for this moment (the trigger above blocks writes from its creation, reads go on meanwhile).
  await client.query('DROP INDEX IF EXISTS messages_text_trgm');
}

/** The extension's schema, already quoted where needed (`regnamespace` output). */
async function trigramSchema(client: pg.ClientBase): Promise<string | null> {
  const result = await client.query<{ schema: string }>(
    `SELECT extnamespace::regnamespace::text AS schema FROM pg_extension WHERE extname = 'pg_trgm'`,
  );
  return result.rows[0]?.schema ?? null;
}

function isPermissionProblem(error: unknown): boolean {
  // 42501 insufficient_privilege; 3F000 invalid_schema_name (no `public` schema).
  const code = (error as { code?: unknown }).code;
  return code === '42501' || code === '3F000';
}

/**
 * Brings the schema up to date in one transaction (the caller's) under a transaction-scoped
 * advisory lock, so processes starting together wait for the first and then find nothing left to
 * do. A failed migration rolls back whole, and the lock goes with the transaction even if the
 * process dies.
 */
export async function migrate(client: pg.ClientBase, schema: string | undefined, upTo = SCHEMA_VERSION): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
  if (schema) await client.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
  await client.query(`
    CREATE TABLE IF NOT EXISTS schema_migrations (
      version integer PRIMARY KEY,
      name text NOT NULL,
      applied_at bigint NOT NULL
    )`);
  const { rows } = await client.query<{ version: number }>(
    'SELECT coalesce(max(version), 0)::integer AS version FROM schema_migrations',
  );
  const current = rows[0]?.version ?? 0;
  if (current > SCHEMA_VERSION) {
    throw new Error(
      `The database was written by a newer support-chat (schema ${current}, this version knows ${SCHEMA_VERSION}).`,
    );
  }
  // `upTo` below the newest: tests bring a schema to an older version, to upgrade it from there.
  for (const migration of MIGRATIONS.slice(current, upTo)) {
    await migration.up(client);
    await client.query('INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)', [
      migration.version,
      migration.name,
      Date.now(),
    ]);
  }
}
