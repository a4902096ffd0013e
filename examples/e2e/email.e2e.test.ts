/**
 * Email in a real browser on the built server and bundle (issue 13): a visitor leaves a message
 * and goes; the team is emailed; the agent's reply reaches the visitor by email through a real SMTP
 * server on 127.0.0.1; the email's link, opened in a fresh browser, opens the chat with the
 * conversation and the reply in it; once the agent closes it, the rating card's address field
 * gets the transcript emailed.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { data, type AgentClient, type VisitorClient } from '../../server/test/harness.js';
import { startTestSmtp, type TestSmtp } from '../../server/test/smtp.js';
import { chromiumMissing, launchChromium, screenshotPath } from './browser.js';

const missing = chromiumMissing();
const ADMIN = { email: 'lead@example.com', password: 'lead-password-123' };
const POLL = { timeout: 8000 };

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('email, where conversations continue, in a real browser', () => {
  let server: ServerProcess;
  let smtp: TestSmtp;
  let browser: Browser;
  let dataDir: string;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    smtp = await startTestSmtp();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-email-e2e-'));
    const port = await freePort();
    server = await startServerProcess({
      DATA_DIR: dataDir,
      PORT: String(port),
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      SMTP_URL: smtp.url,
      MAIL_FROM: 'Shop support <support@shop.test>',
      MAIL_TEAM: 'team@shop.test',
    });
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    await smtp?.close();
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the reply reaches the visitor by email, its link continues the chat, and the rating card emails the transcript', async () => {
    const visitor: VisitorClient = io(`${server.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false });
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const left = data(await visitor.emitWithAck('offline:leave', { clientId: 'leave-e2e-1', email: 'eve@example.com', name: 'Eve', text: 'Where is my order #42?' }));
    const [team] = await smtp.waitFor(1);
    expect(team!.to).toEqual(['team@shop.test']);
    expect(team!.parsed.text).toContain('Where is my order #42?');
    visitor.disconnect();

    const login = await fetch(`${server.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const agent: AgentClient = io(`${server.url}/agent`, { extraHeaders: { cookie }, transports: ['websocket'], forceNew: true, reconnection: false });
    const conversationId = left.conversation.id;
    data(await agent.emitWithAck('conversation:claim', { conversationId }));
    data(await agent.emitWithAck('message:send', { conversationId, clientId: 'reply-e2e-1', text: 'Hi Eve, order #42 ships **today**.' }));

    const [, reply] = await smtp.waitFor(2, 15_000);
    expect(reply!.to).toEqual(['eve@example.com']);
    const link = /http:\/\/127\.0\.0\.1:\d+\/#sc-resume=\S+/.exec(reply!.parsed.text!)?.[0];
    expect(link).toBeDefined();

    // Another device: nothing stored, the link alone.
    const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
    const page = await context.newPage();
    page.setDefaultTimeout(8000);
    await page.goto(link!);
    const chat = page.locator('support-chat');
    await expect.poll(() => chat.getByText('ships today').isVisible(), POLL).toBe(true);
    expect(await chat.getByText('Where is my order #42?').isVisible()).toBe(true);
    expect(new URL(page.url()).hash).toBe(''); // the token left the address bar
    await page.screenshot({ path: screenshotPath('email-resumed') });

    // Closed: the rating card takes an address for the transcript.
    data(await agent.emitWithAck('conversation:close', { conversationId }));
    const stars = chat.getByRole('group', { name: 'How was this conversation?' });
    await stars.getByRole('radio', { name: '5 of 5' }).locator('..').click();
    await chat.getByRole('textbox', { name: 'Email me this chat (optional)' }).fill('eve.home@example.com');
    await chat.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => chat.getByText('Thank you for rating this conversation!').isVisible(), POLL).toBe(true);
    const [, , transcript] = await smtp.waitFor(3);
    expect(transcript!.to).toEqual(['eve.home@example.com']);
    expect(transcript!.parsed.subject).toBe('Your conversation with us');
    expect(transcript!.parsed.text).toContain('Where is my order #42?');
    expect(transcript!.parsed.text).toContain('Hi Eve, order #42 ships **today**.');
    await page.screenshot({ path: screenshotPath('email-transcript-offered') });

    // The same link altered (a mail client cut it, say) on a third device: an empty chat that says why.
    const cut = await (await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' })).newPage();
    await cut.goto(`${link!.slice(0, -3)}`);
    // A link opens the chat by itself.
    await expect.poll(() => cut.locator('support-chat').getByText('This link has expired or is not complete').isVisible(), POLL).toBe(true);
    expect(await cut.locator('support-chat').getByText('Where is my order #42?').count()).toBe(0);
    await cut.screenshot({ path: screenshotPath('email-link-refused') });
    await cut.context().close();
    agent.disconnect();
    await context.close();
  });
});
