import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite-store.js';
import { authenticate, createAgent, ensureFirstAdmin, updateAgent } from './agents.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { AgentSessions } from './sessions.js';
import { VisitorTokens } from './visitor-token.js';

describe('passwords', () => {
  it('verifies the right password only, with a salted hash', async () => {
    const a = await hashPassword('correct horse');
    const b = await hashPassword('correct horse');
    expect(a).not.toBe(b);
    expect(a).not.toContain('correct');
    expect(await verifyPassword('correct horse', a)).toBe(true);
    expect(await verifyPassword('wrong horse', a)).toBe(false);
    expect(await verifyPassword('correct horse', 'garbage')).toBe(false);
  });
});

describe('visitor tokens', () => {
  it('accepts its own signatures and rejects forged or foreign ones', () => {
    const tokens = new VisitorTokens('s'.repeat(40));
    const token = tokens.issue('visitor-123456');
    expect(tokens.verify(token)).toBe('visitor-123456');
    expect(tokens.verify(token.replace('visitor-123456', 'visitor-654321'))).toBeNull();
    expect(new VisitorTokens('t'.repeat(40)).verify(token)).toBeNull();
    expect(tokens.verify('nonsense')).toBeNull();
  });

  it('say when they were issued (signed with it), and the tokens issued before that was kept still name their visitor', () => {
    const tokens = new VisitorTokens('s'.repeat(40));
    const token = tokens.issue('visitor-123456', 1_800_000_000_123);
    expect(tokens.verifyIssued(token)).toEqual({ visitorId: 'visitor-123456', issuedAt: 1_800_000_000_123 });
    const [v, id, , sig] = token.split('.');
    // Made older, to pass a restart of the visitor's sessions: the signature no longer fits.
    expect(tokens.verifyIssued([v, id, (1).toString(36), sig].join('.'))).toBeNull();
    // A v1 token (before the time was kept): its visitor, issued "at 0".
    const v1 = `v1.visitor-123456.${createHmac('sha256', 's'.repeat(40)).update('visitor:visitor-123456').digest('base64url')}`;
    expect(tokens.verifyIssued(v1)).toEqual({ visitorId: 'visitor-123456', issuedAt: 0 });
    expect(tokens.wellFormed(v1) && tokens.wellFormed(token)).toBe(true);
  });
});

describe('visitor tokens, parsed strictly', () => {
  const tokens = new VisitorTokens('s'.repeat(40));
  const token = tokens.issue('abcdefgh12345678');
  it.each([
    ['a suffix', `${token}x`],
    ['another part', `${token}.extra`],
    ['an empty part', `${token}.`],
    ['a space', `${token} `],
    ['a prefix', ` ${token}`],
    ['a second copy', `${token}${token}`],
  ])('refuses a valid token with %s', (_label, forged) => {
    expect(tokens.verify(forged)).toBeNull();
  });
});

describe('resume tokens (emailed links, issue 13)', () => {
  const tokens = new VisitorTokens('s'.repeat(40));
  const now = 1_800_000_000_000;

  it('name the visitor until they expire, and only for this server', () => {
    const token = tokens.issueResume('visitor-abc', now + 3_600_000, now);
    expect(tokens.verifyResume(token, now)).toBe('visitor-abc');
    expect(tokens.verifyResume(token, now + 3_600_000)).toBeNull();
    expect(new VisitorTokens('t'.repeat(40)).verifyResume(token, now)).toBeNull();
  });

  it('are no visitor tokens, and visitor tokens are none of them; tampering breaks them', () => {
    const token = tokens.issueResume('visitor-abc', now + 3_600_000, now);
    expect(tokens.verify(token)).toBeNull();
    expect(tokens.verifyResume(tokens.issue('visitor-abc'), now)).toBeNull();
    const [, id, expiry, issued, sig] = token.split('.');
    const later = (parseInt(expiry!, 36) + 86_400).toString(36);
    expect(tokens.verifyResume(`r2.${id}.${later}.${issued}.${sig}`, now)).toBeNull();
    expect(tokens.verifyResume(`r2.visitor-abd.${expiry}.${issued}.${sig}`, now)).toBeNull();
    // Dated later, to pass a move of the chat: the signature no longer fits; nor as an r1 link.
    expect(tokens.verifyResume(`r2.${id}.${expiry}.${(now + 1).toString(36)}.${sig}`, now)).toBeNull();
    expect(tokens.verifyResume(`r1.${id}.${expiry}.${sig}`, now)).toBeNull();
    expect(tokens.verifyResume(`${token}x`, now)).toBeNull();
  });

  it('say when they were issued; the r1 links mailed before that was kept still work, as issued at 0', () => {
    expect(tokens.verifyResumeIssued(tokens.issueResume('visitor-abc', now + 3_600_000, now - 5), now)).toEqual({ visitorId: 'visitor-abc', issuedAt: now - 5 });
    const expiry = Math.floor((now + 3_600_000) / 1000).toString(36);
    const r1 = `r1.visitor-abc.${expiry}.${createHmac('sha256', 's'.repeat(40)).update(`resume:visitor-abc:${expiry}`).digest('base64url')}`;
    expect(tokens.verifyResumeIssued(r1, now)).toEqual({ visitorId: 'visitor-abc', issuedAt: 0 });
  });
});

describe('file links (a visitor’s attachment in an <img>, issue 13)', () => {
  const tokens = new VisitorTokens('s'.repeat(40));
  const now = 1_800_000_000_000;
  const file = 'A'.repeat(32);

  it('open one file for one visitor until they expire, and only on this server', () => {
    const link = tokens.issueFileLink('visitor-abc', file, now + 600_000);
    expect(tokens.verifyFileLink(link, file, now)).toBe('visitor-abc');
    expect(tokens.verifyFileLink(link, file, now + 600_000)).toBeNull();
    expect(tokens.verifyFileLink(link, 'B'.repeat(32), now)).toBeNull();
    expect(new VisitorTokens('t'.repeat(40)).verifyFileLink(link, file, now)).toBeNull();
  });

  it('are neither visitor nor resume tokens, nor they file links; tampering breaks them', () => {
    const link = tokens.issueFileLink('visitor-abc', file, now + 600_000);
    expect(tokens.verify(link)).toBeNull();
    expect(tokens.verifyResume(link, now)).toBeNull();
    expect(tokens.verifyFileLink(tokens.issue('visitor-abc'), file, now)).toBeNull();
    expect(tokens.verifyFileLink(tokens.issueResume('visitor-abc', now + 600_000, now), file, now)).toBeNull();
    const [, id, expiry, sig] = link.split('.');
    const later = (parseInt(expiry!, 36) + 86_400).toString(36);
    expect(tokens.verifyFileLink(`f1.${id}.${later}.${sig}`, file, now)).toBeNull();
    expect(tokens.verifyFileLink(`f1.visitor-abd.${expiry}.${sig}`, file, now)).toBeNull();
    expect(tokens.verifyFileLink(`${link}x`, file, now)).toBeNull();
  });
});

describe('agents and sessions', () => {
  it('authenticates, creates sessions that expire, and creates a demo admin once', async () => {
    const store = SqliteStore.open(':memory:');
    const first = await ensureFirstAdmin(store, undefined);
    expect(first.kind).toBe('demo');
    if (first.kind !== 'demo') throw new Error('expected a demo admin');
    expect(first.createdNow).toBe(true);
    // The same demo login is reported at the next start, not a new account.
    expect(await ensureFirstAdmin(store, undefined)).toEqual({ ...first, createdNow: false });
    expect(await store.countAgents()).toBe(1);
    expect((await authenticate(store, first.email.toUpperCase(), first.password))?.role).toBe('admin');
    expect(await authenticate(store, first.email, 'wrong-password')).toBeNull();
    expect(await authenticate(store, 'nobody@example.com', first.password)).toBeNull();

    const agent = await createAgent(store, { email: 'ben@example.com', password: 'long-enough', name: 'Ben', role: 'agent' });
    await expect(createAgent(store, { email: 'BEN@example.com', password: 'long-enough', name: 'B', role: 'agent' })).rejects.toMatchObject({ code: 'conflict' });
    let now = 0;
    const sessions = new AgentSessions(store, () => now);
    const token = await sessions.create(agent);
    expect((await sessions.resolve(token))?.email).toBe('ben@example.com');
    now = sessions.ttlMs + 1;
    expect(await sessions.resolve(token)).toBeNull();
  });

  it('gives no session to a login whose password changed meanwhile, and none to a deactivated agent', async () => {
    const store = SqliteStore.open(':memory:');
    const sessions = new AgentSessions(store);
    const verified = await createAgent(store, { email: 'ben@example.com', password: 'long-enough', name: 'Ben', role: 'agent' });
    const kept = await sessions.create(verified);
    // An admin sets a new password while the login above is between checking and storing.
    await updateAgent(store, verified.id, { password: 'another-password' });
    expect(await sessions.resolve(kept)).toBeNull();
    await expect(sessions.create(verified)).rejects.toMatchObject({ code: 'unauthorized' });

    const current = (await store.getAgent(verified.id))!;
    const token = await sessions.create(current);
    await store.deactivateAgent(verified.id, 1);
    expect(await sessions.resolve(token)).toBeNull();
    await expect(sessions.create(current)).rejects.toMatchObject({ code: 'unauthorized' });
    await expect(authenticate(store, 'ben@example.com', 'another-password')).rejects.toMatchObject({ code: 'forbidden' });
    expect(await authenticate(store, 'ben@example.com', 'wrong-password')).toBeNull();
    await store.reactivateAgent(verified.id);
    expect((await authenticate(store, 'ben@example.com', 'another-password'))?.id).toBe(verified.id);
  });
});

describe('new agents', () => {
  it('get the capacity an admin set for new agents, wherever they are created (the CLI too)', async () => {
    const store = SqliteStore.open(':memory:');
    expect((await createAgent(store, { email: 'anna@example.com', password: 'long-enough', name: 'Anna', role: 'agent' })).capacity).toBe(5);
    await store.saveRoutingSettings({ ...(await store.getRoutingSettings()), defaultCapacity: 3 });
    expect((await createAgent(store, { email: 'ben@example.com', password: 'long-enough', name: 'Ben', role: 'agent' })).capacity).toBe(3);
    const chosen = await createAgent(store, { email: 'carl@example.com', password: 'long-enough', name: 'Carl', role: 'agent', capacity: 8 });
    expect(chosen.capacity).toBe(8);
  });
});
