/**
 * Files both ways in the browser (issue 13), on the built bundles: the widget sits on another
 * site whose CSP allows the chat server but not `blob:`. A visitor attaches a photo with the
 * attach button; the AI cannot read it and hands off; the agent sees it inline in the console and
 * sends a PDF back with the console's attach button; the visitor downloads it. A renamed program
 * pasted into the widget and a too-large file dropped on it are refused with a line that says
 * why. Screenshots: test-results/e2e/attachments-*.png (desktop and a 360 px phone, English and
 * 简体中文); axe-core finds nothing on either side with the files shown.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole } from './browser.js';
import { serveFolder } from './static-site.js';

const missing = chromiumMissing();
const ADMIN = { email: 'files@example.com', password: 'files-password-123' };
const POLL = { timeout: 8000 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
/** ATTACHMENT_MAX_BYTES for this server: 1 MB, so "too large" needs no big upload. */
const MAX_BYTES = 1024 * 1024;
/** An ELF program's first bytes, named as a picture. */
const ELF = [0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, ...new Array(120).fill(0)];
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** axe-core evaluated by the test driver, which the host page's CSP does not govern (a script tag would be refused). */
async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: { id: string; impact: string; nodes: { target: unknown[] }[] }[] }> } }).axe.run(),
  );
  return result.violations.map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${JSON.stringify(v.nodes.map((n) => n.target))}`);
}

/** A file handed to the widget as the browser would hand a paste or a drop. */
async function dispatchFile(page: Page, type: 'paste' | 'drop', file: { name: string; bytes: number[] | number }) {
  await page.evaluate(
    ([type, name, bytes]) => {
      const data = new DataTransfer();
      const body = typeof bytes === 'number' ? new Uint8Array(bytes).fill(97) : new Uint8Array(bytes);
      data.items.add(new File([body], name));
      const panel = document.querySelector('support-chat')!.shadowRoot!.querySelector('#panel')!;
      const target = type === 'paste' ? panel.querySelector('textarea')! : panel;
      const init = { bubbles: true, cancelable: true, composed: true };
      target.dispatchEvent(type === 'paste' ? new ClipboardEvent('paste', { ...init, clipboardData: data }) : new DragEvent('drop', { ...init, dataTransfer: data }));
    },
    [type, file.name, file.bytes] as const,
  );
}

/** Every picture in `scope` has loaded (a refused or unauthorised one has no natural size). */
const picturesShown = (page: Page, scope: string) =>
  page.locator(`${scope} .file-thumb img`).evaluateAll((imgs) => imgs.length > 0 && imgs.every((i) => (i as HTMLImageElement).naturalWidth > 0));

describe.skipIf(missing !== null && process.env.CI !== 'true')('attachments in the widget and the console', () => {
  let server: ServerProcess;
  let site: Awaited<ReturnType<typeof serveFolder>>;
  let browser: Browser;
  let dataDir: string;
  let siteDir: string;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-e2e-'));
    siteDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-files-site-'));
    site = await serveFolder(siteDir);
    server = await startServerProcess({
      DATA_DIR: dataDir,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      ATTACHMENT_MAX_BYTES: String(MAX_BYTES),
      ALLOWED_ORIGINS: new URL(site.url).origin,
    });
    const chat = server.url;
    const ws = chat.replace(/^http/, 'ws');
    // A shop with a strict CSP: the chat server is allowed, blob: and inline script are not.
    const page = `<!doctype html><html lang="LANG"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' ${chat}; connect-src 'self' ${chat} ${ws}; style-src 'self'; img-src 'self' ${chat}">
<title>Kettle shop</title></head><body><main><h1>Kettle shop</h1><p>Our kettles boil water.</p></main>
<script type="module" src="${chat}/widget/support-chat.js"></script><support-chat server="${chat}"></support-chat></body></html>`;
    fs.writeFileSync(path.join(siteDir, 'index.html'), page.replace('LANG', 'en'));
    fs.writeFileSync(path.join(siteDir, 'zh.html'), page.replace('LANG', 'zh-CN'));
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    await site?.close();
    for (const dir of [dataDir, siteDir]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a photo goes to the agent, a PDF comes back, refusals are said, on a desk and a phone', async () => {
    const desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', bypassCSP: true })).newPage();
    desk.setDefaultTimeout(8000);
    await signInToConsole(desk, server.url, ADMIN);

    const visitorContext = await browser.newContext({ viewport: { width: 1000, height: 760 }, locale: 'en-US' });
    const visitor = await visitorContext.newPage();
    visitor.setDefaultTimeout(8000);
    const blocked: string[] = [];
    visitor.on('console', (m) => /Content Security Policy/.test(m.text()) && blocked.push(m.text()));
    await visitor.goto(site.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();

    // A photo of the broken kettle, drawn here, sent with the attach button.
    const photo = Buffer.from(
      (
        await visitor.evaluate(() => {
          const canvas = document.createElement('canvas');
          [canvas.width, canvas.height] = [240, 160];
          const g = canvas.getContext('2d')!;
          g.fillStyle = '#e0f2fe';
          g.fillRect(0, 0, 240, 160);
          g.fillStyle = '#475569';
          g.fillRect(70, 50, 100, 90);
          g.fillRect(165, 70, 40, 12);
          g.fillStyle = '#dc2626';
          g.fillRect(110, 90, 30, 6);
          return canvas.toDataURL('image/png');
        })
      ).split(',')[1]!,
      'base64',
    );
    const chooser = visitor.waitForEvent('filechooser');
    await visitor.getByRole('button', { name: 'Attach a file' }).click();
    await (await chooser).setFiles({ name: 'kettle.png', mimeType: 'image/png', buffer: photo });
    await expect.poll(() => picturesShown(visitor, 'support-chat'), POLL).toBe(true);
    // The AI cannot read a picture: it hands off, and the agent online (the admin) is assigned.
    await expect.poll(() => visitor.locator('support-chat .event').allTextContents(), POLL).toContain('A person will take over'); // not "couldn't answer": it was a file (a developer's probe)

    // The agent sees it inline and sends a PDF with the attach button.
    const row = desk.locator('support-console-inbox .row');
    await expect.poll(() => row.count(), POLL).toBe(1);
    await row.first().click();
    await expect.poll(() => picturesShown(desk, 'support-console-conversation'), POLL).toBe(true);
    const deskChooser = desk.waitForEvent('filechooser');
    await desk.getByRole('button', { name: 'Attach a file' }).click();
    await (await deskChooser).setFiles({ name: 'Return label.pdf', mimeType: 'application/pdf', buffer: PDF });

    // The visitor sees it as a named link with its size and downloads it.
    const link = visitor.getByRole('link', { name: `Download Return label.pdf ${PDF.length} B` });
    await expect.poll(() => link.count(), POLL).toBe(1);
    const download = visitor.waitForEvent('download');
    await link.click();
    expect((await download).suggestedFilename()).toBe('Return label.pdf');
    const served = await visitor.request.get((await link.getAttribute('href'))!);
    expect(served.status()).toBe(200);
    expect(served.headers()['content-disposition']).toMatch(/^attachment; filename="Return label.pdf"/);
    expect(served.headers()['x-content-type-options']).toBe('nosniff');
    expect(Buffer.from(await served.body()).equals(PDF)).toBe(true);

    // A renamed program, pasted: refused by its bytes. A file over the limit, dropped: said before uploading.
    const error = visitor.locator('support-chat .file-error');
    await dispatchFile(visitor, 'paste', { name: 'holiday.png', bytes: ELF });
    await expect.poll(() => error.textContent(), POLL).toContain('holiday.png cannot be sent: send a picture, a PDF');
    await dispatchFile(visitor, 'drop', { name: 'manual.pdf', bytes: MAX_BYTES + 1 });
    await expect.poll(() => error.textContent(), POLL).toContain('manual.pdf is too large to send: files can be up to 1.0 MB.');
    expect(blocked).toEqual([]);

    await visitor.screenshot({ path: screenshotPath('attachments-01-visitor-desktop-en') });
    await desk.screenshot({ path: screenshotPath('attachments-02-console-desktop-en') });
    expect(await axe(visitor)).toEqual([]);
    expect(await axe(desk)).toEqual([]);

    // More of the conversation, so that on a phone it is taller than the chat.
    const reply = desk.getByRole('textbox', { name: 'Reply to the visitor' });
    for (let n = 1; n <= 6; n++) {
      await reply.fill(`Step ${n} of the return: see the label.`);
      await reply.press('Enter');
      await expect.poll(() => visitor.locator('support-chat').getByText(`Step ${n} of the return`).count(), POLL).toBe(1);
    }

    // The same visitor on a phone in Chinese: the files from the history, the words in Chinese.
    const phone = await (
      await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN', storageState: await visitorContext.storageState() })
    ).newPage();
    phone.setDefaultTimeout(8000);
    await phone.goto(`${site.url}zh.html`);
    await phone.getByRole('button', { name: '打开聊天' }).click();
    await expect.poll(() => picturesShown(phone, 'support-chat'), POLL).toBe(true);
    await expect.poll(() => phone.getByRole('link', { name: `下载 Return label.pdf ${PDF.length} B` }).count(), POLL).toBe(1);
    await expect.poll(() => phone.getByRole('button', { name: '添加附件' }).isVisible(), POLL).toBe(true);
    await dispatchFile(phone, 'drop', { name: '说明书.pdf', bytes: MAX_BYTES + 1 });
    await expect.poll(() => phone.locator('support-chat .file-error').textContent(), POLL).toContain('说明书.pdf 太大，无法发送：文件不能超过 1.0 MB。');
    await phone.screenshot({ path: screenshotPath('attachments-03-visitor-phone-zh') });
    expect(await axe(phone)).toEqual([]);

    // The visitor sends another photo from the phone, and the agent answers: the phone follows the
    // answer. The thumbnail at the end grew as it loaded, which had left the chat short of its end,
    // so every later message arrived below the fold, unseen, and was marked seen (a probe).
    const phoneChooser = phone.waitForEvent('filechooser');
    await phone.getByRole('button', { name: '添加附件' }).click();
    await (await phoneChooser).setFiles({ name: 'kettle-2.png', mimeType: 'image/png', buffer: photo });
    await expect.poll(() => phone.locator('support-chat .file-thumb img').count(), POLL).toBe(2);
    await expect.poll(() => picturesShown(phone, 'support-chat'), POLL).toBe(true);
    await reply.fill('Here is the label again.');
    await reply.press('Enter');
    await expect.poll(() => phone.locator('support-chat').getByText('Here is the label again.').count(), POLL).toBe(1);
    const belowTheFold = () => phone.locator('support-chat .log').evaluate((log) => log.scrollHeight - log.scrollTop - log.clientHeight);
    await expect.poll(belowTheFold, POLL).toBeLessThan(48);
    expect(await phone.locator('support-chat .log').evaluate((log) => log.scrollHeight > log.clientHeight)).toBe(true);
    // The visitor scrolls up to what came before: a reply arriving meanwhile is below the fold,
    // not seen, and the agent is not told it was until the visitor scrolls down to it (a probe).
    const seenUnder = (text: string) =>
      desk.getByRole('log', { name: 'Transcript' }).getByRole('listitem').filter({ hasText: text }).getByText('Seen', { exact: true }).count();
    await expect.poll(() => seenUnder('Here is the label again.'), POLL).toBe(1);
    await visitor.close(); // the visitor's desk, where the chat is open at its end, would see it
    await phone.locator('support-chat .log').evaluate((log) => (log.scrollTop = 0));
    await reply.fill('Anything else I can help with?');
    await reply.press('Enter');
    await expect.poll(() => phone.locator('support-chat').getByText('Anything else I can help with?').count(), POLL).toBe(1);
    await phone.waitForTimeout(1500); // longer than the widget's read throttle
    expect(await seenUnder('Anything else I can help with?')).toBe(0);
    expect(await phone.locator('support-chat .log').evaluate((log) => log.scrollTop)).toBe(0);
    await phone.locator('support-chat .log').evaluate((log) => (log.scrollTop = log.scrollHeight));
    await expect.poll(() => seenUnder('Anything else I can help with?'), POLL).toBe(1);
    await desk.setViewportSize({ width: 360, height: 740 });
    await desk.screenshot({ path: screenshotPath('attachments-04-console-phone-en') });
  });
});
