/**
 * PostgresStore against the machine's real PostgreSQL (no mocks): the whole Store contract, then
 * what only a shared database can get wrong — several stores (as several processes would) racing
 * on migrations, appends, claims and first messages. Each test works in a schema of its own.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from '../../test/postgres.js';
import { eventually } from '../../test/webhook-receiver.js';
import { APPEND_BATCH } from './postgres-appends.js';
import { PostgresStore } from './postgres-store.js';
import { migrate, SCHEMA_VERSION } from './postgres-schema.js';
import { ChatError } from '../errors.js';
import { conversationFixture, describeStoreContract } from './store-contract.js';
import { describeIntegrationsContract } from './integrations-contract.js';
import { describeLabelsContract } from './labels-contract.js';
import type { MessageDraft } from './types.js';

const unreachable = await postgresUnreachable();
const schemas = testSchemas();
const open = (schema = schemas.schema()) => PostgresStore.open(TEST_DATABASE_URL, { schema, max: 4 });
const say = (text: string, clientId?: string): MessageDraft => ({ senderId: 'visitor-1', author: 'visitor', kind: 'text', text, ...(clientId ? { clientId } : {}) });

/** Opens `count` stores on one schema: separate pools, as separate processes would have. */
async function openNodes(count: number, schema = schemas.schema()): Promise<PostgresStore[]> {
  return Promise.all(Array.from({ length: count }, () => open(schema)));
}

async function closeAll(stores: PostgresStore[]): Promise<void> {
  await Promise.all(stores.map((store) => store.close()));
}

/**
 * Whether a session waits for a lock `client` holds (not any lock wait: other test files' sessions
 * wait too). `client` may be inside a transaction, where pg_stat_activity is a snapshot taken at
 * its first read: cleared before each look, or a look before the other session waited is seen
 * forever (a test hung until its timeout, now and then).
 */
async function blocksAnother(client: pg.Client): Promise<boolean> {
  await client.query('SELECT pg_stat_clear_snapshot()');
  return (await client.query('SELECT 1 FROM pg_stat_activity WHERE pg_backend_pid() = ANY (pg_blocking_pids(pid))')).rowCount! > 0;
}

/**
 * `schema` as support-chat left it before the search table (migration 12), with a visitor and an
 * open conversation 'old' whose seq is at `lastSeq`, plus `moreSql`, committed.
 */
async function atSchema12(client: pg.Client, schema: string, lastSeq: number, moreSql = ''): Promise<void> {
  await client.query('BEGIN');
  await client.query(`SET LOCAL search_path = "${schema}"`);
  await migrate(client, schema, 12);
  await client.query(`
    INSERT INTO visitors (id, created_at) VALUES ('visitor-1', 1);
    INSERT INTO conversations (id, visitor_id, status, locale, context, created_at, updated_at, last_seq)
      VALUES ('old', 'visitor-1', 'bot', 'en', '{}', 1, 1, ${lastSeq});
    ${moreSql}`);
  await client.query('COMMIT');
}

describe.skipIf(skipWithoutPostgres('PostgresStore', unreachable))('PostgresStore', () => {
  beforeAll(() => {
    if (unreachable) throw new Error(`PostgreSQL at ${TEST_DATABASE_URL} is unreachable (${unreachable})`);
  });
  afterAll(async () => {
    if (!unreachable) await schemas.dropAll();
  }, 60_000);

  describeStoreContract('PostgresStore', () => open());
  describeIntegrationsContract('PostgresStore', () => open());
  describeLabelsContract('PostgresStore', () => open());

  it('migrates once when three stores start at once on a fresh schema', async () => {
    const schema = schemas.schema();
    const nodes = await openNodes(3, schema);
    try {
      const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
      await client.connect();
      const { rows } = await client.query(`SELECT version FROM "${schema}".schema_migrations ORDER BY version`);
      await client.end();
      expect(rows.map((r) => r.version)).toEqual(Array.from({ length: SCHEMA_VERSION }, (_, i) => i + 1));
      await nodes[0]!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await nodes[1]!.createConversation(conversationFixture({ id: 'a' }));
      await nodes[2]!.appendMessage('a', say('hello'), 2);
      expect((await nodes[0]!.listMessages('a', {})).map((m) => m.text)).toEqual(['hello']);
    } finally {
      await closeAll(nodes);
    }
  });

  it('keeps its data when reopened, and refuses a schema from a newer version', async () => {
    const schema = schemas.schema();
    const first = await open(schema);
    await first.createVisitor({ id: 'visitor-1', createdAt: 1 });
    await first.createConversation(conversationFixture({ id: 'a' }));
    await first.appendMessage('a', say('persist me'), 5);
    await first.close();
    const second = await open(schema);
    expect((await second.listMessages('a', {})).map((m) => m.text)).toEqual(['persist me']);
    expect((await second.getConversation('a'))?.lastSeq).toBe(1);
    await second.close();

    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    await client.query(`INSERT INTO "${schema}".schema_migrations (version, name, applied_at) VALUES (999, 'future', 0)`);
    await client.end();
    await expect(open(schema)).rejects.toThrow(/newer support-chat/);
  });

  it('gives 200 concurrent appends to one conversation, from two stores, the seqs 1..200', async () => {
    const nodes = await openNodes(2);
    try {
      await nodes[0]!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await nodes[0]!.createConversation(conversationFixture({ id: 'busy' }));
      const results = await Promise.all(
        Array.from({ length: 200 }, (_, i) => nodes[i % 2]!.appendMessage('busy', say(`m${i}`, `client-${i}`), 1000 + i)),
      );
      expect(results.map((r) => r.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      const stored = await nodes[1]!.listMessages('busy', { limit: 1000 });
      expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
      expect((await nodes[0]!.getConversation('busy'))?.lastSeq).toBe(200);
    } finally {
      await closeAll(nodes);
    }
  });

  it('keeps each conversation gap-free when appends to many conversations interleave', async () => {
    const nodes = await openNodes(2);
    try {
      await nodes[0]!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      const ids = Array.from({ length: 8 }, (_, i) => `c${i}`);
      for (const id of ids) await nodes[0]!.createConversation(conversationFixture({ id }));
      await Promise.all(
        Array.from({ length: 160 }, (_, i) => nodes[i % 2]!.appendMessage(ids[i % ids.length]!, say(`m${i}`), 1000 + i)),
      );
      for (const id of ids) {
        expect((await nodes[1]!.listMessages(id, {})).map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      }
    } finally {
      await closeAll(nodes);
    }
  });

  it('stores a resend racing itself once, without burning a seq, and scopes dedupe to the conversation', async () => {
    const nodes = await openNodes(2);
    try {
      await nodes[0]!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await nodes[0]!.createConversation(conversationFixture({ id: 'a' }));
      await nodes[0]!.createConversation(conversationFixture({ id: 'b' }));
      const sends = await Promise.all(Array.from({ length: 10 }, (_, i) => nodes[i % 2]!.appendMessage('a', say('once', 'client-same'), 2000)));
      expect(sends.filter((r) => r.created)).toHaveLength(1);
      expect(new Set(sends.map((r) => r.message.id)).size).toBe(1);
      expect((await nodes[0]!.appendMessage('a', say('next'), 2001)).message.seq).toBe(2);
      // The same sender and client id in another conversation is another message (issue 10).
      const elsewhere = await nodes[1]!.appendMessage('b', say('once', 'client-same'), 2002);
      expect(elsewhere).toMatchObject({ created: true, message: { conversationId: 'b', seq: 1 } });
    } finally {
      await closeAll(nodes);
    }
  });

  it("appends a visitor's sends from two stores racing a close: each lands gap-free before it or finds none after (issue 9)", async () => {
    const nodes = await openNodes(2);
    try {
      await nodes[0]!.openConversation(conversationFixture({ id: 'open' }));
      const sends = Array.from({ length: 100 }, (_, i) => nodes[i % 2]!.appendToOpenConversation('visitor-1', say(`m${i}`, `client-${i}`), 1000 + i));
      const closed = nodes[1]!.transitionConversation('open', ['bot'], { status: 'closed', closedAt: 1050 });
      const [results] = await Promise.all([Promise.all(sends), closed]);
      const landed = results.filter((r) => r !== null);
      const seqs = landed.map((r) => r.message.seq).sort((x, y) => x - y);
      expect(seqs).toEqual(Array.from({ length: landed.length }, (_, i) => i + 1));
      expect((await nodes[0]!.listMessages('open', { limit: 1000 })).map((m) => m.seq)).toEqual(seqs);
      expect((await nodes[0]!.getConversation('open'))).toMatchObject({ status: 'closed', lastSeq: landed.length });
      // A resend of a stored message, racing itself, is stored once.
      await nodes[0]!.openConversation(conversationFixture({ id: 'next' }));
      const resends = await Promise.all(Array.from({ length: 6 }, (_, i) => nodes[i % 2]!.appendToOpenConversation('visitor-1', say('once', 'client-same'), 2000)));
      expect(resends.filter((r) => r?.created)).toHaveLength(1);
      expect(new Set(resends.map((r) => r?.message.id)).size).toBe(1);
      expect(resends[0]!.message).toMatchObject({ conversationId: 'next', seq: 1 });
    } finally {
      await closeAll(nodes);
    }
  });

  it('sends appends that wait together in a few statements (group commit), each settled as if alone (issue 10)', async () => {
    const store = await open();
    try {
      const visitors = Array.from({ length: 40 }, (_, i) => `v${i}`);
      for (const visitorId of visitors) await store.openConversation(conversationFixture({ id: `c-${visitorId}`, visitorId, status: 'assigned', assignedAgentId: 'agent-1' }));
      await store.appendToOpenConversation('v0', { ...say('first'), senderId: 'v0', clientId: 'resent' }, 1000);
      const before = store.appendStatements;
      const [visitorSends, agentReplies] = await Promise.all([
        // A resend (v0's 'resent') among them, and a visitor with no conversation.
        Promise.all([...visitors, 'nobody'].map((visitorId) => store.appendToOpenConversation(visitorId, { ...say(`from ${visitorId}`), senderId: visitorId, clientId: visitorId === 'v0' ? 'resent' : `m-${visitorId}` }, 2000))),
        // Replies by the assigned agent, and one by an agent it is not assigned to.
        Promise.all(visitors.map((visitorId, i) => store.appendIfAssignedTo(`c-${visitorId}`, i === 1 ? 'agent-2' : 'agent-1', { senderId: 'agent-1', author: 'agent', kind: 'text', text: `to ${visitorId}`, clientId: `r-${visitorId}` }, 2000))),
      ]);
      expect(store.appendStatements - before).toBeLessThan(20);
      expect(visitorSends.at(-1)).toBeNull();
      expect(visitorSends[0]).toMatchObject({ created: false, message: { text: 'first', seq: 1 } });
      expect(agentReplies[1]).toBeNull();
      for (const [i, visitorId] of visitors.entries()) {
        const stored = await store.listMessages(`c-${visitorId}`, {});
        const landed = [visitorSends[i]!, agentReplies[i]].filter((r) => r?.created).map((r) => r!.message);
        expect(stored.map((m) => m.seq)).toEqual(Array.from({ length: stored.length }, (_, k) => k + 1));
        for (const message of landed) expect(stored).toContainEqual(message);
        expect((await store.getConversation(`c-${visitorId}`))?.lastSeq).toBe(stored.length);
      }
    } finally {
      await store.close();
    }
  });

  it("finds a batch's conversations through their keys, never by reading the whole table (the planner guesses a batch has 100 appends)", async () => {
    const schema = schemas.schema();
    const store = await open(schema);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      // A site's worth of conversations: with 10,000 the hash joins of an earlier statement read
      // them all, twice, on every batch (a 3x PostgreSQL CPU per message, measured).
      await client.query(`SET search_path = "${schema}"`);
      await client.query(`INSERT INTO visitors (id, created_at) SELECT 'v' || g, 1 FROM generate_series(1, 5000) g`);
      await client.query(`INSERT INTO conversations (id, visitor_id, status, locale, context, created_at, updated_at)
        SELECT 'c' || g, 'v' || g, 'bot', 'en', '{}', 1, 1 FROM generate_series(1, 5000) g`);
      await client.query('ANALYZE conversations');
      // The plan every connection settles on after its first executions: the generic one.
      await client.query('SET plan_cache_mode = force_generic_plan');
      await client.query(`PREPARE append_batch(jsonb) AS ${APPEND_BATCH.text.replace('$1::jsonb', '$1')}`);
      const input = [
        { n: 0, conversation_id: 'c1', visitor_id: null, agent_id: null, status: null },
        { n: 1, conversation_id: null, visitor_id: 'v2', agent_id: null, status: null },
      ].map((target) => ({ ...target, message_id: `m${target.n}`, sender_id: 'v', client_id: null, author: 'visitor', kind: 'text', created_at: 2, body: { text: 'hi' } }));
      const { rows } = await client.query(`EXPLAIN (FORMAT JSON) EXECUTE append_batch('${JSON.stringify(input)}')`);
      // Every read of a table must be bounded by a key: no sequential scan, and no index or
      // bitmap scan without a condition (a merge join over the whole primary key reads it all too).
      type PlanNode = { 'Node Type': string; 'Relation Name'?: string; 'Index Cond'?: string; 'Recheck Cond'?: string; Plans?: PlanNode[] };
      const unbounded: string[] = [];
      const walk = (node: PlanNode) => {
        const type = node['Node Type'];
        if (type === 'Seq Scan' || (/^Index (Only )?Scan$/.test(type) && !node['Index Cond']) || (type === 'Bitmap Heap Scan' && !node['Recheck Cond'])) {
          unbounded.push(`${type} on ${node['Relation Name'] ?? '?'}`);
        }
        for (const child of node.Plans ?? []) walk(child);
      };
      walk(rows[0]['QUERY PLAN'][0].Plan);
      expect(unbounded).toEqual([]);
    } finally {
      await client.end();
      await store.close();
    }
  });

  it('never deadlocks when two stores batch appends to the same conversations in opposite orders', async () => {
    const nodes = await openNodes(2);
    try {
      const ids = Array.from({ length: 30 }, (_, i) => `c${String(i).padStart(2, '0')}`);
      await nodes[0]!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      for (const id of ids) await nodes[0]!.createConversation(conversationFixture({ id }));
      const rounds = Array.from({ length: 5 }, (_, round) =>
        nodes.flatMap((node, n) => (n ? [...ids].reverse() : ids).map((id) => node.appendMessage(id, say(`r${round} n${n}`), 1000 + round))),
      );
      const started = performance.now();
      await Promise.all(rounds.flat());
      // PostgreSQL breaks a deadlock after deadlock_timeout (1 s): none means no wait that long.
      expect(performance.now() - started).toBeLessThan(1000);
      for (const id of ids) expect((await nodes[1]!.listMessages(id, {})).map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    } finally {
      await closeAll(nodes);
    }
  });

  it('lets exactly one of two agents on different stores claim a queued conversation, every time', async () => {
    const nodes = await openNodes(2);
    try {
      await nodes[0]!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      for (let round = 0; round < 20; round++) {
        const id = `q${round}`;
        await nodes[0]!.createConversation(conversationFixture({ id, status: 'queued', queuedAt: round }));
        const claims = await Promise.all(
          nodes.map((node, i) => node.transitionConversation(id, ['queued'], { status: 'assigned', assignedAgentId: `agent-${i}` })),
        );
        const winners = claims.filter((claim) => claim !== null);
        expect(winners).toHaveLength(1);
        expect((await nodes[1]!.getConversation(id))?.assignedAgentId).toBe(winners[0]!.assignedAgentId);
      }
    } finally {
      await closeAll(nodes);
    }
  });

  it('opens one conversation when first messages race on different stores, and one new one after a close', async () => {
    const nodes = await openNodes(3);
    try {
      for (let round = 0; round < 10; round++) {
        const visitorId = `visitor-race-${round}`;
        const results = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            nodes[i % 3]!.openConversation(conversationFixture({ id: `r${round}-${i}`, visitorId })),
          ),
        );
        expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1);
        expect(results.filter((r) => r.created)).toHaveLength(1);
        // After a close, racing messages again agree on one new conversation.
        await nodes[0]!.transitionConversation(results[0]!.conversation.id, ['bot'], { status: 'closed', closedAt: 2 });
        const reopened = await Promise.all(
          Array.from({ length: 6 }, (_, i) =>
            nodes[i % 3]!.openConversation(conversationFixture({ id: `r${round}-again-${i}`, visitorId })),
          ),
        );
        expect(new Set(reopened.map((r) => r.conversation.id)).size).toBe(1);
        expect(reopened.filter((r) => r.created)).toHaveLength(1);
        expect(reopened[0]!.conversation.id).not.toBe(results[0]!.conversation.id);
      }
    } finally {
      await closeAll(nodes);
    }
  });

  it('agrees on one value when stores race to set a setting', async () => {
    const nodes = await openNodes(3);
    try {
      const values = await Promise.all(nodes.map((node, i) => node.setSettingIfAbsent('secret', `value-${i}`)));
      expect(new Set(values).size).toBe(1);
    } finally {
      await closeAll(nodes);
    }
  });

  it('refuses text with U+0000, which PostgreSQL cannot store, as invalid input', async () => {
    const store = await open();
    try {
      await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await store.createConversation(conversationFixture({ id: 'a' }));
      await expect(store.appendMessage('a', say('nul \u0000 here'), 2)).rejects.toMatchObject({ code: 'invalid_payload' });
      expect((await store.appendMessage('a', say('a literal \\u0000 is fine'), 3)).message).toMatchObject({ seq: 1, text: 'a literal \\u0000 is fine' });
    } finally {
      await store.close();
    }
  });

  it('parses bigint columns to numbers without changing pg globally, and ends its pool on close', async () => {
    const store = await open();
    await store.createVisitor({ id: 'visitor-1', createdAt: 1_700_000_000_123 });
    expect(await store.getVisitor('visitor-1')).toEqual({ id: 'visitor-1', createdAt: 1_700_000_000_123, sessionsFrom: 0 });
    expect(pg.types.getTypeParser(20, 'text')('42')).toBe('42');
    await store.close();
    await store.close();
    await expect(store.getVisitor('visitor-1')).rejects.toThrow();
  });

  it('serves text search from trigram indexes when pg_trgm is available', async () => {
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const available = (await client.query(`SELECT 1 FROM pg_available_extensions WHERE name = 'pg_trgm'`)).rowCount === 1;
    await client.end();
    const store = await open();
    try {
      expect(store.textSearch).toBe(available ? 'trigram' : 'scan');
      await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await store.createConversation(conversationFixture({ id: 'zh', locale: 'zh-CN' }));
      await store.appendMessage('zh', say('我的退款还没有到账'), 2);
      expect((await store.searchConversations({ text: '还没有到账', limit: 5 })).map((c) => c.id)).toEqual(['zh']);
      expect((await store.searchConversations({ text: '退款', limit: 5 })).map((c) => c.id)).toEqual(['zh']);
    } finally {
      await store.close();
    }
  });

  /**
   * Issue 10: message text is indexed off the append's transaction (migration 13). Search must not
   * care where a message is: still pending, indexed, or erased meanwhile.
   */
  it('finds a message while it waits for the search indexer and after, and never once it is erased', async () => {
    const schema = schemas.schema();
    // Indexed only when the test says so: each step knows where every message is.
    const held = { schema, max: 4, searchIndexIntervalMs: 3_600_000 };
    const [store, other] = await Promise.all([PostgresStore.open(TEST_DATABASE_URL, held), PostgresStore.open(TEST_DATABASE_URL, held)]);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const count = async (table: string) => Number((await client.query(`SELECT count(*) AS n FROM "${schema}".${table}`)).rows[0].n);
    try {
      await store!.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await store!.createConversation(conversationFixture({ id: 'a' }));
      await store!.createVisitor({ id: 'visitor-2', createdAt: 1 });
      await store!.createConversation(conversationFixture({ id: 'b', visitorId: 'visitor-2' }));
      await Promise.all(Array.from({ length: 60 }, (_, i) => store!.appendMessage(i % 2 ? 'a' : 'b', say(`parcel ${i} 包裹`), 2 + i)));
      await store!.appendMessage('a', { senderId: 'system', author: 'system', kind: 'event', event: { type: 'queued' } } as MessageDraft, 100);
      const found = async (text: string) => (await other!.searchConversations({ text, limit: 5 })).map((c) => c.id).sort();
      expect(await found('parcel 7 ')).toEqual(['a']);
      expect(await found('包裹')).toEqual(['a', 'b']);
      expect(await count('search_pending')).toBe(60);

      // Both stores' indexers at once: every text indexed once, nothing left pending, the event (no text) never queued.
      await Promise.all([store!.indexPendingSearch(), other!.indexPendingSearch(), store!.indexPendingSearch()]);
      expect(await count('search_pending')).toBe(0);
      expect(await count('message_search')).toBe(60);
      expect(await found('parcel 7 ')).toEqual(['a']);
      expect(await found('parcel 8 ')).toEqual(['b']);

      // Erased while indexed, and while pending: gone from search either way, and from its table.
      await store!.appendMessage('b', say('parcel 99 pending'), 200);
      await store!.eraseVisitor('visitor-2', 100);
      // The rows themselves (a search would not show them anyway: their conversation is gone).
      expect(await count('message_search')).toBe(30);
      expect(await count('search_pending')).toBe(0);
      expect(await found('parcel 8 ')).toEqual([]);
      expect(await found('parcel 99')).toEqual([]);
      expect(await found('包裹')).toEqual(['a']);
      await store!.indexPendingSearch();
      expect(await count('message_search')).toBe(30);
    } finally {
      await client.end();
      await closeAll([store!, other!]);
    }
  });

  it('indexes the messages of a database written before the search table (migration 13)', async () => {
    const schema = schemas.schema();
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      await atSchema12(client, schema, 3, `
        INSERT INTO messages (id, conversation_id, seq, sender_id, author, kind, created_at, body) VALUES
          ('m1', 'old', 1, 'visitor-1', 'visitor', 'text', 2, '{"text": "where is my order"}'),
          ('m2', 'old', 2, 'system', 'system', 'event', 3, '{"event": {"type": "queued"}}'),
          ('m3', 'old', 3, 'system', 'system', 'event', 4, '{"text": null}');`);
    } finally {
      await client.end();
    }
    // Its indexer held: whatever is in the search table, the migration put there.
    const store = await PostgresStore.open(TEST_DATABASE_URL, { schema, max: 2, searchIndexIntervalMs: 3_600_000 });
    const check = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await check.connect();
    try {
      const indexed = await check.query(`SELECT message_id, text FROM "${schema}".message_search`);
      expect(indexed.rows).toEqual([{ message_id: 'm1', text: 'where is my order' }]);
      expect((await check.query(`SELECT * FROM "${schema}".search_pending`)).rowCount).toBe(0);
      expect((await store.searchConversations({ text: 'my order', limit: 5 })).map((c) => c.id)).toEqual(['old']);
      // Inserted from a session in another schema (psql, an import): queued in the store's own
      // table all the same, except a text that is not a string (never written by the product).
      await check.query(`INSERT INTO "${schema}".messages (id, conversation_id, seq, sender_id, author, kind, created_at, body)
        VALUES ('m4', 'old', 4, 'system', 'system', 'event', 5, '{"text": null}'),
               ('m5', 'old', 5, 'visitor-1', 'visitor', 'text', 6, '{"text": "typed in psql"}')`);
      expect((await check.query(`SELECT message_id FROM "${schema}".search_pending`)).rows).toEqual([{ message_id: 'm5' }]);
    } finally {
      await check.end();
      await store.close();
    }
  });

  it('misses no message that older processes append while the search table migration runs (a rolling upgrade)', async () => {
    const schema = schemas.schema();
    const clients = Array.from({ length: 3 }, () => new pg.Client({ connectionString: TEST_DATABASE_URL }));
    const [setup, before, after] = clients as [pg.Client, pg.Client, pg.Client];
    await Promise.all(clients.map((client) => client.connect()));
    const insert = (client: pg.Client, id: string, seq: number, text: string) =>
      client.query(`INSERT INTO "${schema}".messages (id, conversation_id, seq, sender_id, author, kind, created_at, body)
        VALUES ($1, 'old', $2, 'visitor-1', 'visitor', 'text', $3, jsonb_build_object('text', $4::text))`, [id, seq, seq, text]);
    // Waits seen through the lock manager, by backend: other test files' sessions wait on locks too.
    const pidOf = async (client: pg.Client) => (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    const blocked = async (pid: number) =>
      (await setup.query<{ n: number }>('SELECT cardinality(pg_blocking_pids($1))::int AS n', [pid])).rows[0]!.n > 0;
    let opening: Promise<PostgresStore> | undefined;
    let appending: Promise<unknown> | undefined;
    try {
      await atSchema12(setup, schema, 2);
      // An old process's append in flight when the new version starts: not yet committed.
      await before.query('BEGIN');
      await insert(before, 'm1', 1, 'parcel in flight');
      // The new version migrates (its indexer held: what is in the search table, the migration
      // or the trigger put there), and waits on the lock of the append in flight.
      opening = PostgresStore.open(TEST_DATABASE_URL, { schema, max: 2, searchIndexIntervalMs: 3_600_000 });
      await eventually(() => blocksAnother(before), Boolean);
      // Another old process appends meanwhile: it queues behind the migration.
      const afterPid = await pidOf(after);
      appending = insert(after, 'm2', 2, 'parcel after');
      await eventually(() => blocked(afterPid), Boolean);
      await before.query('COMMIT');
      const store = await opening;
      await appending;
      // The first was copied by the migration, the second queued by its trigger: both found.
      expect((await setup.query(`SELECT message_id FROM "${schema}".message_search`)).rows).toEqual([{ message_id: 'm1' }]);
      expect((await setup.query(`SELECT message_id FROM "${schema}".search_pending`)).rows).toEqual([{ message_id: 'm2' }]);
      for (const text of ['in flight', 'parcel after']) {
        expect((await store.searchConversations({ text, limit: 5 })).map((c) => c.id)).toEqual(['old']);
      }
      await store.indexPendingSearch();
      expect((await setup.query(`SELECT message_id FROM "${schema}".message_search ORDER BY message_id`)).rows).toEqual([
        { message_id: 'm1' },
        { message_id: 'm2' },
      ]);
    } finally {
      // On a failure the migration or the old append may still wait: ending the clients ends them.
      await Promise.all(clients.map((client) => client.end()));
      const [opened] = await Promise.allSettled([opening, appending]);
      if (opened.status === 'fulfilled') await opened.value?.close();
    }
  });

  it("erases a visitor while a batch holds one of their conversations, without a deadlock (locks in id order)", async () => {
    const schema = schemas.schema();
    const store = await open(schema);
    const batch = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await batch.connect();
    try {
      await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
      // c2 first on disk and the newer: an erasure that deletes in scan order meets it before c1.
      await store.createConversation(conversationFixture({ id: 'c2', createdAt: 2 }));
      await store.createConversation(conversationFixture({ id: 'c1', createdAt: 1, status: 'closed' }));
      // An append batch locks its conversations in id order (postgres-appends.ts): c1 now, c2 next.
      await batch.query('BEGIN');
      await batch.query(`SELECT 1 FROM "${schema}".conversations WHERE id = 'c1' FOR UPDATE`);
      let settled = false;
      const erasing = store.eraseVisitor('visitor-1', 100).then((erased) => erased, (error: Error) => error).finally(() => (settled = true));
      await eventually(async () => settled || (await blocksAnother(batch)), Boolean);
      // Had the erasure taken c2 while it waits for c1, this would wait for it: a deadlock, and
      // PostgreSQL would end one of the two a second later.
      await batch.query(`SELECT 1 FROM "${schema}".conversations WHERE id = 'c2' FOR UPDATE`);
      await batch.query('COMMIT');
      expect(await erasing).toMatchObject({ conversations: 2, visitor: true });
    } finally {
      await batch.end();
      await store.close();
    }
  });

  it('never indexes the text of a message whose erasure commits while the indexer reads it', async () => {
    const schema = schemas.schema();
    const store = await PostgresStore.open(TEST_DATABASE_URL, { schema, max: 2, searchIndexIntervalMs: 3_600_000 });
    const eraser = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await eraser.connect();
    try {
      await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.appendMessage('a', say('secret address 12 Elm St'), 2);
      await store.appendMessage('a', say('and my phone'), 3);
      // Deleted, not yet committed, with the ids still pending (what the foreign key alone must stop).
      await eraser.query('BEGIN');
      await eraser.query(`DELETE FROM "${schema}".messages WHERE conversation_id = 'a'`);
      let settled = false;
      const indexing = store.indexPendingSearch().then(
        () => 'indexed',
        (error: Error) => error.message,
      );
      void indexing.finally(() => (settled = true));
      // The indexer's foreign-key check waits for the deleting transaction before it commits.
      await eventually(async () => settled || (await blocksAnother(eraser)), Boolean);
      await eraser.query('COMMIT');
      expect(await indexing).toMatch(/foreign key/);
      expect((await eraser.query(`SELECT * FROM "${schema}".message_search`)).rowCount).toBe(0);
      // The next turn finds the messages gone and lets their ids go.
      await store.indexPendingSearch();
      expect((await eraser.query(`SELECT * FROM "${schema}".search_pending`)).rowCount).toBe(0);
      expect((await eraser.query(`SELECT * FROM "${schema}".message_search`)).rowCount).toBe(0);
    } finally {
      await eraser.end();
      await store.close();
    }
  });

  /**
   * Issue 11: a database that cannot take writes fails with `store_unavailable`, for real. The
   * store logs in as a role of its own; the role's sessions are made read-only (what a managed
   * PostgreSQL does when its storage is full) and terminated (57P01, as at a failover), so the pool
   * reconnects into read-only sessions. Undone the same way, the store writes again, no reopen.
   */
  it('answers store_unavailable while its database refuses writes or drops it, and writes again after', async () => {
    const role = `sc_ro_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
    const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE ROLE ${role} LOGIN SUPERUSER`);
    const url = new URL(TEST_DATABASE_URL);
    url.username = role;
    url.password = '';
    const schema = schemas.schema();
    const store = await PostgresStore.open(url.toString(), { schema, max: 2, onError: () => undefined });
    const dropSessions = () => admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = $1', [role]);
    const unavailable = expect.objectContaining({ name: 'ChatError', code: 'store_unavailable' });
    try {
      await store.createVisitor({ id: 'visitor-1', createdAt: 1 });
      await store.createConversation(conversationFixture({ id: 'a' }));
      await store.appendMessage('a', say('before', 'client-1'), 2);

      await admin.query(`ALTER ROLE ${role} SET default_transaction_read_only = on`);
      await dropSessions();
      // The first call may meet a terminated connection, the next ones a read-only session: both are the code.
      await expect(store.appendMessage('a', say('during', 'client-2'), 3)).rejects.toEqual(unavailable);
      await expect(store.appendMessage('a', say('during', 'client-2'), 3)).rejects.toEqual(unavailable);
      await expect(store.checkWritable()).rejects.toEqual(unavailable);
      expect((await store.listMessages('a', {})).map((m) => m.text)).toEqual(['before']);

      await admin.query(`ALTER ROLE ${role} RESET default_transaction_read_only`);
      await dropSessions();
      // Whatever the first call after a drop meets, a retry (as clients do) lands, once.
      await store.checkWritable().catch((error: unknown) => expect(error).toEqual(unavailable));
      await store.checkWritable();
      const resent = await store.appendMessage('a', say('during', 'client-2'), 4);
      expect((await store.appendMessage('a', say('during', 'client-2'), 5)).message.id).toBe(resent.message.id);
      expect((await store.listMessages('a', {})).map((m) => m.text)).toEqual(['before', 'during']);
      // A constraint violation is not an outage: it keeps its own error.
      const duplicate = await store.createVisitor({ id: 'visitor-1', createdAt: 1 }).catch((error: unknown) => error);
      expect(duplicate).not.toBeInstanceOf(ChatError);
      expect((duplicate as { code?: string }).code).toBe('23505');
    } finally {
      await store.close();
      await dropSessions();
      // The role owns the schema: it goes first (the extension is the database's, never the role's to drop).
      await admin.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
      await admin.query(`DROP ROLE ${role}`);
      await admin.end();
    }
  });
});
