/**
 * A visitor's older sessions end when their chat moves to another browser (VisitorSessions): a
 * handshake that read the visitor's sessions just before a move, and joined the visitor's room
 * just after the move disconnected it, would have stayed connected with a token that no longer
 * opens the chat (a review). The socket checks its token again once in its room.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/store/sqlite-store.js';
import type { Store } from '../src/store/types.js';
import { connected, data, startTestServer, type TestServer } from './harness.js';

describe("a visitor's sessions", () => {
  let t: TestServer | undefined;
  afterEach(async () => {
    await t?.close();
  });

  it('let go of a socket whose handshake passed just before its chat moved elsewhere', async () => {
    const real = SqliteStore.open(':memory:');
    // The visitor's sessions are read through here: the test holds one read (below).
    let getVisitor: Store['getVisitor'] = (id) => real.getVisitor(id);
    // (The store is frozen, its methods its own: a store on top of it, but for that one.)
    const store = Object.create(real, { getVisitor: { value: (id: string) => getVisitor(id) } }) as Store;
    t = await startTestServer({ store });
    const first = t.visitor();
    await connected(first);
    const session = data(await first.emitWithAck('conversation:resume', { afterSeq: 0 }));
    data(await first.emitWithAck('message:send', { clientId: 'race-00001', text: 'Where is my parcel?' }));
    first.disconnect();

    // The next handshake's read of the visitor's sessions is held until the chat has moved: the
    // move finds no socket in the room to disconnect, and the handshake passes on what it read.
    let hold: (() => void) | undefined;
    const held = new Promise<void>((resolve) => (hold = resolve));
    let reads = 0;
    getVisitor = async (id) => {
      const record = await real.getVisitor(id);
      if (id === session.visitorId && ++reads === 1) await held;
      return record;
    };
    const late = t.visitor(session.token);
    const letGo = new Promise<string>((resolve) => late.once('disconnect', resolve));
    await expect.poll(() => reads).toBe(1);
    await real.restartVisitorSessions(session.visitorId, Date.now() + 1);
    hold!();

    const stayed = new Promise<string>((resolve) => setTimeout(() => resolve('still connected after 5 s'), 5000).unref());
    expect(await Promise.race([letGo, stayed])).toBe('io server disconnect');
    expect(reads).toBe(2); // the handshake's read, then the check once in the room
  });
});
