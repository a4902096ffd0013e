/**
 * The browser files as the built server sends them: precompressed (brotli, else gzip, else
 * plain), the stable widget entry cached briefly and revalidated by ETag, the console's
 * content-hashed bundle (built into console/dist, served under /console/) cached for a year.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, requireBuiltServer, startServerProcess, type ServerProcess } from './server-process.js';

const DIST = path.join(REPO_ROOT, 'widget', 'dist');
const CONSOLE_DIST = path.join(REPO_ROOT, 'console', 'dist');

/** A raw GET (fetch would decompress and hide the encoding). */
function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
      })
      .on('error', reject);
  });
}

describe('browser assets on the wire', () => {
  let server: ServerProcess;
  let dataDir: string;
  let widget: Buffer;

  beforeAll(async () => {
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-assets-'));
    server = await startServerProcess({ DATA_DIR: dataDir });
    widget = fs.readFileSync(path.join(DIST, 'support-chat.js'));
  });

  afterAll(async () => {
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('says at start where it listens, and what email needs', () => {
    // HOST=127.0.0.1 (server-process.ts): the banner said localhost, which may not resolve to it.
    expect(server.output()).toMatch(/running on http:\/\/127\.0\.0\.1:\d+\n/);
    expect(server.output()).toContain('email         off (set SMTP_URL, MAIL_FROM and PUBLIC_URL to send it');
  });

  it('sends the widget brotli-compressed to a browser that accepts it, and the same bytes', async () => {
    const res = await get(`${server.url}/widget/support-chat.js`, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.status).toBe(200);
    expect(res.headers['content-encoding']).toBe('br');
    expect(res.headers['content-type']).toMatch(/^(text|application)\/javascript; charset=utf-8$/i);
    expect(res.headers.vary).toMatch(/Accept-Encoding/i);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(brotliDecompressSync(res.body).equals(widget)).toBe(true);
    expect(res.body.length).toBeLessThan(widget.length / 2.5);
    console.log(`assets: support-chat.js ${widget.length} B plain, ${res.body.length} B brotli on the wire`);
  });

  it('falls back to gzip, then to plain bytes', async () => {
    const gz = await get(`${server.url}/widget/support-chat.js`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gz.body).equals(widget)).toBe(true);
    const plain = await get(`${server.url}/widget/support-chat.js`);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.equals(widget)).toBe(true);
  });

  it('caches the stable entry briefly and answers a revalidation with 304', async () => {
    const first = await get(`${server.url}/widget/support-chat.js`, { 'accept-encoding': 'br' });
    expect(first.headers['cache-control']).toBe('public, max-age=300');
    const etag = first.headers.etag;
    expect(etag).toBeTruthy();
    const again = await get(`${server.url}/widget/support-chat.js`, { 'accept-encoding': 'br', 'if-none-match': etag! });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
  });

  it('serves the console from its own build, a content-hashed file cached for a year', async () => {
    const page = await get(`${server.url}/console`);
    expect(page.headers['cache-control']).toBe('no-cache');
    const script = /src="\/console\/(support-console-[A-Z0-9]{8}\.js)"/.exec(page.body.toString())?.[1];
    expect(script).toBeTruthy();
    // An icon of its own: without one every console load asked for /favicon.ico and got a 404 in the browser's console.
    expect(page.body.toString()).toContain('<link rel="icon" href="data:,">');
    const bundle = await get(`${server.url}/console/${script}`, { 'accept-encoding': 'gzip, br' });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-encoding']).toBe('br');
    expect(bundle.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(brotliDecompressSync(bundle.body).equals(fs.readFileSync(path.join(CONSOLE_DIST, script!)))).toBe(true);
    const gz = await get(`${server.url}/console/${script}`, { 'accept-encoding': 'gzip' });
    expect(gz.headers['content-encoding']).toBe('gzip');
    // The source map is named by a header (the build writes no comment into the file), and served.
    for (const response of [bundle, gz]) expect(response.headers['sourcemap']).toBe(`${script}.map`);
    expect(brotliDecompressSync(bundle.body).toString()).not.toContain('sourceMappingURL');
    const map = await get(`${server.url}/console/${script}.map`);
    expect(map.status).toBe(200);
    expect((JSON.parse(map.body.toString()) as { sources: string[] }).sources.length).toBeGreaterThan(0);
    expect((await get(`${server.url}/console/${script}.LEGAL.txt`)).status).toBe(200);
    // Only the server's own page loads it: not from the widget's directory, which any site may read.
    expect(bundle.headers['access-control-allow-origin']).toBeUndefined();
    expect((await get(`${server.url}/widget/${script}`)).status).toBe(404);
    expect(fs.readdirSync(DIST).filter((f) => f.startsWith('support-console'))).toEqual([]);
  });

  it('answers a path it cannot decode as every route does: 400 invalid_payload, in JSON', async () => {
    for (const bad of ['/widget/%E0%A4%A', '/console/%ZZ']) {
      const res = await fetch(`${server.url}${bad}`);
      expect(res.status, bad).toBe(400);
      expect(await res.json(), bad).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    }
  });

  it('answers 404 for a file that is not there, compressed copies included', async () => {
    expect((await get(`${server.url}/widget/nope.js`, { 'accept-encoding': 'br' })).status).toBe(404);
    expect((await get(`${server.url}/widget/../package.json`)).status).toBe(404);
    expect((await get(`${server.url}/console/nope.js`, { 'accept-encoding': 'br' })).status).toBe(404);
    expect((await get(`${server.url}/console/meta.json/../../package.json`)).status).toBe(404);
  });
});
