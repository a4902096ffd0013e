/**
 * The REST API (issue 13): tokens an admin creates (shown once, scoped, revocable), the routes a
 * CRM uses, a message posted by an integration reaching the visitor live, the per-token limit,
 * and the OpenAPI document matching the routes Express has.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiToken, ApiTokenCreated, ChatMessage } from '@support-chat/shared';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { OPENAPI_DOCUMENT } from '../src/http/openapi.js';
import { connected, data, demoKnowledge, nextEvent, startTestServer, type TestServer } from './harness.js';

type Envelope<T> = { ok: boolean; data: T; error?: { code: string; message: string; retryAfterMs?: number } };

describe('REST API /api/v1', () => {
  let t: TestServer;
  let admin: string;
  let reader: ApiTokenCreated;
  let writer: ApiTokenCreated;
  beforeAll(async () => {
    t = await startTestServer({ knowledge: await KnowledgeBase.fromEntries(await demoKnowledge()), floodLimits: { apiRequestsPerTokenPerMinute: 40 } });
    admin = await t.loginAgent('Boss', 'admin');
    reader = (await adminCall<ApiTokenCreated>('POST', '/api/admin/api-tokens', { name: 'CRM', scope: 'read' })).data;
    writer = (await adminCall<ApiTokenCreated>('POST', '/api/admin/api-tokens', { name: 'Order system', scope: 'write' })).data;
  });
  afterAll(async () => {
    await t.close();
  });

  async function adminCall<T>(method: string, path: string, body?: unknown): Promise<Envelope<T>> {
    const response = await fetch(`${t.url}${path}`, { method, headers: { cookie: admin, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as Envelope<T>;
  }
  async function api<T>(token: string | null, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
    const response = await fetch(`${t.url}/api/v1${path}`, {
      method,
      headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, headers: response.headers, json: (await response.json()) as Envelope<T> };
  }
  async function conversation(text: string) {
    const visitor = t.visitor();
    await connected(visitor);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const answered = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    const { conversation } = data(await visitor.emitWithAck('message:send', { clientId: `api-${Math.random().toString(36).slice(2)}`, text }));
    await answered;
    return { visitor, id: conversation.id };
  }

  it('shows a token once, keeps only its hash, and lists tokens without it', async () => {
    expect(reader.secret).toMatch(/^sct_[\w-]{43}$/);
    expect(reader.token).toMatchObject({ name: 'CRM', scope: 'read', lastUsedAt: null, revokedAt: null, createdBy: { name: 'Boss' } });
    expect(reader.secret.startsWith(reader.token.prefix)).toBe(true);
    const listed = await adminCall<{ tokens: ApiToken[] }>('GET', '/api/admin/api-tokens');
    expect(JSON.stringify(listed)).not.toContain(reader.secret);
    expect(JSON.stringify(listed)).not.toContain('tokenHash');
    expect(listed.data.tokens.map((token) => token.name)).toEqual(['Order system', 'CRM']);
    const agent = await t.loginAgent('Ann', 'agent');
    const refused = await fetch(`${t.url}/api/admin/api-tokens`, { headers: { cookie: agent } });
    expect(refused.status).toBe(403);
  });

  it('refuses requests without a working token, cookies included', async () => {
    const none = await api(null, 'GET', '/conversations');
    expect(none.status).toBe(401);
    expect(none.json).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    expect((await api('sct_not-a-real-token', 'GET', '/conversations')).status).toBe(401);
    expect((await api(null, 'GET', '/conversations', undefined, { cookie: admin })).status).toBe(401);
    expect((await api(reader.secret, 'GET', '/conversations?limit=500')).json.error?.code).toBe('invalid_payload');
  });

  it('lists conversations newest first by cursor, and gets one with its messages (no notes)', async () => {
    const first = await conversation('How do I return an item?');
    const second = await conversation('Where is my order?');
    const page1 = await api<{ conversations: { id: string }[]; next?: string }>(reader.secret, 'GET', '/conversations?limit=1');
    expect(page1.status).toBe(200);
    expect(page1.json.data.conversations.map((c) => c.id)).toEqual([second.id]);
    const page2 = await api<{ conversations: { id: string }[]; next?: string }>(reader.secret, 'GET', `/conversations?limit=1&cursor=${encodeURIComponent(page1.json.data.next!)}`);
    expect(page2.json.data.conversations.map((c) => c.id)).toEqual([first.id]);

    const agent = await t.loginAgent('Cy', 'agent');
    const socket = t.agent(agent);
    await connected(socket);
    data(await socket.emitWithAck('note:add', { conversationId: first.id, clientId: 'note-0001', text: 'VIP, secret note' }));
    const one = await api<{ conversation: { id: string; status: string }; messages: { author: string; kind: string; text: string }[] }>(reader.secret, 'GET', `/conversations/${first.id}`);
    expect(one.json.data.conversation).toMatchObject({ id: first.id, status: 'bot' });
    expect(one.json.data.messages[0]).toMatchObject({ author: 'visitor', kind: 'text', text: 'How do I return an item?' });
    expect(one.json.data.messages.some((m) => m.text.includes('secret note'))).toBe(false);
    expect(JSON.stringify(one.json)).not.toContain('provenance');
    const after = await api<{ messages: { seq: number }[] }>(reader.secret, 'GET', `/conversations/${first.id}/messages?afterSeq=1`);
    expect(after.json.data.messages.every((m) => m.seq > 1)).toBe(true);
    expect((await api(reader.secret, 'GET', '/conversations/nope')).status).toBe(404);
  });

  it('posts an integration’s message that reaches the visitor live; write scope only; once per clientId', async () => {
    const { visitor, id } = await conversation('Has my parcel shipped?');
    const refused = await api(reader.secret, 'POST', `/conversations/${id}/messages`, { text: 'Shipped today' });
    expect(refused.status).toBe(403);
    expect(refused.json.error?.code).toBe('forbidden');

    const live = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'agent');
    // From another site's page: no cookie is involved, so no origin check applies.
    const posted = await api<{ message: { id: string; authorName: string } }>(writer.secret, 'POST', `/conversations/${id}/messages`, { text: 'Your parcel shipped today 📦', clientId: 'order-42-shipped' }, { origin: 'https://crm.example' });
    expect(posted.status).toBe(201);
    expect(posted.json.data.message).toMatchObject({ authorName: 'Order system', apiTokenId: writer.token.id });
    const seen = await live;
    expect(seen).toMatchObject({ id: posted.json.data.message.id, text: 'Your parcel shipped today 📦', authorName: 'Order system', author: 'agent' });
    // The visitor's copy does not say which token; the API's list does, and not for the visitor's own.
    expect(seen).not.toHaveProperty('apiTokenId');
    const listed = await api<{ messages: { id: string; apiTokenId?: string }[] }>(reader.secret, 'GET', `/conversations/${id}/messages`);
    expect(listed.json.data.messages.find((m) => m.id === posted.json.data.message.id)?.apiTokenId).toBe(writer.token.id);
    expect(listed.json.data.messages[0]).not.toHaveProperty('apiTokenId');
    const again = await api<{ message: { id: string } }>(writer.secret, 'POST', `/conversations/${id}/messages`, { text: 'Your parcel shipped today 📦', clientId: 'order-42-shipped' });
    expect(again.status).toBe(200);
    expect(again.json.data.message.id).toBe(posted.json.data.message.id);
    const named = await api<{ message: { authorName: string } }>(writer.secret, 'POST', `/conversations/${id}/messages`, { text: 'Tracking: 123', authorName: 'Shop bot' });
    expect(named.json.data.message.authorName).toBe('Shop bot');
    expect((await api(writer.secret, 'POST', `/conversations/${id}/messages`, { text: '' })).json.error?.code).toBe('invalid_payload');
    expect((await api(writer.secret, 'POST', '/conversations/nope/messages', { text: 'x' })).status).toBe(404);
    // A body that is not JSON: said so, not each field reported missing.
    const plain = await fetch(`${t.url}/api/v1/conversations/${id}/messages`, {
      method: 'POST',
      headers: { authorization: `Bearer ${writer.secret}`, 'content-type': 'text/plain' },
      body: 'Shipped today',
    });
    expect(plain.status).toBe(400);
    expect(((await plain.json()) as { error: { message: string } }).error.message).toMatch(/JSON, with Content-Type: application\/json/);
  });

  it('says which messages are files and serves their bytes, under their own conversation only', async () => {
    const visitor = t.visitor();
    await connected(visitor);
    const session = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const other = await conversation('Where is my order?');
    const bytes = Buffer.from('Order 4411, receipt: 2 kettles\n');
    const uploaded = await fetch(`${t.url}/api/visitor/attachments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${session.token}`, 'content-type': 'application/octet-stream', 'x-file-name': 'receipt.txt', 'x-client-id': 'file-000001' },
      body: bytes,
    });
    expect(uploaded.status).toBe(201);
    const { message } = ((await uploaded.json()) as { data: { message: ChatMessage } }).data;
    const listed = await api<{ messages: { text: string; attachment?: { id: string; name: string; contentType: string; size: number } }[] }>(
      reader.secret,
      'GET',
      `/conversations/${message.conversationId}/messages`,
    );
    // The message said only "receipt.txt": an integration could not tell a file was sent (a probe).
    expect(listed.json.data.messages.at(-1)).toMatchObject({ text: 'receipt.txt', attachment: { id: message.attachment!.id, name: 'receipt.txt', contentType: 'text/plain', size: bytes.length } });
    const file = await fetch(`${t.url}/api/v1/conversations/${message.conversationId}/attachments/${message.attachment!.id}`, { headers: { authorization: `Bearer ${reader.secret}` } });
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(Buffer.from(await file.arrayBuffer()).equals(bytes)).toBe(true);
    expect((await api(reader.secret, 'GET', `/conversations/${other.id}/attachments/${message.attachment!.id}`)).status).toBe(404);
    expect((await api(null, 'GET', `/conversations/${message.conversationId}/attachments/${message.attachment!.id}`)).status).toBe(401);
  });

  it('lists agents and searches and lists the knowledge base', async () => {
    const agents = await api<{ agents: { name: string; status: string; active: boolean }[] }>(reader.secret, 'GET', '/agents');
    expect(agents.json.data.agents.map((a) => a.name)).toContain('Boss');
    expect(agents.json.data.agents[0]).toMatchObject({ status: 'offline', active: true });
    const search = await api<{ entries: { title: string; score: number }[] }>(reader.secret, 'GET', `/knowledge?q=${encodeURIComponent('return an item')}&limit=3`);
    expect(search.json.data.entries.length).toBeGreaterThan(0);
    expect(search.json.data.entries[0]!.score).toBeGreaterThan(0);
    // Paged like the list: the second page starts where the first one ended.
    const ranked = async (query: string) => (await api<{ entries: { title: string }[]; total: number }>(reader.secret, 'GET', `/knowledge?q=${encodeURIComponent('return an item')}&${query}`)).json.data;
    const [firstFour, secondPage] = await Promise.all([ranked('limit=4'), ranked('limit=2&offset=2')]);
    expect(secondPage.entries.map((e) => e.title)).toEqual(firstFour.entries.slice(2, 4).map((e) => e.title));
    expect(secondPage.total).toBe(firstFour.total);
    expect(firstFour.total).toBeGreaterThanOrEqual(firstFour.entries.length);
    // One language, with or without a query (a developer's probe: `lang` only ranked a search).
    for (const [query, lang] of [['return an item', 'zh'], ['return an item', 'en'], ['', 'zh']] as const) {
      const found = await api<{ entries: { lang: string }[]; total: number }>(reader.secret, 'GET', `/knowledge?${query ? `q=${encodeURIComponent(query)}&` : ''}lang=${lang}&limit=100`);
      expect(found.json.data.entries.length, `${query} in ${lang}`).toBeGreaterThan(0);
      expect(new Set(found.json.data.entries.map((e) => e.lang)), `${query} in ${lang}`).toEqual(new Set([lang]));
      expect(found.json.data.total).toBe(found.json.data.entries.length);
    }
    const list = await api<{ entries: unknown[]; total: number }>(reader.secret, 'GET', '/knowledge?limit=2&offset=1');
    expect(list.json.data.entries).toHaveLength(2);
    expect(list.json.data.total).toBeGreaterThan(2);
  });

  it('records last use, and a revoked token stops working', async () => {
    const token = (await adminCall<ApiTokenCreated>('POST', '/api/admin/api-tokens', { name: 'Temp', scope: 'read' })).data;
    expect((await api(token.secret, 'GET', '/agents')).status).toBe(200);
    const used = await adminCall<{ tokens: ApiToken[] }>('GET', '/api/admin/api-tokens');
    expect(used.data.tokens.find((x) => x.id === token.token.id)!.lastUsedAt).toEqual(expect.any(Number));
    const revoked = await adminCall<{ token: ApiToken }>('DELETE', `/api/admin/api-tokens/${token.token.id}`);
    expect(revoked.data.token.revokedAt).toEqual(expect.any(Number));
    const after = await api(token.secret, 'GET', '/agents');
    expect(after.status).toBe(401);
    expect(after.json.error?.message).toContain('revoked');
  });

  it('limits each token on its own', async () => {
    const token = (await adminCall<ApiTokenCreated>('POST', '/api/admin/api-tokens', { name: 'Busy', scope: 'read' })).data;
    const statuses: number[] = [];
    for (let i = 0; i < 41; i++) statuses.push((await api(token.secret, 'GET', '/agents')).status);
    expect(statuses.slice(0, 40).every((s) => s === 200)).toBe(true);
    const limited = await api(token.secret, 'GET', '/agents');
    expect(limited.status).toBe(429);
    expect(limited.json.error).toMatchObject({ code: 'rate_limited', retryAfterMs: expect.any(Number) });
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await api(reader.secret, 'GET', '/agents')).status).toBe(200);
  });

  it('serves an OpenAPI 3.1 document with exactly the /api/v1 routes Express has', async () => {
    const response = await fetch(`${t.url}/api/v1/openapi.json`);
    const document = (await response.json()) as typeof OPENAPI_DOCUMENT;
    expect(document.openapi).toBe('3.1.0');
    const documented = Object.entries(document.paths).flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`));
    expect(expressRoutes(t.server.app).filter((route) => route.includes(' /api/v1')).sort()).toEqual(documented.sort());
    // A client built from the document sends client ids the server takes (not "crm-1").
    const body = document.paths['/api/v1/conversations/{id}/messages'].post.requestBody.content['application/json'].schema;
    expect(body.properties.clientId).toMatchObject({ minLength: 8, pattern: '^[A-Za-z0-9_-]+$' });
  });
});

interface Layer {
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

/** Every route of the app as `METHOD /path/{param}`, nested routers included. */
function expressRoutes(express: unknown): string[] {
  const app = express as { router: { stack: Layer[] } };
  const routes: string[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of Object.keys(layer.route.methods)) routes.push(`${method.toUpperCase()} ${String(layer.route.path).replace(/:(\w+)/g, '{$1}')}`);
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk(app.router.stack);
  return routes;
}
