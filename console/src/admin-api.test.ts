/** The admin client against a real HTTP server on port 0: methods, paths, bodies, and failures. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createAdminApi } from './admin-api.js';
import { createAuthApi } from './auth-api.js';

interface Seen {
  method: string;
  url: string;
  body: unknown;
}

let server: Server;
let base = '';
const seen: Seen[] = [];

async function readBody(req: IncomingMessage): Promise<unknown> {
  let raw = '';
  for await (const chunk of req) raw += String(chunk);
  return raw ? JSON.parse(raw) : undefined;
}

beforeAll(async () => {
  server = createServer((req, res) => {
    void readBody(req).then((body) => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', body });
      if (req.url === '/api/admin/settings/routing' && req.method === 'PUT') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: false, error: { code: 'invalid_payload', message: 'defaultCapacity: too big' } }));
      } else if (req.url?.startsWith('/api/admin/canned-replies/') && req.method === 'DELETE') {
        res.writeHead(204);
        res.end();
      } else if (req.url === '/api/auth/me') {
        res.writeHead(502, { 'content-type': 'text/html' });
        res.end('<h1>Bad gateway</h1>');
      } else {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ ok: true, data: { echo: body ?? null } }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

const api = () => createAdminApi((path, init) => fetch(base + path, init));

describe('admin API client', () => {
  it('sends each call with its method, path and JSON body', async () => {
    const a = api();
    await a.listAgents();
    const created = await a.createAgent({ email: 'b@x.io', password: 'long-enough', name: 'Ben', role: 'agent', capacity: 3 });
    await a.updateAgent('id/1', { capacity: 4 });
    await a.deactivateAgent('id/1');
    await a.reactivateAgent('id/1');
    await a.createCanned({ shortcut: 'hi', text: 'Hello' });
    await a.updateCanned('c1', { shortcut: 'hi', text: 'Hello!' });
    await a.report({ from: '2026-01-01', to: '2026-01-07', tz: 'Europe/Berlin' });
    await a.knowledgeGaps();
    await a.audit({});
    await a.audit({ cursor: '5:e-1', actor: 'ag 1', action: 'visitor.erased' });
    await a.eraseVisitor('v/1');
    await a.createWebhook({ url: 'https://crm.example/hook', events: ['message.created'], description: '' });
    await a.updateWebhook('h/1', { active: false });
    await a.testWebhook('h/1');
    await a.webhookDeliveries('h/1');
    await a.retryDelivery('d/1');
    await a.createApiToken({ name: 'CRM', scope: 'read' });
    await a.revokeApiToken('t/1');
    expect(created).toEqual({ ok: true, data: { echo: { email: 'b@x.io', password: 'long-enough', name: 'Ben', role: 'agent', capacity: 3 } } });
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
      'GET /api/admin/agents',
      'POST /api/admin/agents',
      'PATCH /api/admin/agents/id%2F1',
      'POST /api/admin/agents/id%2F1/deactivate',
      'POST /api/admin/agents/id%2F1/reactivate',
      'POST /api/admin/canned-replies',
      'PUT /api/admin/canned-replies/c1',
      'GET /api/admin/reports?from=2026-01-01&to=2026-01-07&tz=Europe%2FBerlin',
      'GET /api/admin/knowledge/gaps',
      'GET /api/admin/audit',
      'GET /api/admin/audit?cursor=5%3Ae-1&actor=ag+1&action=visitor.erased',
      'DELETE /api/admin/visitors/v%2F1',
      'POST /api/admin/webhooks',
      'PATCH /api/admin/webhooks/h%2F1',
      'POST /api/admin/webhooks/h%2F1/test',
      'GET /api/admin/webhooks/h%2F1/deliveries',
      'POST /api/admin/webhook-deliveries/d%2F1/retry',
      'POST /api/admin/api-tokens',
      'DELETE /api/admin/api-tokens/t%2F1',
    ]);
    expect(a.visitorExportUrl('v/1')).toBe('/api/admin/visitors/v%2F1/export');
    expect(seen[2]!.body).toEqual({ capacity: 4 });
  });

  it('passes the server’s refusal through, and reads an empty 204 as success', async () => {
    const a = api();
    const refused = await a.saveRouting({
      assignment: 'auto',
      defaultCapacity: 1000,
      disconnectGraceSeconds: 0,
      handoffKeywords: [],
      handoffAttributes: [],
      businessHours: null,
    });
    expect(refused).toEqual({ ok: false, error: { code: 'invalid_payload', message: 'defaultCapacity: too big' } });
    expect(await a.deleteCanned('c1')).toEqual({ ok: true, data: null });
  });

  it('turns a proxy error page and an unreachable server into errors', async () => {
    expect(await createAuthApi((path, init) => fetch(base + path, init)).me()).toEqual({
      ok: false,
      error: { code: 'internal', message: 'The server answered 502.' },
    });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const down = createAdminApi((path, init) => fetch(`http://127.0.0.1:1${path}`, init));
    expect((await down.listCanned()).ok).toBe(false);
    expect(warn).toHaveBeenCalledOnce();
    warn.mockRestore();
  });
});
