/**
 * Identity verification (issue 12): a site signs its user (a JWT, HS256, IDENTITY_SECRET) and the
 * widget presents it. That user finds their conversations on every device, agents see the signed
 * claims as verified, and routing rules trust only them: an unsigned `plan=vip` from the page no
 * longer jumps the queue. Real sockets, real tokens signed with jose.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { pino } from 'pino';
import type { ErrorBody } from '@support-chat/shared';
import { VisitorTokens } from '../src/auth/visitor-token.js';
import { io } from 'socket.io-client';
import { connected, data, startTestServer, TEST_SECRET, type TestServer, type VisitorClient } from './harness.js';

const IDENTITY_SECRET = 'site-identity-secret-'.padEnd(40, 'k');

let t: TestServer;
afterEach(async () => {
  await t?.close();
});

function sign(claims: Record<string, unknown>, { secret = IDENTITY_SECRET, expires = '1h' } = {}): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime(expires).sign(new TextEncoder().encode(secret));
}

/** The handshake's refusal, as the widget receives it. */
function refused(socket: VisitorClient): Promise<ErrorBody> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => reject(new Error('the handshake was accepted')));
    socket.once('connect_error', (err) => resolve((err as Error & { data: ErrorBody }).data));
  });
}

async function say(socket: VisitorClient, text: string, clientId: string) {
  return data(await socket.emitWithAck('message:send', { clientId, text }));
}

describe('signed users', () => {
  it('are the same visitor on every device and see their history there', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' } });
    const user = await sign({ sub: 'customer-42', name: 'Ada Lovelace', email: 'ada@example.com', plan: 'pro' });

    const laptop = t.visitorAs(user);
    await connected(laptop);
    const first = data(await laptop.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(first.visitorId).toMatch(/^u_[A-Za-z0-9_-]{30}$/);
    const sent = await say(laptop, 'My order 1234 has not arrived', 'identity-0001');

    // Another device: no visitor token, only the signed user.
    const phone = t.visitorAs(await sign({ sub: 'customer-42' }));
    await connected(phone);
    const second = data(await phone.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(second.visitorId).toBe(first.visitorId);
    expect(second.conversation?.id).toBe(sent.conversation.id);
    expect(second.messages.map((m) => m.text)).toContain('My order 1234 has not arrived');

    // Another user gets another visitor, even presenting the first one's visitor token.
    const other = t.visitorAs(await sign({ sub: 'customer-43' }), first.token);
    await connected(other);
    const third = data(await other.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(third.visitorId).not.toBe(first.visitorId);
    expect(third.conversation).toBeNull();
  });

  it('show agents the signed claims as verified, apart from what the page sent unsigned', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' } });
    const v = t.visitorAs(await sign({ sub: 'customer-7', name: 'Grace', email: 'grace@example.com', plan: 'pro' }));
    await connected(v);
    data(await v.emitWithAck('conversation:resume', { afterSeq: 0, context: { attributes: { plan: 'vip', note: 'typed in the console' } } }));
    const { conversation } = await say(v, 'Hello', 'identity-0002');

    const agent = t.agent(await t.loginAgent('Anna'));
    await connected(agent);
    const watched = data(await agent.emitWithAck('conversation:watch', { conversationId: conversation.id }));
    expect(watched.conversation.context.verified).toEqual({
      userId: 'customer-7',
      name: 'Grace',
      email: 'grace@example.com',
      attributes: { plan: 'pro' },
    });
    expect(watched.conversation.context.attributes).toEqual({ plan: 'vip', note: 'typed in the console' });
  });

  it('route by signed attributes only: an unsigned plan=vip does not jump the queue', async () => {
    t = await startTestServer({
      identitySecret: IDENTITY_SECRET,
      routing: { assignment: 'manual', handoffAttributes: [{ key: 'plan', value: 'vip' }] },
    });
    const forger = t.visitor();
    await connected(forger);
    data(await forger.emitWithAck('conversation:resume', { afterSeq: 0, context: { attributes: { plan: 'vip' } } }));
    const forged = await say(forger, 'How do I return an item?', 'identity-0003');

    const vip = t.visitorAs(await sign({ sub: 'vip-1', plan: 'VIP' }));
    await connected(vip);
    data(await vip.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const real = await say(vip, 'How do I return an item?', 'identity-0004');
    await t.server.router.idle();
    await t.server.routing.idle();

    expect(await t.store.getConversation(forged.conversation.id)).toMatchObject({ status: 'bot', handoffReason: null });
    expect(await t.store.getConversation(real.conversation.id)).toMatchObject({ status: 'queued', handoffReason: 'rule' });
  });

  it('cannot be claimed by a page: a context naming itself verified is refused', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET });
    const v = t.visitor();
    await connected(v);
    const res = await v.emitWithAck('conversation:resume', {
      afterSeq: 0,
      context: { verified: { userId: 'ceo', attributes: { plan: 'vip' } } } as never,
    });
    expect(res).toMatchObject({ ok: false, error: { code: 'invalid_payload' } });
  });
});

describe('user tokens that are refused, each with a reason the widget can show', () => {
  it('signed with another secret, expired, unsigned (alg none), without a subject, or not a string', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET });
    const unsigned = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"ceo"}').toString('base64url')}.`;
    const cases: [unknown, string][] = [
      [await sign({ sub: 'x' }, { secret: 'another-site-secret-'.padEnd(40, 'z') }), 'not valid'],
      [await sign({ sub: 'x' }, { expires: '-1m' }), 'expired'],
      [unsigned, 'not valid'],
      [await sign({ name: 'no subject' }), 'not valid'],
      [`${await sign({ sub: 'x' })}tail`, 'not valid'],
      [{ sub: 'x' }, 'must be a string'],
    ];
    for (const [user, reason] of cases) {
      const error = await refused(t.visitorAs(user as string));
      expect(error.code).toBe(typeof user === 'string' ? 'user_refused' : 'invalid_payload');
      expect(error.message).toContain(reason);
    }
  });

  it('are refused with a clear message when the server has no IDENTITY_SECRET', async () => {
    t = await startTestServer();
    const error = await refused(t.visitorAs(await sign({ sub: 'x' })));
    expect(error).toMatchObject({ code: 'user_refused' });
    expect(error.message).toContain('IDENTITY_SECRET');
  });
});

describe('a session a signed user opened', () => {
  it('goes on after the user token expires, but a new session needs a valid one', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' } });
    const first = t.visitorAs(await sign({ sub: 'customer-9', name: 'Lin', plan: 'pro' }));
    await connected(first);
    const opened = data(await first.emitWithAck('conversation:resume', { afterSeq: 0 }));
    await say(first, 'Where is parcel 77?', 'expiry-0001');
    first.disconnect();

    // The tab stayed open past the token's expiry and its network dropped: it reconnects with
    // an expired user token and the visitor token the server gave it. (Here an old token with
    // other claims: whatever an expired token says is not taken, the conversation keeps its own.)
    const expired = await sign({ sub: 'customer-9', name: 'Lin', plan: 'vip', email: 'old@example.com' }, { expires: '-365d' });
    const again = t.visitorAs(expired, opened.token);
    await connected(again);
    const resumed = data(await again.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(resumed.visitorId).toBe(opened.visitorId);
    expect(resumed.messages.map((m) => m.text)).toContain('Where is parcel 77?');
    await say(again, 'Still waiting', 'expiry-0002');
    const agent = t.agent(await t.loginAgent('Anna'));
    await connected(agent);
    const watched = data(await agent.emitWithAck('conversation:watch', { conversationId: resumed.conversation!.id }));
    expect(watched.conversation.context.verified).toEqual({ userId: 'customer-9', name: 'Lin', attributes: { plan: 'pro' } });

    // Without a visitor token (another device), or with another visitor's, it is refused.
    expect(await refused(t.visitorAs(expired))).toMatchObject({ code: 'user_refused', message: expect.stringContaining('expired') });
    const stranger = t.visitor();
    await connected(stranger);
    const strangerToken = data(await stranger.emitWithAck('conversation:resume', { afterSeq: 0 })).token;
    expect(await refused(t.visitorAs(expired, strangerToken))).toMatchObject({ code: 'user_refused' });
    // Nor does it stand in for another user: their token is not this user's visitor's.
    expect(await refused(t.visitorAs(await sign({ sub: 'customer-10' }, { expires: '-1m' }), opened.token))).toMatchObject({
      code: 'user_refused',
    });
  });

  it('keep the chat they started anonymously when they sign in, and it follows them', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' } });
    const anonymous = t.visitor();
    await connected(anonymous);
    const session = data(await anonymous.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const sent = await say(anonymous, 'Where is my order 5150?', 'adopt-0001');

    // The page signs the visitor in (setUser): the widget connects with the user and the token it holds.
    const letGo = new Promise<string>((resolve) => anonymous.once('disconnect', resolve));
    const signedIn = t.visitorAs(await sign({ sub: 'customer-77', name: 'Mo' }), session.token);
    await connected(signedIn);
    const resumed = data(await signedIn.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(resumed.visitorId).toMatch(/^u_/);
    expect(resumed.conversation?.id).toBe(sent.conversation.id);
    expect(resumed.messages.map((m) => m.text)).toContain('Where is my order 5150?');
    expect(await letGo).toBe('io server disconnect'); // the anonymous tab: its token opens nothing now

    // The anonymous token alone opens nothing of it; the user on another device finds it.
    const old = t.visitor(session.token);
    await connected(old);
    const afresh = data(await old.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(afresh.visitorId).not.toBe(session.visitorId);
    expect(afresh.conversation).toBeNull();
    const phone = t.visitorAs(await sign({ sub: 'customer-77' }));
    await connected(phone);
    expect(data(await phone.emitWithAck('conversation:resume', { afterSeq: 0 })).conversation?.id).toBe(sent.conversation.id);

    // A signed user's token is never taken along: another user signing in on that browser gets nothing of it.
    const other = t.visitorAs(await sign({ sub: 'customer-78' }), resumed.token);
    await connected(other);
    expect(data(await other.emitWithAck('conversation:resume', { afterSeq: 0 })).conversation).toBeNull();
  });

  it('do not take an anonymous chat that came by a link passed on, nor one whose replies are emailed to another address', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' } });
    const leave = async (browser: VisitorClient, email: string, n: number) =>
      data(await browser.emitWithAck('offline:leave', { clientId: `leave-000${n}`, email, text: 'Send the parcel to 1 Evil Street' }));
    const open = async (browser: VisitorClient) => {
      await connected(browser);
      return data(await browser.emitWithAck('conversation:resume', { afterSeq: 0 }));
    };
    // An attacker leaves a message, then another in the same chat with the victim's address, and
    // passes on the link they were mailed; the victim opens it in a browser with no chat, then signs in.
    const attacker = t.visitor();
    const theirs = await open(attacker);
    const planted = (await leave(attacker, 'attacker@evil.test', 1)).conversation.id as string;
    await leave(attacker, 'walter@example.com', 2);
    const link = new VisitorTokens(TEST_SECRET).issueResume(theirs.visitorId, Date.now() + 3_600_000, Date.now());
    const victimBrowser = io(`${t.url}/visitor`, { auth: { resume: link }, transports: ['websocket'], forceNew: true, reconnection: false });
    const opened = await open(victimBrowser);
    expect(opened.conversation?.id).toBe(planted);
    victimBrowser.disconnect();
    const victim = t.visitorAs(await sign({ sub: 'customer-81', name: 'Walter', email: 'walter@example.com' }), opened.token);
    expect((await open(victim)).conversation).toBeNull();
    expect((await t.store.getConversation(planted))?.context.verified).toBeUndefined();

    // A chat that left a message for another address, held by the user's own browser: stays put.
    const shared = t.visitor();
    const sharedSession = await open(shared);
    const elsewhere = (await leave(shared, 'someone@else.test', 3)).conversation.id as string;
    const signedHere = t.visitorAs(await sign({ sub: 'customer-82', email: 'walter@example.com' }), sharedSession.token);
    expect((await open(signedHere)).conversation).toBeNull();
    expect((await t.store.getConversation(elsewhere))?.visitorId).toBe(sharedSession.visitorId);
    // Their own message left for their own address (any case) comes with them.
    const own = t.visitor();
    const ownSession = await open(own);
    const mine = (await leave(own, 'Walter@Example.com', 4)).conversation.id as string;
    const signedIn = t.visitorAs(await sign({ sub: 'customer-83', email: 'walter@example.com' }), ownSession.token);
    expect((await open(signedIn)).conversation?.id).toBe(mine);
  });

  it("do not take an anonymous chat older than an hour (a shared computer), nor one while a person has theirs", async () => {
    let skew = 0;
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' }, clock: { now: () => Date.now() + skew } });
    const stranger = t.visitor();
    await connected(stranger);
    const strangers = data(await stranger.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const theirs = await say(stranger, 'My own question, from the library computer', 'old-00001');
    stranger.disconnect();
    skew = 61 * 60 * 1000; // someone else signs in on that browser an hour later
    const next = t.visitorAs(await sign({ sub: 'customer-79' }), strangers.token);
    await connected(next);
    expect(data(await next.emitWithAck('conversation:resume', { afterSeq: 0 })).conversation).toBeNull();
    const back = t.visitor(strangers.token);
    await connected(back);
    expect(data(await back.emitWithAck('conversation:resume', { afterSeq: 0 })).conversation?.id).toBe(theirs.conversation.id);

    // The user waits for a person on another device: the anonymous chat stays where it is.
    const phone = t.visitorAs(await sign({ sub: 'customer-80' }));
    await connected(phone);
    data(await phone.emitWithAck('handoff:request', {}));
    const laptop = t.visitor();
    await connected(laptop);
    const laptopSession = data(await laptop.emitWithAck('conversation:resume', { afterSeq: 0 }));
    const fresh = await say(laptop, 'Another question', 'new-00001');
    const signedIn = t.visitorAs(await sign({ sub: 'customer-80' }), laptopSession.token);
    await connected(signedIn);
    expect(data(await signedIn.emitWithAck('conversation:resume', { afterSeq: 0 })).conversation?.status).toBe('queued');
    expect((await t.store.getConversation(fresh.conversation.id))?.visitorId).toBe(laptopSession.visitorId);
  });

  it('come back as the same visitor after an erasure of their data, but not with a visitor token from before it', async () => {
    t = await startTestServer({ identitySecret: IDENTITY_SECRET, routing: { assignment: 'manual' } });
    const boss = await t.loginAgent('Boss', 'admin');
    const first = t.visitorAs(await sign({ sub: 'customer-11' }));
    await connected(first);
    const opened = data(await first.emitWithAck('conversation:resume', { afterSeq: 0 }));
    await say(first, 'Please delete my data', 'erase-0001');
    const erased = await fetch(`${t.url}/api/admin/visitors/${opened.visitorId}`, { method: 'DELETE', headers: { cookie: boss } });
    expect(erased.status).toBe(200);

    // The tab's reconnect with an expired user token: the visitor token it holds was issued
    // before the erasure and no longer opens the user's visitor (it did: its signature alone).
    const expired = await sign({ sub: 'customer-11' }, { expires: '-1m' });
    expect(await refused(t.visitorAs(expired, opened.token))).toMatchObject({ code: 'user_refused' });

    // Signed in again (a valid token): the same visitor, nothing of before, and it stays.
    const back = t.visitorAs(await sign({ sub: 'customer-11' }));
    await connected(back);
    const fresh = data(await back.emitWithAck('conversation:resume', { afterSeq: 0 }));
    expect(fresh.visitorId).toBe(opened.visitorId);
    expect(fresh.conversation).toBeNull();
    const sent = await say(back, 'A new question', 'erase-0002');
    expect(sent.message.text).toBe('A new question');
    expect(back.connected).toBe(true);
    const exported = await fetch(`${t.url}/api/admin/visitors/${opened.visitorId}/export`, { headers: { cookie: boss } });
    const file = (await exported.json()) as { firstSeenAt: number | null; conversations: { id: string }[] };
    expect(file.conversations.map((c) => c.id)).toEqual([sent.conversation.id]);
    expect(file.firstSeenAt).toBeGreaterThan(0);
  });
});

describe('a visitor token signed with another SECRET', () => {
  it('starts a new visitor, and the operator reads why in the log (once a minute, not per visitor)', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => void lines.push(line) });
    const t = await startTestServer({ logger });
    const warnings = () => lines.filter((line) => line.includes('another SECRET'));
    try {
      // A token that is not even shaped like one is noise, not a misconfiguration.
      const garbage = t.visitor('garbage');
      await connected(garbage);
      data(await garbage.emitWithAck('conversation:resume', { afterSeq: 0 }));
      expect(warnings()).toHaveLength(0);
      const foreign = new VisitorTokens('another-secret-'.padEnd(40, 'y')).issue('visitor-of-another-process');
      for (const n of [1, 2]) {
        const socket = t.visitor(foreign);
        await connected(socket);
        const { token } = data(await socket.emitWithAck('conversation:resume', { afterSeq: 0 }));
        expect(token, `handshake ${n}`).not.toBe(foreign);
        socket.disconnect();
      }
      expect(warnings()).toHaveLength(1);
    } finally {
      await t.close();
    }
  });
});
