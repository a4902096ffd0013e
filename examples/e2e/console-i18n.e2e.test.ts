/**
 * The console speaks Chinese (issue 13): an agent picks 简体中文 in the top bar, every view switches
 * at once without a reload, the choice is kept with the account (a reload and another device
 * sign in in Chinese), an admin page (routing, with a label rule) has no English left, and axe-core
 * finds nothing in zh-CN. Screenshots land in test-results/e2e/
 * (console-i18n-*): look at them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole, submitConsoleLogin } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'mei@example.com', password: 'mei-password-123' };
const POLL = { timeout: 8000 };
const AXE_SOURCE = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/**
 * Words that stay as they are in a Chinese console: names of things (the agent's own name, the
 * other language's name in the picker, the AI), keys, formats and standards (JSON, GDPR, CSAT),
 * the reports' time zone name, the AI's technical id, and file formats (PDF, Office).
 */
const KEPT = new Set(['Admin', 'English', 'AI', 'Markdown', 'Enter', 'Shift', 'CSAT', 'P90', 'offline', 'token', 'identify', 'ID', 'GDPR', 'JSON', 'UTC', 'PDF', 'Office']);

/**
 * The console's own words on screen (text, labels, titles, placeholders), through shadow roots,
 * leaving out what people wrote and what pages reported (message bubbles, sources, the visitor
 * panel's values, codes, knowledge entries' titles), and returns the Latin words among them
 * that are not in `KEPT`.
 */
function englishLeft(page: Page): Promise<string[]> {
  return page.evaluate((kept) => {
    const skip = '.bubble, .sources, .suggestions, .offered, .provenance, dd, code, kbd, option, time, .me, .who, .preview, h2#conversation-title, .entry-title, style, script';
    const words: string[] = [];
    const take = (text: string | null) => {
      for (const w of (text ?? '').match(/[A-Za-z]{2,}/g) ?? []) if (!kept.includes(w)) words.push(w);
    };
    const walk = (root: Element | ShadowRoot) => {
      for (const node of Array.from(root.childNodes)) {
        if (node.nodeType === Node.TEXT_NODE) take(node.textContent);
        if (!(node instanceof Element) || node.matches(skip)) continue;
        const style = getComputedStyle(node);
        if (style.display === 'none') continue;
        for (const attr of ['aria-label', 'title', 'placeholder']) take(node.getAttribute(attr));
        if (node.shadowRoot) walk(node.shadowRoot);
        walk(node);
      }
    };
    walk(document.querySelector('support-console')!.shadowRoot!);
    return [...new Set(words)];
  }, [...KEPT]);
}

async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const result = await page.evaluate(() =>
    (window as unknown as { axe: { run(): Promise<{ violations: { id: string; nodes: unknown[] }[] }> } }).axe.run(),
  );
  return result.violations.map((v) => `${v.id} ×${v.nodes.length}`);
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('the console in Chinese', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let desk: Page;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-console-i18n-e2e-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
    // axe-core is injected inline, which the pages' CSP refuses; security.e2e holds the CSP.
    desk = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', bypassCSP: true })).newPage();
    desk.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('switches every main view to Chinese at once, keeps it across a reload and another device, with no axe violations', async () => {
    // A Chinese visitor asks for a person; default routing gives the conversation to the agent.
    const visitor = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await visitor.goto(server.url);
    await visitor.getByRole('button', { name: 'Open chat' }).click();
    const box = visitor.getByRole('textbox', { name: 'Your message' });
    await box.fill('我的水壶漏水了，转人工');
    await box.press('Enter');

    await signInToConsole(desk, server.url, ADMIN);
    await desk.getByRole('combobox', { name: 'Language' }).selectOption('zh-CN');
    await expect.poll(() => desk.getByRole('tablist', { name: '会话分类' }).isVisible(), POLL).toBe(true);
    await desk.getByRole('tab', { name: /我的/ }).click();
    await desk.locator('support-console-inbox .row').first().click();
    await expect.poll(() => desk.getByRole('log', { name: '聊天记录' }).textContent(), POLL).toContain('已加入');
    // The hand-off note the server wrote, in Chinese too (it is stored in English, with its data).
    const note = desk.locator('support-console-transcript li.note').first();
    expect(await note.textContent()).toContain('转人工：访客要求人工服务');
    expect(await note.textContent()).toContain('访客的问题：');
    expect(await note.textContent()).not.toContain('Hand-off');
    await desk.getByRole('textbox', { name: '回复访客' }).fill('您好，我来帮您看看。');
    await desk.getByRole('textbox', { name: '回复访客' }).press('Enter');
    await expect.poll(() => desk.locator('support-console-inbox .preview').first().textContent(), POLL).toContain('客服：您好');
    expect(await desk.evaluate(() => document.documentElement.lang)).toBe('zh-CN');
    expect(await desk.title()).toContain('客服工作台');
    expect(await englishLeft(desk)).toEqual([]);
    expect(await axe(desk)).toEqual([]);
    await desk.screenshot({ path: screenshotPath('console-i18n-01-inbox-zh') });

    await desk.getByRole('link', { name: '报表' }).click();
    await expect.poll(() => desk.getByRole('heading', { name: '每日会话量' }).isVisible(), POLL).toBe(true);
    expect(await englishLeft(desk)).toEqual([]);
    expect(await axe(desk)).toEqual([]);
    await desk.screenshot({ path: screenshotPath('console-i18n-02-reports-zh') });

    // An admin page in Chinese: the routing page, with a label rule added and saved.
    await desk.getByRole('link', { name: '分配规则' }).click();
    await desk.getByRole('button', { name: '添加标签规则' }).click();
    await desk.getByRole('textbox', { name: '规则 1 的关键词' }).fill('退款');
    await desk.getByRole('button', { name: '保存分配规则' }).click();
    await expect.poll(() => desk.getByText('请填写标签。').isVisible(), POLL).toBe(true);
    await desk.getByRole('textbox', { name: '规则 1 的标签' }).fill('售后');
    await desk.getByRole('button', { name: '保存分配规则' }).click();
    await expect.poll(() => desk.getByText('分配规则已保存。').isVisible(), POLL).toBe(true);
    expect(await englishLeft(desk)).toEqual([]);
    expect(await axe(desk)).toEqual([]);
    await desk.screenshot({ path: screenshotPath('console-i18n-03-routing-zh'), fullPage: true });

    // The audit log of that save, in Chinese too (what the server recorded as keys and values).
    await desk.getByRole('link', { name: '审计日志' }).click();
    await expect.poll(() => desk.locator('support-console-admin-audit td.detail').first().textContent(), POLL).toContain('修改了：标签规则');
    expect(await englishLeft(desk)).toEqual([]);
    await desk.screenshot({ path: screenshotPath('console-i18n-04-audit-zh') });
    await desk.getByRole('link', { name: '分配规则' }).click();

    // Kept with the account: a reload, and a sign-in from another (English) browser.
    await desk.reload();
    await expect.poll(() => desk.getByRole('textbox', { name: '规则 1 的标签' }).inputValue(), POLL).toBe('售后');
    const other = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await other.goto(`${server.url}/console`);
    await submitConsoleLogin(other, ADMIN);
    await expect.poll(() => other.getByRole('tablist', { name: '会话分类' }).isVisible(), POLL).toBe(true);

    // And back to English at once.
    await desk.getByRole('combobox', { name: '语言' }).selectOption('en');
    await expect.poll(() => desk.getByRole('button', { name: 'Save routing' }).isVisible(), POLL).toBe(true);
  });
});
