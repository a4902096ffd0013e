/**
 * Files in conversations, both ways, through the whole server on both stores (issue 13): real
 * HTTP uploads and downloads, real sockets, files on disk. The type is found from the bytes (a
 * renamed executable or page is refused), sizes and counts are bounded, each side reads only what
 * it may, the AI hands a file to a person, and erasing the visitor deletes the files.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AttachmentLinks, AttachmentUpload, ChatMessage, VisitorExport } from '@support-chat/shared';
import { PostgresStore } from '../src/store/postgres-store.js';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { connected, data, nextEvent, startTestServer, type TestServer } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from './postgres.js';

const unreachable = await postgresUnreachable();
const schemas = testSchemas();
afterAll(async () => {
  if (!unreachable) await schemas.dropAll();
});

const stores: [string, () => Promise<Store>, boolean][] = [
  ['SQLite', async () => SqliteStore.open(fs.mkdtempSync(path.join(os.tmpdir(), 'sc-attach-'))), false],
  ['PostgreSQL', () => PostgresStore.open(TEST_DATABASE_URL, { schema: schemas.schema(), max: 4 }), skipWithoutPostgres('attachments on PostgreSQL', unreachable)],
];

/** A real 2×2 PNG (signature, IHDR, IDAT, IEND; CRCs are not checked by sniffing or browsers' decoders of this size). */
function png(): Buffer {
  const chunk = (type: string, body: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(body.length);
    return Buffer.concat([length, Buffer.from(type, 'latin1'), body, crc(Buffer.concat([Buffer.from(type, 'latin1'), body]))]);
  };
  const ihdr = Buffer.from([0, 0, 0, 2, 0, 0, 0, 2, 8, 2, 0, 0, 0]);
  const pixels = deflateSync(Buffer.from([0, 255, 0, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 0]));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

function crc(bytes: Buffer): Buffer {
  let c = ~0;
  for (const b of bytes) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  const out = Buffer.alloc(4);
  out.writeUInt32BE(~c >>> 0);
  return out;
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** An ELF executable's header, as a Linux program starts. */
const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(120, 0)]);
/** A Windows program's header. */
const EXE = Buffer.concat([Buffer.from('MZ'), Buffer.alloc(58, 0), Buffer.from([0x80, 0, 0, 0]), Buffer.alloc(64, 0), Buffer.from('PE\0\0'), Buffer.alloc(64, 0)]);
const HTML = Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>');

let counter = 0;
const clientId = () => `up-${Date.now().toString(36)}-${++counter}`.padEnd(12, '0');

interface Sent {
  status: number;
  body: any;
}

async function upload(url: string, auth: { token?: string; cookie?: string; origin?: string }, bytes: Buffer | ReadableStream, name: string, id = clientId()): Promise<Sent> {
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name), 'x-client-id': id };
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  if (auth.origin) headers.origin = auth.origin;
  const response = await fetch(url, { method: 'POST', headers, body: bytes, duplex: 'half' } as RequestInit);
  return { status: response.status, body: await response.json() };
}

async function download(url: string, auth: { token?: string; cookie?: string }) {
  const headers: Record<string, string> = {};
  if (auth.token) headers.authorization = `Bearer ${auth.token}`;
  if (auth.cookie) headers.cookie = auth.cookie;
  const response = await fetch(url, { headers });
  return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
}

function filesIn(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => e.name);
}

describe.each(stores)('attachments on %s', (_name, open, skip) => {
  let t: TestServer;
  let dir: string;

  async function start(options: Parameters<typeof startTestServer>[0] = {}) {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-'));
    t = await startTestServer({ store: await open(), routing: { assignment: 'manual' }, ...options, attachments: { dir, ...options.attachments } });
  }
  afterEach(async () => {
    await t?.close();
  });

  async function visitor() {
    const socket = t.visitor();
    await connected(socket);
    const session = data(await socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
    return { socket, token: session.token, visitorId: session.visitorId };
  }

  const visitorUrl = () => `${t.url}/api/visitor/attachments`;

  it('carries a photo from the visitor to the agent and a PDF back, each readable only by its conversation', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    await start();
    const ada = await visitor();
    const bea = await visitor();

    // The visitor sends a photo, named as a JPEG: the bytes say PNG, so it is one.
    const photo = png();
    const sent = await upload(visitorUrl(), { token: ada.token }, photo, '../../etc/水壶‮gpj.jpeg');
    expect(sent.status).toBe(201);
    const message = (sent.body.data as AttachmentUpload).message;
    expect(message.attachment).toMatchObject({ contentType: 'image/png', size: photo.length });
    expect(message.attachment!.name).toBe('水壶gpj.jpeg.png');
    expect(message.text).toBe(message.attachment!.name);
    // The AI cannot read a file: it hands the conversation to a person.
    await t.server.router.idle();
    const conversation = (await t.store.getConversation(message.conversationId))!;
    // For what it is: a file, not a question the AI failed (the widget said "couldn't answer").
    expect(conversation).toMatchObject({ status: 'queued', handoffReason: 'attachment' });
    const handoffNote = async () => (await t.store.listMessages(conversation.id, { afterSeq: 0, includeNotes: true })).find((m) => m.note?.type === 'handoff')?.text ?? '';
    await expect.poll(handoffNote).toContain('the visitor sent a file the AI cannot read (image/png)');
    expect(filesIn(dir)).toHaveLength(1);

    // The same upload again (a lost answer): the same message, no second file.
    const again = await upload(visitorUrl(), { token: ada.token }, photo, 'kettle.png', message.clientId);
    expect(again.status).toBe(200);
    expect(again.body.data.message.id).toBe(message.id);
    expect(await t.store.countAttachments(conversation.id)).toBe(1);
    expect(filesIn(dir)).toHaveLength(1);

    // The visitor reads it back; another visitor, no token, a forged token cannot.
    const own = await download(`${visitorUrl()}/${message.attachment!.id}`, { token: ada.token });
    expect(own.status).toBe(200);
    expect(own.bytes.equals(photo)).toBe(true);
    expect(own.headers.get('content-type')).toBe('image/png');
    expect(own.headers.get('content-disposition')).toMatch(/^inline; filename="/);
    expect(own.headers.get('x-content-type-options')).toBe('nosniff');
    expect(own.headers.get('content-security-policy')).toContain('sandbox');
    expect((await download(`${visitorUrl()}/${message.attachment!.id}`, { token: bea.token })).status).toBe(404);
    expect((await download(`${visitorUrl()}/${message.attachment!.id}`, {})).status).toBe(401);
    expect((await download(`${visitorUrl()}/${message.attachment!.id}`, { token: `${ada.token}x` })).status).toBe(401);

    // Agents: signed in only; any agent reads the team's conversations.
    const annCookie = await t.loginAgent('Ann');
    const benCookie = await t.loginAgent('Ben');
    expect((await download(`${t.url}/api/attachments/${message.attachment!.id}`, {})).status).toBe(401);
    const seen = await download(`${t.url}/api/attachments/${message.attachment!.id}`, { cookie: benCookie });
    expect(seen.status).toBe(200);
    expect(seen.bytes.equals(photo)).toBe(true);
    // The message is in the transcript agents load.
    const ann = t.agent(annCookie);
    await connected(ann);
    const watched = data(await ann.emitWithAck('conversation:watch', { conversationId: conversation.id }));
    expect(watched.messages.find((m: ChatMessage) => m.id === message.id)?.attachment?.id).toBe(message.attachment!.id);

    // Only the agent handling it sends files into it.
    const agentUrl = `${t.url}/api/attachments?conversationId=${conversation.id}`;
    expect((await upload(agentUrl, { cookie: annCookie }, PDF, 'label.pdf')).status).toBe(409);
    data(await ann.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    expect((await upload(agentUrl, { cookie: benCookie }, PDF, 'label.pdf')).status).toBe(409);
    expect((await upload(agentUrl, { cookie: annCookie, origin: 'https://evil.example' }, PDF, 'label.pdf')).status).toBe(403);
    const arrives = nextEvent<ChatMessage>(ada.socket, 'message:created', (m) => !!m.attachment && m.author === 'agent');
    const label = await upload(agentUrl, { cookie: annCookie }, PDF, 'Return label.pdf');
    expect(label.status).toBe(201);
    const reply = await arrives;
    expect(reply.attachment).toMatchObject({ name: 'Return label.pdf', contentType: 'application/pdf', size: PDF.length });
    const pdf = await download(`${visitorUrl()}/${reply.attachment!.id}`, { token: ada.token });
    expect(pdf.status).toBe(200);
    expect(pdf.bytes.equals(PDF)).toBe(true);
    expect(pdf.headers.get('content-disposition')).toBe(`attachment; filename="Return label.pdf"; filename*=UTF-8''Return%20label.pdf`);
    expect((await download(`${visitorUrl()}/${reply.attachment!.id}`, { token: bea.token })).status).toBe(404);
    // Its answer was lost and the conversation closed meanwhile: the resend gets the stored reply, no second file.
    const files = filesIn(dir).length;
    data(await ann.emitWithAck('conversation:close', { conversationId: conversation.id }));
    const resent = await upload(agentUrl, { cookie: annCookie }, PDF, 'Return label.pdf', reply.clientId);
    expect(resent.body.data.message.id).toBe(reply.id);
    expect(filesIn(dir)).toHaveLength(files);
    expect((await upload(agentUrl, { cookie: annCookie }, PDF, 'another.pdf')).status).toBe(409);

    // A site outside ALLOWED_ORIGINS gets no CORS answer; the server's own pages always do.
    const preflight = await fetch(visitorUrl(), { method: 'OPTIONS', headers: { origin: 'https://shop.example', 'access-control-request-method': 'POST' } });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it('finds the type in the bytes: a renamed program or page is refused, text and PDF pass; sizes and counts are bounded', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    await start({ attachments: { maxBytes: 4096, perConversation: 3 } });
    const ada = await visitor();
    for (const [bytes, name] of [[ELF, 'kettle.png'], [EXE, 'invoice.pdf'], [HTML, 'notes.txt'], [Buffer.from('order 42 <img src=x onerror=alert(1)>'), 'notes.txt'], [Buffer.from('<meta http-equiv=refresh content="0;url=https://evil.example">'), 'notes.txt'], [Buffer.from('see <a href="https://evil.example">here</a>'), 'notes.txt'], [Buffer.from('<b>bold</b>'), 'notes.txt'], [Buffer.from('<svg onload="alert(1)"/>'), 'pic.svg']] as const) {
      const refused = await upload(visitorUrl(), { token: ada.token }, bytes, name);
      expect(refused, name).toMatchObject({ status: 415, body: { ok: false, error: { code: 'unsupported_type' } } });
    }
    expect((await upload(visitorUrl(), { token: ada.token }, Buffer.alloc(0), 'empty.txt')).status).toBe(400);
    // Nothing of them was kept, not even in staging.
    expect(filesIn(dir)).toEqual([]);

    // Ordinary text with angle brackets is text (a pattern for event handlers refused this, a re-test).
    const code = 'Order A-1001: the lid is cracked.\n订单号 A-1001\ncat <<EOF\nonly = true\nEOF\nList<String> names;\nif (a<b && c>d) { x(); } a <p and q\n';
    const text = await upload(visitorUrl(), { token: ada.token }, Buffer.from(code), 'order');
    expect(text.status).toBe(201);
    expect(text.body.data.message.attachment).toMatchObject({ contentType: 'text/plain', name: 'order.txt' });
    const served = await download(`${visitorUrl()}/${text.body.data.message.attachment.id}`, { token: ada.token });
    expect(served.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);

    // Too large: announced (Content-Length), or streamed without announcing its size.
    const big = Buffer.alloc(5000, 'a');
    expect(await upload(visitorUrl(), { token: ada.token }, big, 'big.txt')).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    const stream = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(new Uint8Array(1000).fill(98));
        controller.close();
      },
    });
    expect(await upload(visitorUrl(), { token: ada.token }, stream, 'streamed.txt')).toMatchObject({ status: 413, body: { error: { code: 'too_large' } } });
    expect(filesIn(dir)).toHaveLength(1);

    expect((await upload(visitorUrl(), { token: ada.token }, PDF, 'a.pdf')).status).toBe(201);
    expect((await upload(visitorUrl(), { token: ada.token }, png(), 'b.png')).status).toBe(201);
    expect(await upload(visitorUrl(), { token: ada.token }, png(), 'c.png')).toMatchObject({ status: 409, body: { error: { code: 'too_many' } } });
    expect(filesIn(dir)).toHaveLength(3);

    // Sent at once: the bound holds (each had passed the count before any was recorded: 80 of 50
    // stored, a probe), and the refused ones' bytes are not kept.
    const bea = await visitor();
    const atOnce = await Promise.all(Array.from({ length: 6 }, (_, i) => upload(visitorUrl(), { token: bea.token }, png(), `at-once-${i}.png`)));
    expect(atOnce.map((sent) => sent.status).sort()).toEqual([201, 201, 201, 409, 409, 409]);
    expect(filesIn(dir)).toHaveLength(6);
  });

  it('signs short links for the widget’s <img> and download links: one file, one visitor, until they expire', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    let skew = 0;
    await start({ clock: { now: () => Date.now() + skew }, attachments: { maxBytes: 4096, types: ['image/png', 'application/pdf'] } });
    const ada = await visitor();
    const bea = await visitor();
    // The resume tells the widget what it may send, so it can say so before uploading.
    const session = data(await ada.socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(session.attachments).toEqual({ maxBytes: 4096, types: ['image/png', 'application/pdf'] });

    const photo = (await upload(visitorUrl(), { token: ada.token }, png(), 'kettle.png')).body.data.message.attachment;
    const pdf = (await upload(visitorUrl(), { token: ada.token }, PDF, 'receipt.pdf')).body.data.message.attachment;
    const sign = (token: string | undefined, ids: unknown, origin = 'https://shop.example') =>
      fetch(`${visitorUrl()}/links`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', origin, ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ ids }),
      });
    expect((await sign(undefined, [photo.id])).status).toBe(401);
    expect((await sign(ada.token, [])).status).toBe(400);
    expect((await sign(ada.token, ['../../etc/passwd'])).status).toBe(400);
    const signed = await sign(ada.token, [photo.id, pdf.id]);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    const { links } = ((await signed.json()) as { data: unknown }).data as { links: { id: string; url: string; expiresAt: number }[] };
    expect(links.map((l) => l.id)).toEqual([photo.id, pdf.id]);
    const [photoLink, pdfLink] = links as [(typeof links)[0], (typeof links)[0]];
    expect(photoLink.url).toMatch(new RegExp(`^/api/visitor/attachments/${photo.id}\\?link=f1\\.`));
    expect(photoLink.expiresAt - Date.now()).toBeGreaterThan(5 * 60_000);
    expect(photoLink.expiresAt - Date.now()).toBeLessThanOrEqual(15 * 60_000);

    // An <img> sends no token and no Origin: the link alone opens the picture, to any page (CORP).
    const shown = await download(`${t.url}${photoLink.url}`, {});
    expect(shown.status).toBe(200);
    expect(shown.bytes.equals(png())).toBe(true);
    expect(shown.headers.get('cross-origin-resource-policy')).toBe('cross-origin');
    expect(shown.headers.get('x-content-type-options')).toBe('nosniff');
    const got = await download(`${t.url}${pdfLink.url}`, {});
    expect(got.headers.get('content-disposition')).toBe(`attachment; filename="receipt.pdf"; filename*=UTF-8''receipt.pdf`);
    expect(got.headers.get('content-type')).toBe('application/pdf');

    // The link opens its own file only; another visitor's signature opens nothing of Ada's.
    const token = new URL(photoLink.url, t.url).searchParams.get('link')!;
    expect((await download(`${visitorUrl()}/${pdf.id}?link=${token}`, {})).status).toBe(401);
    const beaLinks = ((await (await sign(bea.token, [photo.id])).json()) as { data: AttachmentLinks }).data.links;
    expect((await download(`${t.url}${beaLinks[0]!.url}`, {})).status).toBe(404);
    expect((await download(`${t.url}${photoLink.url}x`, {})).status).toBe(401);

    // Expired: refused.
    skew = 20 * 60_000;
    expect((await download(`${t.url}${photoLink.url}`, {})).status).toBe(401);
  });

  it('limits a stranger’s uploads per visitor', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    await start({ floodLimits: { uploadsPerVisitorPerHour: 2 } });
    const ada = await visitor();
    expect((await upload(visitorUrl(), { token: ada.token }, PDF, 'a.pdf')).status).toBe(201);
    expect((await upload(visitorUrl(), { token: ada.token }, PDF, 'b.pdf')).status).toBe(201);
    const third = await upload(visitorUrl(), { token: ada.token }, PDF, 'c.pdf');
    expect(third).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    expect(third.body.error.retryAfterMs).toBeGreaterThan(0);
  });

  it('deletes at start what a process killed mid-upload left staged, and keeps what is being uploaded', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    const staged = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-'));
    const staging = path.join(staged, '.staging');
    fs.mkdirSync(staging);
    fs.writeFileSync(path.join(staging, 'left-by-a-killed-process'), PDF);
    const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
    fs.utimesSync(path.join(staging, 'left-by-a-killed-process'), twoHoursAgo, twoHoursAgo);
    fs.writeFileSync(path.join(staging, 'another-process-receiving-it'), PDF);
    await start({ attachments: { dir: staged } });
    for (let waited = 0; fs.readdirSync(staging).length > 1 && waited < 5000; waited += 20) await new Promise((r) => setTimeout(r, 20));
    expect(fs.readdirSync(staging)).toEqual(['another-process-receiving-it']);
    const ada = await visitor();
    expect((await upload(visitorUrl(), { token: ada.token }, PDF, 'after.pdf')).status).toBe(201);
    fs.rmSync(staged, { recursive: true, force: true });
  });

  it('lists the files in the visitor’s export and deletes them with the visitor', async ({ skip: skipTest }) => {
    if (skip) skipTest();
    await start();
    const boss = await t.loginAgent('Boss', 'admin');
    const ada = await visitor();
    const bea = await visitor();
    const photo = (await upload(visitorUrl(), { token: ada.token }, png(), 'kettle.png')).body.data.message as ChatMessage;
    const other = (await upload(visitorUrl(), { token: bea.token }, PDF, 'bea.pdf')).body.data.message as ChatMessage;
    await t.server.router.idle();
    expect(filesIn(dir)).toHaveLength(2);

    const exported = (await (await fetch(`${t.url}/api/admin/visitors/${ada.visitorId}/export`, { headers: { cookie: boss } })).json()) as VisitorExport;
    expect(exported.conversations[0]!.attachments).toEqual([
      expect.objectContaining({ id: photo.attachment!.id, name: 'kettle.png', contentType: 'image/png', uploadedBy: ada.visitorId }),
    ]);

    const erased = await fetch(`${t.url}/api/admin/visitors/${ada.visitorId}`, { method: 'DELETE', headers: { cookie: boss } });
    expect(((await erased.json()) as { data: { erased: object } }).data.erased).toMatchObject({ attachments: 1 });
    expect(filesIn(dir)).toEqual([other.attachment!.id]);
    const cookie = await t.loginAgent('Ann');
    expect((await download(`${t.url}/api/attachments/${photo.attachment!.id}`, { cookie })).status).toBe(404);
    expect((await download(`${t.url}/api/attachments/${other.attachment!.id}`, { cookie })).status).toBe(200);
  });
});
