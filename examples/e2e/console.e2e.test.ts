/**
 * The console as a team uses it, in a real browser: two agents and three visitors, each in their
 * own browser context. The admin sets up the team (a second agent, a canned reply, manual
 * routing) through the console's admin pages; one visitor asks for a person, the first agent
 * claims it and transfers it, the second answers with a canned reply and a note, closes it, and
 * the visitor rates. Screenshots of the inbox, the conversation and the reports land in
 * test-results/e2e/ — look at them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { requireBuiltServer, startServerProcess, type ServerProcess } from '../../server/test/server-process.js';
import { chromiumMissing, launchChromium, screenshotPath, signInToConsole } from './browser.js';

const missing = chromiumMissing();
/** The server names the admin it creates from ADMIN_EMAIL "Admin". */
const ADMIN = { email: 'lead@example.com', password: 'lead-password-123', name: 'Admin' };
/** What the admin renames themselves to in the first test. */
const ADMIN_RENAMED = 'Admin Lena';
const SECOND = { email: 'sam@example.com', password: 'sam-password-456', name: 'Sam' };
const POLL = { timeout: 8000 };

async function ask(page: Page, text: string): Promise<void> {
  const box = page.getByRole('textbox', { name: 'Your message' });
  await box.fill(text);
  await box.press('Enter');
}

async function openVisitor(browser: Browser, url: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1100, height: 760 }, locale: 'en-US' });
  const page = await context.newPage();
  page.setDefaultTimeout(8000);
  await page.goto(url);
  await page.getByRole('button', { name: 'Open chat' }).click();
  return page;
}

/** The tab's count, as the inbox shows it ("Queued" → 1). */
async function tabCount(page: Page, label: string): Promise<number> {
  const text = await page.getByRole('tab', { name: new RegExp(label) }).textContent();
  return Number(/\d+/.exec(text ?? '')?.[0] ?? NaN);
}

/** The visitor rates the closed conversation in the widget: stars and a comment. */
async function rate(visitor: Page, score: 1 | 2 | 3 | 4 | 5, comment: string): Promise<void> {
  const stars = visitor.getByRole('group', { name: 'How was this conversation?' });
  await stars.getByRole('radio', { name: `${score} of 5` }).locator('..').click();
  await visitor.getByRole('textbox', { name: 'Comment (optional)' }).fill(comment);
  await visitor.getByRole('button', { name: 'Submit' }).click();
  await expect.poll(() => visitor.getByText('Thank you for rating this conversation!').isVisible(), POLL).toBe(true);
}

/**
 * Desktop notifications cannot be granted to a headless page: this stands in for the browser's
 * Notification API (granted) and for a console that is not in front, and records what is shown.
 */
const NOTIFICATIONS_STUB = `
  window.__notifications = [];
  document.hasFocus = () => false;
  window.Notification = class {
    static permission = 'granted';
    static requestPermission() { return Promise.resolve('granted'); }
    constructor(title, options) { window.__notifications.push(title + ' | ' + (options && options.body)); }
    close() {}
  };
`;

/** Keeps the page's WebSockets reachable, so a test can drop the connection as a network would. */
const SOCKETS_RECORDER = `
  window.__sockets = [];
  const NativeWebSocket = window.WebSocket;
  window.WebSocket = class extends NativeWebSocket {
    constructor(...args) { super(...args); window.__sockets.push(this); }
  };
`;

/** The element that has the keyboard, looking through shadow roots: its id, or else its aria-label. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    let element = document.activeElement;
    while (element?.shadowRoot?.activeElement) element = element.shadowRoot.activeElement;
    return element?.id || element?.getAttribute('aria-label') || '';
  });
}

describe.skipIf(missing !== null && process.env.CI !== 'true')('the agent console with a team, in a real browser', () => {
  let server: ServerProcess;
  let browser: Browser;
  let dataDir: string;
  let lead: Page;
  let sam: Page;
  let ada: Page;
  let bo: Page;
  let cy: Page;

  beforeAll(async () => {
    if (missing) throw new Error(`browser tests need Chromium: ${missing}`);
    requireBuiltServer();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sc-console-e2e-'));
    server = await startServerProcess({ DATA_DIR: dataDir, ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password });
    browser = await launchChromium();
    const agentContext = () => browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'en-US', timezoneId: 'Europe/Berlin' });
    const leadContext = await agentContext();
    await leadContext.addInitScript(SOCKETS_RECORDER);
    lead = await leadContext.newPage();
    const samContext = await agentContext();
    await samContext.addInitScript(NOTIFICATIONS_STUB);
    sam = await samContext.newPage();
    for (const page of [lead, sam]) page.setDefaultTimeout(8000);
  });

  afterAll(async () => {
    await browser?.close();
    await server?.kill('SIGTERM');
    if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('lets the admin add an agent, a canned reply and switch to manual routing from the console', async () => {
    await signInToConsole(lead, server.url, ADMIN);
    await lead.getByRole('link', { name: 'Agents' }).click();
    const add = lead.getByRole('region', { name: 'Add an agent' });
    await add.getByLabel('Name').fill(SECOND.name);
    await add.getByLabel('Email').fill(SECOND.email);
    await add.getByLabel('Password').fill(SECOND.password);
    await add.getByLabel('Capacity').fill('3');
    await add.getByRole('button', { name: 'Add agent' }).click();
    await expect.poll(() => lead.getByRole('row', { name: new RegExp(SECOND.email) }).isVisible(), POLL).toBe(true);
    // The first admin's name came from the environment: it can be changed here (visitors see it).
    await lead.getByLabel('Name of Admin', { exact: true }).fill(ADMIN_RENAMED);
    await lead.getByRole('row', { name: new RegExp(ADMIN.email) }).getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => lead.getByText(`Saved ${ADMIN_RENAMED}.`).isVisible(), POLL).toBe(true);
    await expect.poll(() => lead.locator('support-console-topbar .me').textContent(), POLL).toContain(ADMIN_RENAMED);
    await lead.screenshot({ path: screenshotPath('console-01-admin-agents') });

    await lead.getByRole('link', { name: 'Canned replies' }).click();
    await lead.getByRole('button', { name: 'Add a reply' }).click();
    // A shortcut in any script (a Chinese team's /发票), checked in the form as on the server.
    const shortcut = lead.getByLabel('Shortcut', { exact: true });
    for (const [typed, valid] of [['发票', true], ['-x', false], ['has space', false]] as const) {
      await shortcut.fill(typed);
      expect(await shortcut.evaluate((el: HTMLInputElement) => el.checkValidity()), typed).toBe(valid);
    }
    await lead.getByLabel('Shortcut', { exact: true }).fill('return-label');
    // A misspelt placeholder would reach visitors as written: the form says so and keeps the text.
    await lead.getByLabel('Text', { exact: true }).fill("Hi {{visitor.firstname}}, I've emailed you a label.");
    await lead.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => lead.getByText('Not a placeholder the reply can fill: {{visitor.firstname}}.').isVisible(), POLL).toBe(true);
    await lead.getByLabel('Text', { exact: true }).fill("Hi {{visitor.first_name | there}}, {{agent.name}} here. I've emailed you a **prepaid return label**. Drop the parcel at any post office.");
    await lead.getByRole('button', { name: 'Add', exact: true }).click();
    await expect.poll(() => lead.getByRole('rowheader', { name: '/return-label' }).isVisible(), POLL).toBe(true);
    await lead.screenshot({ path: screenshotPath('console-02-admin-canned') });

    await lead.getByRole('link', { name: 'Routing' }).click();
    // A wrong value is marked, and its error is read out with the field.
    const capacity = lead.getByLabel('Default capacity');
    const capacityBefore = await capacity.inputValue();
    await capacity.fill('0');
    await lead.getByRole('button', { name: 'Save routing' }).click();
    const description = () =>
      capacity.evaluate((el) => {
        const root = el.getRootNode() as ShadowRoot;
        return (el.getAttribute('aria-describedby') ?? '').split(' ').map((id) => root.getElementById(id)?.textContent).join(' ');
      });
    await expect.poll(description, POLL).toContain('A whole number from 1 to 100.');
    await capacity.fill(capacityBefore);
    // Editing the field takes its error away: it was about the old value.
    await expect.poll(description, POLL).not.toContain('A whole number from 1 to 100.');
    await lead.getByLabel('Manual: agents claim from the queue').check();
    await lead.getByLabel('Hand-off keywords').fill('refund\ncomplaint');
    await lead.getByLabel('Visitor attributes').fill('plan=vip');
    // The weekly schedule: Monday with a lunch break (two ranges), saved and read back, then
    // switched off again, so that the rest of the test does not depend on the clock.
    await lead.getByLabel(/Only offer a person during business hours/).check();
    await lead.getByLabel('Time zone').selectOption('Europe/Berlin');
    await lead.getByLabel('Open on Saturday').check();
    await lead.getByLabel('Monday until', { exact: true }).fill('12:00');
    await lead.getByRole('button', { name: 'Add hours on Monday' }).click();
    await lead.getByLabel('Monday from, hours 2').fill('13:00');
    await lead.getByLabel('Monday until, hours 2').fill('17:30');
    await lead.setViewportSize({ width: 1440, height: 1500 });
    await lead.screenshot({ path: screenshotPath('console-03-admin-routing') });
    await lead.setViewportSize({ width: 1440, height: 900 });
    await lead.getByRole('button', { name: 'Save routing' }).click();
    await expect.poll(() => lead.getByText('Routing saved.').isVisible(), POLL).toBe(true);
    await lead.reload();
    await lead.getByRole('link', { name: 'Routing' }).click();
    const monday = ['Monday from', 'Monday until', 'Monday from, hours 2', 'Monday until, hours 2'];
    await expect.poll(() => Promise.all(monday.map((label) => lead.getByLabel(label, { exact: true }).inputValue())), POLL).toEqual([
      '09:00',
      '12:00',
      '13:00',
      '17:30',
    ]);
    await lead.getByLabel(/Only offer a person during business hours/).uncheck();
    await lead.getByRole('button', { name: 'Save routing' }).click();
    await expect.poll(() => lead.getByText('Routing saved.').isVisible(), POLL).toBe(true);
    // Said beside the button, on screen: atop this tall page it was above the fold (a probe).
    const said = (await lead.getByText('Routing saved.').boundingBox())!;
    const button = (await lead.getByRole('button', { name: 'Save routing' }).boundingBox())!;
    expect([said.y >= 0, said.y + said.height <= 900, Math.abs(said.y - button.y) < button.height]).toEqual([true, true, true]);
    await lead.getByRole('link', { name: 'Inbox' }).click();
  });

  it('shows the second agent the team with presence and load', async () => {
    await signInToConsole(sam, server.url, SECOND);
    const team = sam.getByRole('list', { name: 'Team' });
    await expect.poll(() => team.textContent(), POLL).toContain(ADMIN_RENAMED);
    await expect.poll(() => team.textContent(), POLL).toMatch(/Sam \(you\)/);
    // Sam steps away; Lena sees it live.
    await sam.getByLabel('My status').selectOption('away');
    await expect.poll(() => lead.getByRole('list', { name: 'Team' }).textContent(), POLL).toMatch(/Sam, Away/);
    // A reload keeps him Away, and his console says so (it said Online while routing passed him by).
    await sam.reload();
    await expect.poll(() => sam.getByRole('list', { name: 'Team' }).textContent(), POLL).toMatch(/Sam \(you\)/);
    await expect.poll(() => sam.getByLabel('My status').inputValue(), POLL).toBe('away');
    expect(await lead.getByRole('list', { name: 'Team' }).textContent()).toMatch(/Sam, Away/);
  });

  it('lists three visitors live, searches them, and files a message left for the team under Offline', async () => {
    ada = await openVisitor(browser, server.url);
    bo = await openVisitor(browser, server.url);
    cy = await openVisitor(browser, server.url);
    await ask(ada, 'How do I return an item?');
    await expect.poll(() => ada.getByRole('log').getByRole('link').count(), POLL).toBeGreaterThan(0);
    await ada.getByRole('log').getByRole('button', { name: 'Helpful' }).first().click();
    await ask(bo, 'Can I pay with seashells?');
    await ask(ada, 'I want to talk to a person');
    await expect.poll(() => ada.getByText(/#1 in the queue/).isVisible(), POLL).toBe(true);
    await ask(cy, 'I need a refund for a broken kettle');
    await expect.poll(() => tabCount(lead, 'Queued'), POLL).toBe(2);
    await expect.poll(() => tabCount(lead, 'AI-handled'), POLL).toBe(1);
    // New arrivals are counted in the tab title.
    await expect.poll(() => lead.title(), POLL).toMatch(/^\(2\) /);
    await lead.screenshot({ path: screenshotPath('console-04-inbox') });

    // Search by message text; the result opens like any conversation.
    await lead.keyboard.press('/');
    await lead.keyboard.type('kettle');
    await lead.keyboard.press('Enter');
    const results = lead.getByRole('region', { name: 'Search results' });
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toBe('1 conversation for “kettle”');
    // The results stand in for the tab panel: no tab points at a panel that is not there.
    expect(await lead.getByRole('tab', { name: /Queued/ }).getAttribute('aria-controls')).toBeNull();
    await results.getByRole('button').first().click();
    await expect.poll(() => lead.getByRole('log', { name: 'Transcript' }).textContent(), POLL).toContain('broken kettle');
    await expect.poll(() => lead.getByText('A routing rule sent it to people').isVisible(), POLL).toBe(true);
    // Other dates for the search on screen: it runs again (Search stays a submit button).
    // Two days ahead: the day is read in the site's time zone (Berlin, set above), so "tomorrow" in
    // UTC still held this conversation between 23:00 and midnight UTC.
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
    await lead.getByLabel('Started on or after').fill(later);
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toMatch(/^0 conversations/);
    await lead.getByLabel('Started on or after').fill('');
    await lead.getByRole('button', { name: 'Search', exact: true }).click();
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toBe('1 conversation for “kettle”');
    await lead.getByRole('button', { name: 'Clear' }).click();
    await expect.poll(() => results.isVisible(), POLL).toBe(false);

    // The whole team steps away: Bo's widget offers to leave a message, which waits under Offline.
    await lead.getByLabel('My status').selectOption('away');
    const leave = bo.getByRole('button', { name: 'Leave a message' });
    await expect.poll(() => leave.isVisible(), POLL).toBe(true);
    await leave.click();
    const form = bo.getByRole('form', { name: 'Leave a message' });
    await form.getByRole('textbox', { name: 'Message' }).fill('Please call me back about a bulk order.');
    await form.getByRole('textbox', { name: 'Email' }).fill('bo@example.com');
    await form.getByRole('button', { name: 'Submit' }).click();
    await expect.poll(() => bo.getByText(/We'll reply by email/).isVisible(), POLL).toBe(true);
    await lead.getByLabel('My status').selectOption('online');
    await expect.poll(() => tabCount(lead, 'Offline'), POLL).toBe(1);
    await lead.getByRole('tab', { name: /Offline/ }).click();
    await lead.getByRole('tabpanel').getByRole('button').first().click();
    await expect.poll(() => lead.getByRole('link', { name: /bo@example.com/ }).isVisible(), POLL).toBe(true);
    // Found by the address the visitor left, and named by it, unverified.
    await lead.keyboard.press('/');
    await lead.keyboard.type('bo@example.com');
    await lead.keyboard.press('Enter');
    await expect.poll(() => results.getByRole('status').textContent(), POLL).toBe('1 conversation for “bo@example.com”');
    await expect.poll(() => results.getByRole('button').first().textContent(), POLL).toContain('bo@example.com');
    await lead.getByRole('button', { name: 'Clear' }).click();
    await lead.getByRole('tab', { name: /Queued/ }).click();
  });

  it('the first agent claims the visitor who asked, sees the AI turns and sources, and transfers to the second', async () => {
    const queue = lead.getByRole('tabpanel');
    await queue.getByRole('button', { name: /How do I return|talk to a person/ }).first().click();
    const log = lead.getByRole('log', { name: 'Transcript' });
    await expect.poll(() => log.textContent(), POLL).toContain('How do I return an item?');
    expect(await log.getByRole('link').count()).toBeGreaterThan(0);
    expect(await log.textContent()).toContain('Visitor: 👍 helpful');
    await lead.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => ada.getByText(new RegExp(ADMIN_RENAMED)).first().isVisible(), POLL).toBe(true);
    await expect.poll(() => tabCount(lead, 'Mine'), POLL).toBe(1);
    // Claiming puts the cursor in the reply box...
    await expect.poll(() => focused(lead), POLL).toBe('reply');

    // ...but a dropped connection coming back must not pull the keys from wherever the agent is.
    await lead.getByRole('searchbox', { name: 'Search conversations' }).focus();
    const sockets = await lead.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.length);
    await lead.evaluate(() => {
      for (const socket of (window as unknown as { __sockets: WebSocket[] }).__sockets) socket.close();
    });
    await expect
      .poll(() => lead.evaluate(() => (window as unknown as { __sockets: WebSocket[] }).__sockets.length), POLL)
      .toBeGreaterThan(sockets);
    await expect.poll(() => lead.getByRole('textbox', { name: 'Reply to the visitor' }).isEnabled(), POLL).toBe(true);
    expect(await focused(lead)).toBe('Search conversations');

    // Nobody to transfer to yet: the menu says so, and Escape still closes it, focus on Transfer.
    const transfer = lead.getByRole('button', { name: 'Transfer' });
    await transfer.click();
    await expect.poll(() => lead.getByText('No teammate is online.').isVisible(), POLL).toBe(true);
    await lead.keyboard.press('Escape');
    await expect.poll(() => lead.getByRole('menu', { name: 'Transfer to' }).count(), POLL).toBe(0);
    expect(await transfer.evaluate((b) => (b.getRootNode() as ShadowRoot).activeElement === b)).toBe(true);
    // By keys alone: Escape takes the keys out of the reply box, `t` opens the menu and Escape
    // closes it again (opened by `t` with nobody listed, nothing inside had the focus: it stayed open).
    await lead.getByRole('textbox', { name: 'Reply to the visitor' }).focus();
    await lead.keyboard.press('Escape');
    expect(await focused(lead)).not.toBe('reply');
    await lead.keyboard.press('t');
    await expect.poll(() => lead.getByText('No teammate is online.').isVisible(), POLL).toBe(true);
    await lead.keyboard.press('Escape');
    await expect.poll(() => lead.getByRole('menu', { name: 'Transfer to' }).count(), POLL).toBe(0);

    await sam.getByLabel('My status').selectOption('online');
    await transfer.click();
    await expect.poll(() => lead.getByRole('menuitem', { name: /Sam/ }).isVisible(), POLL).toBe(true);
    await lead.screenshot({ path: screenshotPath('console-05-transfer-menu') });
    await lead.getByRole('menuitem', { name: /Sam/ }).click();
    await expect.poll(() => tabCount(lead, 'Mine'), POLL).toBe(0);
    await expect.poll(() => tabCount(sam, 'Mine'), POLL).toBe(1);
    await expect.poll(() => ada.getByText(/Sam/).first().isVisible(), POLL).toBe(true);
    // Sam's console was not in front: a desktop notification says the conversation is now his.
    await expect
      .poll(() => sam.evaluate(() => (window as unknown as { __notifications: string[] }).__notifications), POLL)
      .toContainEqual(expect.stringMatching(/is now yours/));
  });

  it('the second agent answers with a canned reply and a note the visitor never sees, then closes', async () => {
    // Lena turns to the queue: her console no longer follows the team's rows, nor watches Ada's.
    await lead.getByRole('tab', { name: /Queued/ }).click();
    await lead.getByRole('tabpanel').getByRole('button', { name: /broken kettle/ }).click();
    await expect.poll(() => lead.getByRole('log', { name: 'Transcript' }).textContent(), POLL).toContain('broken kettle');
    await sam.getByRole('tab', { name: /Mine/ }).click();
    await sam.getByRole('tabpanel').getByRole('button').first().click();
    const log = sam.getByRole('log', { name: 'Transcript' });
    await expect.poll(() => log.textContent(), POLL).toContain('I want to talk to a person');

    // The visitor asks again; the AI drafts the answer for Sam to check and send.
    await ask(ada, 'When will I get my refund?');
    await expect.poll(() => log.textContent(), POLL).toContain('When will I get my refund?');
    const reply = sam.getByRole('textbox', { name: 'Reply to the visitor' });
    await sam.getByRole('button', { name: /AI draft/ }).click();
    const hint = sam.locator('support-console-composer .hint');
    await expect.poll(async () => (await reply.inputValue()) || (await hint.textContent())?.match(/No AI draft.*/)?.[0], POLL).toMatch(/refund/i);
    await expect.poll(() => sam.getByText(/AI draft based on/).isVisible(), POLL).toBe(true);
    await sam.screenshot({ path: screenshotPath('console-06-ai-draft') });
    await reply.press('End');
    await reply.pressSequentially(' Anything else I can do?');
    await reply.press('Enter');
    await expect.poll(() => ada.getByRole('log').textContent(), POLL).toContain('Anything else I can do?');
    await expect.poll(() => log.textContent(), POLL).toContain('Anything else I can do?');

    await reply.click();
    await reply.pressSequentially('/ret', { delay: 20 });
    await expect.poll(() => sam.getByRole('option', { name: /return-label/ }).isVisible(), POLL).toBe(true);
    await sam.screenshot({ path: screenshotPath('console-07-canned-menu') });
    await reply.press('Enter');
    // Its placeholders are filled as it goes in: Ada gave no name, so the fallback stands in.
    expect(await reply.inputValue()).toMatch(/^Hi there, Sam here\. I've emailed you a \*\*prepaid return label\*\*/);
    await reply.press('Enter');
    await expect.poll(() => ada.getByRole('log').textContent(), POLL).toContain('prepaid return label');

    await sam.getByRole('button', { name: 'Internal note' }).click();
    const note = sam.getByRole('textbox', { name: /Internal note/ });
    await note.fill('Kettle order #1042, already refunded once.');
    await note.press('Enter');
    await expect.poll(() => log.getByText('Only agents see this').first().isVisible(), POLL).toBe(true);
    await ada.waitForTimeout(300);
    expect(await ada.getByRole('log').textContent()).not.toContain('Kettle order');

    // Lena opens the Team tab: Ada's row shows Sam's latest reply, written while her console
    // showed only the queue (it lists the team's rows once when it starts following them).
    await lead.getByRole('tab', { name: /Team/ }).click();
    await expect
      .poll(() => lead.getByRole('tabpanel').locator('.preview').allTextContents(), POLL)
      .toEqual([expect.stringContaining('prepaid return label')]);

    // The visitor has the chat open, but Sam's long answer is taller than it: her chat shows its
    // start, the replies after it are below the fold, and are not "Seen" until she scrolls down.
    const answer = log.getByRole('listitem').filter({ hasText: 'prepaid return label' });
    await ada.waitForTimeout(1500); // longer than the widget's read throttle
    expect(await answer.getByText('Seen', { exact: true }).count()).toBe(0);
    await ada.locator('support-chat .log').evaluate((l) => (l.scrollTop = l.scrollHeight));
    await expect.poll(() => answer.getByText('Seen', { exact: true }).isVisible(), POLL).toBe(true);
    await sam.screenshot({ path: screenshotPath('console-08-conversation') });

    // Keyboard: "?" lists the shortcuts, "e" closes (neither fires while typing).
    await log.click();
    await sam.keyboard.press('?');
    await expect.poll(() => sam.getByRole('dialog', { name: 'Keyboard shortcuts' }).isVisible(), POLL).toBe(true);
    await sam.keyboard.press('Escape');
    // A reply written and not sent: "e" asks first (it closed, and the reply never went).
    await sam.getByRole('button', { name: 'Reply', exact: true }).click();
    await reply.fill('One more thing:');
    await reply.press('Escape');
    const asked: string[] = [];
    sam.once('dialog', (dialog) => (asked.push(dialog.message()), void dialog.dismiss()));
    await sam.keyboard.press('e');
    await expect.poll(() => asked, POLL).toEqual([expect.stringContaining('Your reply has not been sent')]);
    await sam.waitForTimeout(300);
    expect(await tabCount(sam, 'Mine')).toBe(1);
    sam.once('dialog', (dialog) => void dialog.accept());
    await sam.keyboard.press('e');
    await expect.poll(() => ada.getByText(/conversation has ended/i).first().isVisible(), POLL).toBe(true);
    // Everything sent before the close has reached Ada by now: a leaked note would show.
    expect(await ada.getByRole('log').textContent()).not.toContain('Kettle order');
    await expect.poll(() => tabCount(sam, 'Mine'), POLL).toBe(0);
  });

  it('shows the visitor’s rating in the console and the reports', async () => {
    await rate(ada, 5, 'Quick and kind, thank you!');
    await sam.getByRole('tab', { name: /Closed/ }).click();
    await expect.poll(() => sam.getByText('5 / 5').isVisible(), POLL).toBe(true);
    await sam.screenshot({ path: screenshotPath('console-09-closed-rated') });

    await lead.getByRole('link', { name: 'Reports' }).click();
    await expect.poll(() => lead.getByRole('img', { name: /Conversations per day/ }).isVisible(), POLL).toBe(true);
    await expect.poll(() => lead.getByText('CSAT average').isVisible(), POLL).toBe(true);
    await expect.poll(() => lead.getByRole('img', { name: /Ratings: 5 ★ 1/ }).isVisible(), POLL).toBe(true);
    await expect.poll(() => lead.getByRole('img', { name: /Answer ratings: Helpful 1, Not helpful 0/ }).isVisible(), POLL).toBe(true);
    // The page scrolls inside the console: a tall window shows all of it.
    await lead.setViewportSize({ width: 1440, height: 1800 });
    await lead.screenshot({ path: screenshotPath('console-10-reports') });
    await lead.getByLabel('Show data tables').check();
    await lead.screenshot({ path: screenshotPath('console-11-reports-tables') });
    await lead.setViewportSize({ width: 1440, height: 900 });

    // A knowledge gap links to the conversation where it was asked.
    await lead.getByRole('link', { name: 'Can I pay with seashells?' }).click();
    await expect.poll(() => lead.getByRole('log', { name: 'Transcript' }).textContent(), POLL).toContain('Can I pay with seashells?');
    expect(await lead.getByRole('link', { name: 'Inbox' }).getAttribute('aria-current')).toBe('page');
  });

  it('reopens a closed conversation and hands it back to the AI', async () => {
    await sam.getByRole('button', { name: 'Reopen' }).click();
    await expect.poll(() => sam.getByText('Assigned to you').isVisible(), POLL).toBe(true);
    await expect.poll(() => tabCount(sam, 'Mine'), POLL).toBe(1);
    await sam.getByRole('button', { name: 'Hand back to AI' }).click();
    await expect.poll(() => tabCount(sam, 'Mine'), POLL).toBe(0);
    await expect.poll(() => sam.getByRole('button', { name: 'Take over' }).isVisible(), POLL).toBe(true);
    await expect.poll(() => ada.getByText(/AI assistant is back/).first().isVisible(), POLL).toBe(true);
  });

  it('lets an agent take over a chat whose colleague stepped away, and not once they are back', async () => {
    // Lena claims Cy (the broken kettle, still waiting), then steps away.
    await lead.getByRole('tab', { name: /Queued/ }).click();
    await lead.getByRole('tabpanel').getByRole('button').first().click();
    await expect.poll(() => lead.getByRole('log', { name: 'Transcript' }).textContent(), POLL).toContain('broken kettle');
    await lead.getByRole('button', { name: 'Claim' }).click();
    await expect.poll(() => tabCount(lead, 'Mine'), POLL).toBe(1);
    await lead.getByLabel('My status').selectOption('away');

    // Sam, an agent, not an admin, finds it under Team: he is told why he may act, and can.
    await sam.getByRole('tab', { name: /Team/ }).click();
    // The row says whose it is, and that she is away.
    const row = sam.getByRole('tabpanel').getByRole('button', { name: /broken kettle/ });
    await expect.poll(() => row.locator('.badge').textContent(), POLL).toBe(`${ADMIN_RENAMED} · away`);
    await row.click();
    await expect.poll(() => sam.getByText(`Assigned to ${ADMIN_RENAMED}, who is away`).isVisible(), POLL).toBe(true);
    expect(await sam.getByRole('button', { name: 'Close', exact: true }).isEnabled()).toBe(true);
    await sam.screenshot({ path: screenshotPath('console-12-away-colleague') });
    // While Lena is back, he cannot; away again, he transfers it to himself and answers.
    await lead.getByLabel('My status').selectOption('online');
    await expect.poll(() => sam.getByRole('button', { name: 'Close', exact: true }).isEnabled(), POLL).toBe(false);
    await lead.getByLabel('My status').selectOption('away');
    await expect.poll(() => sam.getByRole('button', { name: 'Transfer' }).isEnabled(), POLL).toBe(true);
    await sam.getByRole('button', { name: 'Transfer' }).click();
    await sam.getByRole('menuitem', { name: /Sam/ }).click();
    await expect.poll(() => sam.getByText('Assigned to you').isVisible(), POLL).toBe(true);
    await expect.poll(() => tabCount(sam, 'Mine'), POLL).toBe(1);
    await expect.poll(() => cy.getByText(/Sam/).first().isVisible(), POLL).toBe(true);
    await lead.getByLabel('My status').selectOption('online');
  });

  it('sends what a visitor writes after the close while the rating form has its comment box open', async () => {
    // Cy, who asked about the broken kettle, is Sam's now (the test before).
    await sam.getByRole('tab', { name: /Mine/ }).click();
    await sam.getByRole('tabpanel').getByRole('button').first().click();
    await expect.poll(() => sam.getByRole('log', { name: 'Transcript' }).textContent(), POLL).toContain('broken kettle');
    await sam.getByRole('button', { name: 'Close', exact: true }).click();
    await expect.poll(() => cy.getByText(/conversation has ended/i).first().isVisible(), POLL).toBe(true);
    await cy.getByRole('group', { name: 'How was this conversation?' }).getByRole('radio', { name: '2 of 5' }).locator('..').click();
    await expect.poll(() => cy.getByRole('textbox', { name: 'Comment (optional)' }).isVisible(), POLL).toBe(true);
    await ask(cy, 'Actually, one more question about the kettle');
    await expect.poll(() => cy.getByRole('log').textContent(), POLL).toContain('one more question about the kettle');
  });
});
