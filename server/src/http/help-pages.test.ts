import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KnowledgeEntry } from '../knowledge/types.js';
import { helpPages } from './help-pages.js';

const entries: KnowledgeEntry[] = [
  {
    id: 'en/evil.md#how-do-i-hack',
    title: 'How do I <b>hack</b>?',
    body: 'Try <script>alert(1)</script> and [click](javascript:alert(2)) or [docs](https://example.com/docs). ![pixel](https://evil.example/p.png)',
    lang: 'en',
    url: '/help/evil',
    tags: [],
    document: 'Evil <i>article</i>',
  },
];

describe('help pages', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express().use(helpPages(() => entries));
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('renders Markdown but never the markup or script links inside it', async () => {
    const html = await (await fetch(`${base}/help/evil`)).text();
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('href="javascript:');
    expect(html).toContain('<a href="https://example.com/docs">docs</a>');
    expect(html).toContain('How do I &lt;b&gt;hack&lt;/b&gt;?');
    expect(html).toContain('<title>Evil &lt;i&gt;article&lt;/i&gt;</title>');
  });

  it('shows an image in an article as a link, never loading it from another site (issue 11)', async () => {
    const html = await (await fetch(`${base}/help/evil`)).text();
    expect(html).not.toContain('<img');
    expect(html).toContain('!<a href="https://evil.example/p.png">pixel</a>');
  });
});
