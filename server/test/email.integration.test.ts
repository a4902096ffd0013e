/**
 * Email, where conversations continue (issue 13), against a real SMTP server on 127.0.0.1
 * (smtp-server; mailparser reads what arrived) through the real nodemailer transport: a left
 * message reaches the team, the team's reply reaches the visitor with a link that resumes the
 * conversation, a visitor away with an unread reply gets it, a transcript on request (in Chinese),
 * retries after refusals deliver once, and two processes draining one outbox send each email once.
 */
import { SignJWT } from 'jose';
import { io } from 'socket.io-client';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { ChatMessage } from '@support-chat/shared';
import type { ServerDeps } from '../src/app.js';
import { createRedisCoordination } from '../src/coordination/redis/index.js';
import { EmailOutbox } from '../src/email/email-outbox.js';
import { teamEmailId } from '../src/email/conversation-emails.js';
import { createSmtpMailer } from '../src/email/smtp-mailer.js';
import { createLogger } from '../src/logger.js';
import { PostgresStore } from '../src/store/postgres-store.js';
import type { EmailRecord } from '../src/store/types.js';
import { VisitorTokens } from '../src/auth/visitor-token.js';
import { connected, data, startTestServer, TEST_SECRET, type TestServer, type VisitorClient } from './harness.js';
import { postgresUnreachable, skipWithoutPostgres, testSchemas, TEST_DATABASE_URL } from './postgres.js';
import { redisUnreachable, skipWithoutRedis, testPrefixes, TEST_REDIS_URL } from './redis.js';
import { startTestSmtp, type TestSmtp } from './smtp.js';

const IDENTITY_SECRET = 'site-identity-secret-'.padEnd(40, 'k');
const FROM = 'Support <support@shop.test>';

let t: TestServer;
let smtp: TestSmtp;
afterEach(async () => {
  await t?.close();
  t = undefined as unknown as TestServer;
  await smtp?.close();
});

function emailSettings(overrides: Partial<NonNullable<ServerDeps['email']>> = {}): NonNullable<ServerDeps['email']> {
  return {
    mailer: createSmtpMailer({ url: smtp.url, secure: false }, FROM),
    team: ['team@shop.test', 'lead@shop.test'],
    awayMs: 60_000,
    replyDelayMs: 100,
    linkUrl: 'https://shop.test/help?from=mail',
    linkTtlMs: 3_600_000,
    publicUrl: 'https://chat.shop.test',
    outbox: { pollMs: 100, retryBaseMs: 50 },
    ...overrides,
  };
}

async function start(options: Parameters<typeof startTestServer>[0] = {}, email: Partial<NonNullable<ServerDeps['email']>> = {}): Promise<void> {
  smtp = await startTestSmtp();
  t = await startTestServer({ routing: { assignment: 'manual' }, ...options, email: emailSettings(email) });
}

async function agentOn(conversationId: string, name = 'Anna') {
  const agent = t.agent(await t.loginAgent(name));
  await connected(agent);
  data(await agent.emitWithAck('conversation:claim', { conversationId }));
  return {
    socket: agent,
    say: async (text: string) => data(await agent.emitWithAck('message:send', { conversationId, clientId: `a-${Math.random().toString(36).slice(2, 12)}`, text })).message,
  };
}

/** Waits until nothing more arrives for `ms` (the emails that should not come). */
async function quietFor(ms: number): Promise<number> {
  const before = smtp.received.length;
  await new Promise((r) => setTimeout(r, ms));
  return smtp.received.length - before;
}

function linkIn(text: string): URL {
  const found = /https:\/\/shop\.test\/help\S*/.exec(text);
  if (!found) throw new Error(`no link in:\n${text}`);
  return new URL(found[0]);
}

function resumeWith(token: string): VisitorClient {
  return io(`${t.url}/visitor`, { auth: { resume: token }, transports: ['websocket'], forceNew: true, reconnection: false });
}

describe('emails of a left message', () => {
  it('tells the team, sends the agent reply to the visitor, and its link resumes the conversation', async () => {
    await start();
    const visitor = t.visitor();
    await connected(visitor);
    const session = data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const text = 'My order <b>#42</b> & "gift" never arrived.\nPlease email me.';
    const left = data(await visitor.emitWithAck('offline:leave', { clientId: 'leave-0001', email: 'Eve@Example.com', name: 'Eve <script>', text }));

    const [team] = await smtp.waitFor(1);
    expect(team!.to).toEqual(['team@shop.test', 'lead@shop.test']);
    expect(team!.from).toBe('support@shop.test');
    expect(team!.parsed.subject).toBe('New message from Eve <script>');
    expect(team!.parsed.replyTo?.text).toBe('eve@example.com');
    expect(team!.parsed.text).toContain(text);
    expect(team!.parsed.text).toContain('https://chat.shop.test/console');
    const html = String(team!.parsed.html);
    expect(html).toContain('My order &#60;b&#62;#42&#60;/b&#62; &#38; &#34;gift&#34; never arrived.');
    expect(html).toContain('Eve &#60;script&#62;');
    expect(html).not.toMatch(/<b>|<script>/);
    // More left in the same conversation: the team was told, they wait in the console with it.
    for (const n of [2, 3]) data(await visitor.emitWithAck('offline:leave', { clientId: `leave-000${n}`, email: 'Eve@Example.com', name: `Urgent ${n}`, text: `again ${n}` }));
    expect(await quietFor(400)).toBe(0);

    // The visitor leaves; the agent answers in the console.
    visitor.disconnect();
    const anna = await agentOn(left.conversation.id);
    const reply = await anna.say('Hi Eve, it ships <i>today</i>.');
    const [, mail] = await smtp.waitFor(2);
    expect(mail!.to).toEqual(['eve@example.com']);
    expect(mail!.parsed.subject).toBe('Anna replied to your message');
    expect(mail!.parsed.text).toContain('Hi Eve, it ships <i>today</i>.');
    expect(String(mail!.parsed.html)).toContain('Hi Eve, it ships &#60;i&#62;today&#60;/i&#62;.');
    expect(mail!.parsed.text).not.toContain(text); // only what the visitor has not seen
    const link = linkIn(mail!.parsed.text!);
    expect(link.pathname + link.search).toBe('/help?from=mail');
    const token = /^#sc-resume=(r2\.[\w.-]+)$/.exec(link.hash)?.[1];
    expect(token).toBeDefined();
    expect(String(mail!.parsed.html)).toContain(`href="${link.href}"`);

    // The link on another device: the same visitor, the same conversation, the reply in it.
    const elsewhere = resumeWith(token!);
    await connected(elsewhere);
    const resumed = data(await elsewhere.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(resumed.visitorId).toBe(session.visitorId);
    expect(resumed.conversation?.id).toBe(left.conversation.id);
    expect(resumed.messages.map((m: ChatMessage) => m.id)).toContain(reply.id);
    expect(resumed.token).not.toBe(token);
    // It is a visitor token the widget keeps; the link's token is not one.
    const kept = t.visitor(resumed.token);
    await connected(kept);
    expect(data(await kept.emitWithAck('conversation:resume', { afterSeq: 0 })).visitorId).toBe(session.visitorId);
    const forged = t.visitor(token);
    await connected(forged);
    expect(data(await forged.emitWithAck('conversation:resume', { afterSeq: 0 })).visitorId).not.toBe(session.visitorId);
    // The chat went with the link: the browser that left the message starts afresh (whoever had
    // the link mailed kept nothing to read the conversation with; a security probe).
    const sender = t.visitor(session.token);
    await connected(sender);
    const senderNow = data(await sender.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(senderNow.visitorId).not.toBe(session.visitorId);
    expect(senderNow.conversation).toBeNull();
    // …and is told where it went (the visitor's own second browser would be, too).
    expect(senderNow.welcome.en.greeting).toMatch(/^Your conversation continues in the browser where its emailed link was opened\./);
    sender.disconnect();
    // Nor for the files: the visitor's REST calls check the token the same way.
    const fileStatus = async (visitorToken: string) =>
      (await fetch(`${t.url}/api/visitor/attachments/${'a'.repeat(22)}`, { headers: { authorization: `Bearer ${visitorToken}` } })).status;
    expect(await fileStatus(session.token)).toBe(401);
    expect(await fileStatus(resumed.token)).toBe(404); // let in, and no such file
    // Anyone can have a link mailed to themselves and pass it on. A browser that chats as
    // another visitor keeps its own chat (a security probe's victim became the sender's visitor,
    // who then read what the victim wrote); one with no chat of its own takes the link.
    const withLink = (own: string, link = token) =>
      io(`${t.url}/visitor`, { auth: { resume: link, token: own }, transports: ['websocket'], forceNew: true, reconnection: false }) as VisitorClient;
    const victim = t.visitor();
    await connected(victim);
    const victimSession = data(await victim.emitWithAck('conversation:resume', { afterSeq: 0 }));
    data(await victim.emitWithAck('message:send', { clientId: 'own-chat-0001', text: 'My own question' }));
    const victimOpensLink = withLink(victimSession.token);
    await connected(victimOpensLink);
    const ownChat = data(await victimOpensLink.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(ownChat.visitorId).toBe(victimSession.visitorId);
    // …and is told why the link did not open its conversation.
    expect(ownChat.welcome.en.greeting).toMatch(/^This link is for a conversation started elsewhere; this browser keeps its own\./);
    const newcomer = t.visitor();
    await connected(newcomer);
    const newcomerSession = data(await newcomer.emitWithAck('conversation:resume', { afterSeq: 0 }));
    // The same link again, in another browser: mailed before the chat went where it is, it takes
    // nothing (whoever had a link mailed to themselves first would take the chat back with it).
    const newcomerWithOldLink = withLink(newcomerSession.token);
    await connected(newcomerWithOldLink);
    const refusedOld = data(await newcomerWithOldLink.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(refusedOld.visitorId).toBe(newcomerSession.visitorId);
    expect(refusedOld.welcome.en.greeting).toMatch(/^This link has expired or is not complete/);
    expect(kept.connected).toBe(true);
    // A link mailed since (the next reply's): taken again, the browser that had it is let go at
    // once, and its token opens it no more.
    const newer = new VisitorTokens(TEST_SECRET).issueResume(session.visitorId, Date.now() + 3_600_000, Date.now() + 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const keptGone = new Promise<string>((resolve) => kept.once('disconnect', resolve));
    const newcomerOpensLink = withLink(newcomerSession.token, newer);
    await connected(newcomerOpensLink);
    const taken = data(await newcomerOpensLink.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(taken.visitorId).toBe(session.visitorId);
    expect(await keptGone).toBe('io server disconnect');
    const before = t.visitor(resumed.token);
    await connected(before);
    expect(data(await before.emitWithAck('conversation:resume', { afterSeq: 0 })).visitorId).not.toBe(session.visitorId);
    // The browser let go comes back with the link it still holds and its old token: it does not
    // take the chat back (two browsers of one email took it from each other at every reconnect).
    // (A link dated after every move, so that only this rule can say no.)
    const comesBack = withLink(resumed.token, new VisitorTokens(TEST_SECRET).issueResume(session.visitorId, Date.now() + 3_600_000, Date.now() + 60_000));
    await connected(comesBack);
    const back = data(await comesBack.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(back.visitorId).not.toBe(session.visitorId);
    expect(newcomerOpensLink.connected).toBe(true);
    // A signed-in user's chat opens by signing in, never by a link (their emails carry none).
    const toSigned = resumeWith(new VisitorTokens(TEST_SECRET).issueResume(`u_${'x'.repeat(30)}`, Date.now() + 3_600_000, Date.now()));
    await connected(toSigned);
    const notSigned = data(await toSigned.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(notSigned.visitorId).not.toMatch(/^u_/);
    expect(notSigned.welcome.en.greeting).toMatch(/^This link has expired or is not complete/);
    for (const socket of [victim, victimOpensLink, newcomer, newcomerWithOldLink, newcomerOpensLink, before, comesBack, toSigned]) socket.disconnect();

    // An altered (or expired) link opened an empty chat without a word: the greeting says why.
    const altered = resumeWith(`${token!.slice(0, -2)}xx`);
    await connected(altered);
    const fresh = data(await altered.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(fresh.conversation).toBeNull();
    expect(fresh.welcome.en.greeting).toMatch(/^This link has expired or is not complete.*\n\nHi! Ask me anything/s);
    expect(fresh.welcome['zh-CN'].greeting).toMatch(/^此链接已过期或不完整/);
    expect(fresh.welcome.en.starters.length).toBeGreaterThan(0);
    altered.disconnect();
    // The link that works, and the same browser later without it: the greeting as the admin wrote it.
    expect(resumed.welcome.en.greeting).toMatch(/^Hi! Ask me anything/);
    const later = t.visitor(fresh.token);
    await connected(later);
    expect(data(await later.emitWithAck('conversation:resume', { afterSeq: 0 })).welcome.en.greeting).toMatch(/^Hi! Ask me anything/);
    later.disconnect();
    // A browser that opened the widget without writing has a token but no chat: told all the same (a re-test).
    const idle = t.visitor();
    await connected(idle);
    const idleSession = data(await idle.emitWithAck('conversation:resume', { afterSeq: 0 }));
    idle.disconnect();
    const idleWithLink = io(`${t.url}/visitor`, { auth: { resume: `${token!.slice(0, -2)}xx`, token: idleSession.token }, transports: ['websocket'], forceNew: true, reconnection: false }) as VisitorClient;
    await connected(idleWithLink);
    expect(data(await idleWithLink.emitWithAck('conversation:resume', { afterSeq: 0 })).welcome.en.greeting).toMatch(/^This link has expired or is not complete/);
    idleWithLink.disconnect();
    // A tab left open past its link's expiry reconnects with the link and its own token: no notice.
    const expired = new VisitorTokens(TEST_SECRET).issueResume(session.visitorId, Date.now() - 60_000, Date.now() - 120_000);
    const stale = io(`${t.url}/visitor`, { auth: { resume: expired, token: taken.token }, transports: ['websocket'], forceNew: true, reconnection: false }) as VisitorClient;
    await connected(stale);
    expect(data(await stale.emitWithAck('conversation:resume', { afterSeq: 0 })).welcome.en.greeting).toMatch(/^Hi! Ask me anything/);
    stale.disconnect();
    elsewhere.disconnect();
    expect(await quietFor(400)).toBe(0);
    const stored = await t.store.getEmail(`reply:${left.conversation.id}:${reply.seq}`);
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, kind: 'agent_reply' });
  });

  it('links to the page without a key to the conversation when links are off (MAIL_LINK_TTL_HOURS=0)', async () => {
    // The address a visitor leaves is not verified: a site may not want a resume token mailed there.
    await start({}, { linkTtlMs: 0 });
    const visitor = t.visitor();
    await connected(visitor);
    const left = data(await visitor.emitWithAck('offline:leave', { clientId: 'leave-0009', email: 'eve@example.com', text: 'Is my order late?' }));
    await smtp.waitFor(1);
    visitor.disconnect();
    await (await agentOn(left.conversation.id)).say('It ships today.');
    const [, mail] = await smtp.waitFor(2);
    expect(mail!.to).toEqual(['eve@example.com']);
    expect(linkIn(mail!.parsed.text!).href).toBe('https://shop.test/help?from=mail');
    expect(`${mail!.parsed.text}${String(mail!.parsed.html)}`).not.toMatch(/sc-resume|expires|hours/);
  });

  it('retries a refusing server with backoff and delivers once; a 5xx ends it', async () => {
    await start();
    smtp.refuse(2, 451);
    const visitor = t.visitor();
    await connected(visitor);
    const left = data(await visitor.emitWithAck('offline:leave', { clientId: 'leave-0002', email: 'eve@example.com', text: 'Call me back' }));
    await smtp.waitFor(1);
    expect(smtp.attempts).toBe(3);
    expect(await quietFor(400)).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const sent = await t.store.getEmail(teamEmailId(left.conversation, left.message.createdAt));
    expect(sent).toMatchObject({ status: 'sent', attempts: 3, lastError: null });

    smtp.refuse(1, 550);
    const other = t.visitor();
    await connected(other);
    const second = data(await other.emitWithAck('offline:leave', { clientId: 'leave-0003', email: 'bo@example.com', text: 'Hello?' }));
    await expect.poll(async () => (await t.store.getEmail(teamEmailId(second.conversation, second.message.createdAt)))?.status).toBe('failed');
    expect(await t.store.getEmail(teamEmailId(second.conversation, second.message.createdAt))).toMatchObject({ attempts: 1, lastError: expect.stringContaining('550') });
    expect(smtp.attempts).toBe(4);
    expect(smtp.received).toHaveLength(1);
  });
});

describe('a visitor away with an unread reply', () => {
  it('gets it by email once away for the set time, with only what they have not read; not while there', async () => {
    await start({ identitySecret: IDENTITY_SECRET }, { awayMs: 300 });
    const user = await new SignJWT({ sub: 'user-7', email: 'ada@example.com', name: 'Ada' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(new TextEncoder().encode(IDENTITY_SECRET));
    let visitor = t.visitorAs(user);
    await connected(visitor);
    data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 }));
    data(await visitor.emitWithAck('message:send', { clientId: 'ada-000001', text: 'Can I change my delivery address?' }));
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    const anna = await agentOn(conversation.id);

    // There and reading: no email.
    const first = await anna.say('Yes, which address?');
    expect(await quietFor(700)).toBe(0);

    // Gone without reading it: after the away time, the reply.
    visitor.disconnect();
    const [mail] = await smtp.waitFor(1, 3000);
    expect(mail!.to).toEqual(['ada@example.com']);
    expect(mail!.parsed.text).toContain(first.text);
    // Another reply while away: its own email, without the first.
    const second = await anna.say('Also: your parcel leaves tomorrow.');
    const [, next] = await smtp.waitFor(2, 3000);
    expect(next!.parsed.text).toContain(second.text);
    expect(next!.parsed.text).not.toContain(first.text);

    // Back, reads everything, leaves: nothing unread, nothing sent.
    visitor = t.visitorAs(user);
    await connected(visitor);
    const third = await anna.say('Anything else?');
    data(await visitor.emitWithAck('conversation:read', { seq: third.seq }));
    visitor.disconnect();
    expect(await quietFor(700)).toBe(0);
  });
});

describe('the transcript by email', () => {
  it('is sent once the conversation closed, in its language, once per conversation', async () => {
    await start();
    const visitor = io(`${t.url}/visitor`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { 'accept-language': 'zh-CN,zh;q=0.9' } }) as VisitorClient;
    await connected(visitor);
    expect(data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 })).emails).toBe(true);
    data(await visitor.emitWithAck('message:send', { clientId: 'zh-0000001', text: '我的订单什么时候发货？' }));
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    const anna = await agentOn(conversation.id);
    await anna.say('明天发货 <b>谢谢</b>');
    const ask = (email?: string) => visitor.emitWithAck('conversation:transcript', { conversationId: conversation.id, ...(email ? { email } : {}) });

    expect(await ask('zhang@example.com')).toMatchObject({ ok: false, error: { code: 'invalid_state' } });
    data(await anna.socket.emitWithAck('conversation:close', { conversationId: conversation.id }));
    expect(await ask()).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await ask('not-an-address')).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
    expect(await visitor.emitWithAck('conversation:transcript', { conversationId: 'someone-else' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // The widget's way: the address with the rating.
    data(await visitor.emitWithAck('conversation:rate', { conversationId: conversation.id, score: 5, email: 'Zhang@Example.com' }));
    data(await ask('other@example.com'));

    const [mail] = await smtp.waitFor(1);
    expect(mail!.to).toEqual(['zhang@example.com']);
    expect(mail!.parsed.subject).toBe('您与我们的对话记录');
    expect(mail!.parsed.text).toContain('您:\n我的订单什么时候发货？');
    expect(mail!.parsed.text).toContain('Anna:\n明天发货 <b>谢谢</b>');
    expect(String(mail!.parsed.html)).toContain('明天发货 &#60;b&#62;谢谢&#60;/b&#62;');
    // A record, not a key: it went to an address the visitor typed, which no one verified.
    expect(mail!.parsed.text).not.toContain('继续对话');
    expect(`${mail!.parsed.text}${String(mail!.parsed.html)}`).not.toContain('sc-resume');
    expect(await quietFor(300)).toBe(0);
  });

  it('is refused when the server sends no email, and a rating asking for it is refused whole', async () => {
    smtp = await startTestSmtp();
    t = await startTestServer();
    const visitor = t.visitor();
    await connected(visitor);
    // The widget offers no transcript field then.
    expect(data(await visitor.emitWithAck('conversation:resume', { afterSeq: 0 })).emails).toBe(false);
    expect(await visitor.emitWithAck('conversation:transcript', { conversationId: 'x', email: 'a@example.com' })).toMatchObject({
      ok: false,
      error: { code: 'unavailable' },
    });
    data(await visitor.emitWithAck('message:send', { clientId: 'nomail-0001', text: 'Where is my parcel?' }));
    const { conversation } = data(await visitor.emitWithAck('handoff:request', {}));
    const agent = t.agent(await t.loginAgent('Anna'));
    await connected(agent);
    data(await agent.emitWithAck('conversation:claim', { conversationId: conversation.id }));
    data(await agent.emitWithAck('conversation:close', { conversationId: conversation.id }));
    // Not stored and refused (the visitor would otherwise read "rated" and get no email, or an
    // error for a rating that was kept): the same rating without the address is taken.
    const rate = (email?: string) => visitor.emitWithAck('conversation:rate', { conversationId: conversation.id, score: 4, ...(email ? { email } : {}) });
    expect(await rate('me@example.com')).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    expect((await t.store.getConversation(conversation.id))?.rating ?? null).toBeNull();
    expect(data(await rate()).conversation.rating).toMatchObject({ score: 4 });
  });
});

const pgDown = await postgresUnreachable();
const redisDown = await redisUnreachable();
const schemas = testSchemas();
const prefixes = testPrefixes();
afterAll(async () => {
  if (!pgDown) await schemas.dropAll();
  if (!redisDown) await prefixes.dropAll();
});

describe.skipIf(skipWithoutPostgres('email outbox across processes', pgDown) || skipWithoutRedis('email outbox across processes', redisDown))(
  'one outbox, two processes',
  () => {
    it('sends each email once when two processes drain it (PostgreSQL, Redis leases)', async () => {
      smtp = await startTestSmtp();
      const schema = schemas.schema();
      const logger = createLogger('silent');
      const [storeA, storeB] = await Promise.all([PostgresStore.open(TEST_DATABASE_URL, { schema, max: 4 }), PostgresStore.open(TEST_DATABASE_URL, { schema, max: 4 })]);
      const prefix = prefixes.prefix();
      const [coordA, coordB] = await Promise.all(['a', 'b'].map((nodeId) => createRedisCoordination({ url: TEST_REDIS_URL, prefix, nodeId, logger })));
      const mailer = createSmtpMailer({ url: smtp.url, secure: false }, FROM);
      const render = async (email: EmailRecord) => ({ to: ['x@example.com'], subject: email.id, text: email.id, html: `<p>${email.id}</p>`, messageId: `<${email.id}@shop.test>` });
      const clock = { now: () => Date.now() };
      smtp.refuse(3, 421);
      for (let i = 0; i < 12; i++) {
        await storeA.enqueueEmail({ id: `e${i}`, kind: 'transcript', conversationId: `c${i}`, to: null, fromSeq: 0, throughSeq: 1, status: 'pending', attempts: 0, nextAttemptAt: 0, createdAt: 0, sentAt: null, lastError: null });
      }
      const outboxes = [
        new EmailOutbox({ store: storeA, leases: coordA!.leases, mailer, render, clock, logger }, { pollMs: 20, retryBaseMs: 30 }),
        new EmailOutbox({ store: storeB, leases: coordB!.leases, mailer, render, clock, logger }, { pollMs: 20, retryBaseMs: 30 }),
      ];
      try {
        for (const outbox of outboxes) outbox.start();
        await smtp.waitFor(12, 8000);
        expect(await quietFor(300)).toBe(0);
        expect(smtp.received.map((m) => m.parsed.subject).sort()).toEqual(Array.from({ length: 12 }, (_, i) => `e${i}`).sort());
        expect(smtp.attempts).toBe(15);
        expect(await storeB.dueEmails(Date.now() + 3_600_000, 100)).toEqual([]);
      } finally {
        for (const outbox of outboxes) await outbox.stop();
        await mailer.close();
        await Promise.all([coordA!.close(), coordB!.close(), storeA.close(), storeB.close()]);
      }
    });
  },
);
