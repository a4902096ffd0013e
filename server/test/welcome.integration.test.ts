/**
 * The first impression (issue 12): the greeting and starter questions an admin saves over HTTP
 * reach visitors in their `conversation:resume` reply, in both languages (each filled from the
 * other when only one is set), bounded by the shared limits, and only admins may change them.
 * The demo's defaults are questions the demo knowledge base answers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITS, type AuditPage, type ChatMessage, type WelcomeSettings } from '@support-chat/shared';
import { connected, data, nextEvent, startTestServer, type TestServer } from './harness.js';

let t: TestServer;
let admin: string;
beforeAll(async () => {
  t = await startTestServer();
  admin = await t.loginAgent('Boss', 'admin');
});
afterAll(async () => {
  await t.close();
});

async function api(cookie: string | null, method: string, body?: unknown) {
  const response = await fetch(`${t.url}/api/admin/settings/welcome`, {
    method,
    headers: { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  return { status: response.status, body: (await response.json()) as { ok: boolean; data?: any; error?: { code: string; message: string } } };
}

async function resumed(): Promise<WelcomeSettings> {
  const visitor = t.visitor();
  await connected(visitor);
  const session = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
  visitor.disconnect();
  return session.welcome;
}

const acme: WelcomeSettings = {
  en: { greeting: 'Welcome to Acme! <b>Ask</b> **anything**.', starters: ['Where is my parcel?', 'Can I pay by invoice?'] },
  'zh-CN': { greeting: '欢迎光临 Acme！', starters: ['包裹到哪了？', '可以开发票吗？', '怎么退货？', '运费怎么算？'] },
};

describe('the welcome', () => {
  it('is the demo shop’s until an admin saves one, and the knowledge base answers its starter questions', async () => {
    const welcome = await resumed();
    expect(welcome.en.greeting).toBe('Hi! Ask me anything about orders, shipping or returns.');
    expect(welcome['zh-CN'].greeting).toBe('你好！关于订单、配送或退货的问题，都可以问我。');
    for (const locale of ['en', 'zh-CN'] as const) {
      expect(welcome[locale].starters).toHaveLength(3);
      const visitor = t.visitor();
      await connected(visitor);
      data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0, context: { language: locale } }));
      for (const [i, question] of welcome[locale].starters.entries()) {
        const answer = nextEvent<ChatMessage>(visitor, 'message:created', (m) => m.author === 'ai');
        data(await visitor.emitWithAck('message:send', { clientId: `starter-${locale}-${i}`, text: question }));
        // Answered from the knowledge base (with its sources), not handed to a person.
        expect((await answer).sources?.length, question).toBeGreaterThan(0);
      }
      const { conversation } = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
      expect(conversation?.status).toBe('bot');
      visitor.disconnect();
    }
  });

  it('is what the admin saved, kept as text, and audited', async () => {
    const saved = await api(admin, 'PUT', acme);
    expect(saved).toEqual({ status: 200, body: { ok: true, data: { settings: acme } } });
    expect((await api(admin, 'GET')).body.data.settings).toEqual(acme);
    expect(await resumed()).toEqual(acme);
    const log = (await (await fetch(`${t.url}/api/admin/audit?action=settings.welcome_changed`, { headers: { cookie: admin } })).json()) as { data: AuditPage };
    expect(log.data.entries[0]).toMatchObject({ actor: { name: 'Boss' }, target: { type: 'setting', id: 'welcome' }, detail: { changed: ['en', 'zh-CN'] } });
  });

  it('fills a language left empty from the other one, and shows nothing when both are empty', async () => {
    const trimmed = await api(admin, 'PUT', { en: { greeting: '  Hello there  ', starters: [] }, 'zh-CN': { greeting: '', starters: [' 怎么退货？ ', '运费怎么算？'] } });
    expect(trimmed.body.data.settings).toEqual({ en: { greeting: 'Hello there', starters: [] }, 'zh-CN': { greeting: '', starters: ['怎么退货？', '运费怎么算？'] } });
    expect(await resumed()).toEqual({
      en: { greeting: 'Hello there', starters: ['怎么退货？', '运费怎么算？'] },
      'zh-CN': { greeting: 'Hello there', starters: ['怎么退货？', '运费怎么算？'] },
    });
    await api(admin, 'PUT', { en: { greeting: '', starters: [] }, 'zh-CN': { greeting: '', starters: [] } });
    expect(await resumed()).toEqual({ en: { greeting: '', starters: [] }, 'zh-CN': { greeting: '', starters: [] } });
  });

  it('refuses what is over the limits with a clear message, and keeps what was saved', async () => {
    await api(admin, 'PUT', acme);
    const refused = async (body: unknown) => {
      const { status, body: answer } = await api(admin, 'PUT', body);
      expect([status, answer.error?.code]).toEqual([400, 'invalid_payload']);
      return answer.error!.message;
    };
    const zh = acme['zh-CN'];
    expect(await refused({ ...acme, en: { greeting: 'Hi', starters: ['a', 'b', 'c', 'd', 'e'] } })).toBe(
      `en.starters: must be at most ${LIMITS.welcomeStarters} starter questions`,
    );
    expect(await refused({ ...acme, 'zh-CN': { ...zh, greeting: '你'.repeat(LIMITS.welcomeGreetingChars + 1) } })).toBe(
      `zh-CN.greeting: must be at most ${LIMITS.welcomeGreetingChars} characters`,
    );
    expect(await refused({ ...acme, en: { greeting: 'Hi', starters: ['x'.repeat(LIMITS.welcomeStarterChars + 1)] } })).toBe(
      `en.starters.0: must be at most ${LIMITS.welcomeStarterChars} characters`,
    );
    expect(await refused({ ...acme, en: { greeting: 'Hi', starters: ['Shipping?', '   '] } })).toBe('en.starters.1: must not be empty');
    expect(await refused({ ...acme, en: { greeting: 'Hi', starters: ['Shipping?', 'shipping? '] } })).toBe('en.starters: must not repeat a starter question');
    expect(await refused({ en: { greeting: '', starters: ['Shipping?'] }, 'zh-CN': { greeting: ' ', starters: [] } })).toBe(
      'starter questions are shown under a greeting: write one in either language',
    );
    expect(await refused({ en: acme.en })).toMatch(/^zh-CN: /);
    expect(await refused({ ...acme, fr: acme.en })).toMatch(/fr/);
    expect(await resumed()).toEqual(acme);
  });

  it('is changed by admins only', async () => {
    const agent = await t.loginAgent('Anna');
    expect(await api(agent, 'PUT', acme)).toMatchObject({ status: 403, body: { ok: false, error: { code: 'forbidden' } } });
    expect(await api(agent, 'GET')).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await api(null, 'PUT', acme)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
  });
});
