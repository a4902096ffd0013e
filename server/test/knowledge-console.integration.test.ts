/**
 * Knowledge in the console (issue 14), through the whole server: the admin API over real HTTP,
 * a visitor over a real socket answered by the offline responder from the same knowledge base.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ConsoleKnowledgeEntry, KnowledgeListItem, KnowledgeQuestion } from '@support-chat/shared';
import { createOfflineResponder } from '../src/ai/offline-responder.js';
import { loadConsoleEntries } from '../src/knowledge/console-entries.js';
import { KnowledgeBase } from '../src/knowledge/knowledge-base.js';
import { parseMarkdown } from '../src/knowledge/markdown-source.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import { connected, data, DEMO_KNOWLEDGE_DIR, nextEvent, startTestServer, stored, type TestServer } from './harness.js';

describe('knowledge in the console', () => {
  let t: TestServer;
  let admin: string;
  let knowledge: KnowledgeBase;

  beforeAll(async () => {
    const store = SqliteStore.open(':memory:');
    knowledge = await KnowledgeBase.open({ dir: DEMO_KNOWLEDGE_DIR, consoleEntries: () => loadConsoleEntries(store) });
    t = await startTestServer({ store, knowledge, responder: createOfflineResponder({ retriever: knowledge }) });
    admin = await t.loginAgent('Ada', 'admin');
  });
  afterAll(() => t.close());

  const api = async <T>(path: string, cookie: string, init: { method?: string; body?: unknown } = {}) => {
    const response = await fetch(`${t.url}/api/admin/knowledge${path}`, {
      method: init.method ?? 'GET',
      headers: { cookie, 'content-type': 'application/json' },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: response.status, body: (await response.json()) as { ok: boolean; data: T; error?: { code: string; message: string } } };
  };
  const list = async (cookie = admin, q = '') => (await api<{ entries: KnowledgeListItem[] }>(`/entries?q=${encodeURIComponent(q)}`, cookie)).body.data.entries;
  const consoleEntries = async (cookie = admin) => (await list(cookie, 'gift cards')).filter((e) => e.source.type === 'console');

  async function ask(text: string): Promise<ChatMessage> {
    const visitor = t.visitor();
    await connected(visitor);
    const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
    data(await visitor.emitWithAck('message:send', { clientId: `client-${Math.random().toString(36).slice(2, 10)}`, text }));
    const message = await answer;
    visitor.disconnect();
    return stored(t, message); // with its provenance, which visitors never receive
  }

  const entry = {
    question: 'Do you sell gift cards?',
    phrasings: ['Can I buy a voucher for a friend?'],
    answer: 'Yes: **digital gift cards** from $10 to $500, sent by email.',
    lang: 'en',
    tags: ['gift cards'],
    url: '/help/gift-cards',
  };

  it('answers a visitor from an entry an admin just added, in its own words or a phrasing, without a restart', async () => {
    const before = await ask('Can I buy a voucher for a friend?');
    expect(before.provenance?.answered).toBe(false);

    const started = Date.now();
    const created = await api<ConsoleKnowledgeEntry>('/entries', admin, { method: 'POST', body: entry });
    expect(created.status).toBe(201);
    const byPhrasing = await ask('Can I buy a voucher for a friend?');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(byPhrasing.provenance?.answered).toBe(true);
    expect(byPhrasing.text).toContain('digital gift cards');
    expect(byPhrasing.sources).toEqual([{ id: `console#${created.body.data.id}`, title: entry.question, url: entry.url }]);
    expect((await ask('Do you sell gift cards?')).sources?.[0]?.id).toBe(`console#${created.body.data.id}`);
  });

  it('lists every entry with where it came from and how the AI used it, and the questions it answered', async () => {
    const all = await list();
    expect(all.length).toBe(knowledge.size);
    const file = all.find((e) => e.id === 'en/shipping.md#which-countries-do-you-ship-to')!;
    expect(file.source).toEqual({ type: 'file', path: 'en/shipping.md', heading: 'Which countries do you ship to?' });
    const mine = (await consoleEntries())[0]!;
    expect(mine).toMatchObject({ question: entry.question, phrasings: entry.phrasings, source: { type: 'console', entry: { updatedBy: 'Ada', revision: 1 } } });
    expect(mine.usage).toMatchObject({ answers: 2, helpful: 0, notHelpful: 0 });
    const questions = await api<KnowledgeQuestion[]>(`/entries/${encodeURIComponent(mine.id)}/questions`, admin);
    expect(questions.body.data.map((q) => q.question)).toEqual(['Do you sell gift cards?', 'Can I buy a voucher for a friend?']);
  });

  it('edits a console entry (refusing a stale revision) and refuses edits to entries from files', async () => {
    const mine = (await consoleEntries())[0]!;
    const edited = await api<ConsoleKnowledgeEntry>(`/entries/${encodeURIComponent(mine.id)}`, admin, {
      method: 'PUT',
      body: { ...entry, answer: 'Yes: gift cards from $5.', revision: 1 },
    });
    expect(edited.body.data).toMatchObject({ revision: 2, answer: 'Yes: gift cards from $5.' });
    expect((await ask('Do you sell gift cards?')).text).toContain('from $5');
    const stale = await api(`/entries/${encodeURIComponent(mine.id)}`, admin, { method: 'PUT', body: { ...entry, revision: 1 } });
    expect(stale).toMatchObject({ status: 409, body: { ok: false, error: { code: 'conflict' } } });

    const fileId = encodeURIComponent('en/shipping.md#which-countries-do-you-ship-to');
    const refused = await api(`/entries/${fileId}`, admin, { method: 'PUT', body: { ...entry, revision: 1 } });
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', message: expect.stringMatching(/read-only/) } } });
    expect((await api(`/entries/${fileId}`, admin, { method: 'DELETE' })).status).toBe(403);

    for (const url of ['//evil.example/x', '/\\evil.example/x', '/\t/evil.example/x', '/help\nURL: https://evil.example', 'javascript:alert(1)', 'evil.example']) {
      const offSite = await api('/entries', admin, { method: 'POST', body: { ...entry, url } });
      expect(offSite, url).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', message: expect.stringContaining('url') } } });
    }
    const bad = await api('/entries', admin, { method: 'POST', body: { ...entry, lang: 'fr', answer: '## Heading\nText' } });
    expect(bad).toMatchObject({ status: 400, body: { error: { code: 'invalid_payload', message: expect.stringMatching(/lang.*\n?.*answer|answer.*lang/s) } } });
  });

  it('exports the console entries as Markdown the loader reads back', async () => {
    const response = await fetch(`${t.url}/api/admin/knowledge/export`, { headers: { cookie: admin } });
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/);
    const { entries, warnings } = parseMarkdown(await response.text(), 'console.md');
    expect(warnings).toEqual([]);
    expect(entries).toEqual([expect.objectContaining({ title: entry.question, phrasings: entry.phrasings, body: 'Yes: gift cards from $5.', lang: 'en', tags: entry.tags, url: entry.url })]);
  });

  it('lets agents in only once an admin allows it', async () => {
    const agent = await t.loginAgent('Bo', 'agent');
    expect((await api('/entries', agent)).status).toBe(403);
    expect((await api('/access', agent, { method: 'PUT', body: { agentsManageKnowledge: true } })).status).toBe(403);
    expect((await api('/access', admin, { method: 'PUT', body: { agentsManageKnowledge: true } })).status).toBe(200);
    expect((await list(agent)).length).toBe(knowledge.size);
    // Saving the routing page, which knows nothing of this switch, leaves it on.
    const routing = await fetch(`${t.url}/api/admin/settings/routing`, { headers: { cookie: admin } });
    const { settings } = ((await routing.json()) as { data: { settings: Record<string, unknown> } }).data;
    const { agentsManageKnowledge: _, ...routingPage } = settings;
    const saved = await fetch(`${t.url}/api/admin/settings/routing`, {
      method: 'PUT',
      headers: { cookie: admin, 'content-type': 'application/json' },
      body: JSON.stringify({ ...routingPage, assignment: 'manual' }),
    });
    expect(saved.status).toBe(200);
    expect((await api('/entries', agent)).status).toBe(200);
    const mine = (await consoleEntries(agent))[0]!;
    expect((await api(`/entries/${encodeURIComponent(mine.id)}`, agent, { method: 'DELETE' })).status).toBe(200);
    expect(await consoleEntries()).toEqual([]);
    expect((await ask('Do you sell gift cards?')).provenance?.answered).toBe(false);
  });
});
