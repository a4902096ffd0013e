import { describe, expect, it } from 'vitest';
import { MemoryLeases, MemoryPresence, MemoryTimers } from './memory.js';

describe('MemoryPresence', () => {
  it('knows an agent is connected while any of their tabs is, with the status they chose', async () => {
    const presence = new MemoryPresence();
    expect(await presence.connect('anna', 's1', 100)).toEqual({ first: true });
    expect(await presence.connect('anna', 's2', 200)).toEqual({ first: false });
    await presence.setStatus('anna', 'away');
    expect(await presence.connected()).toEqual(new Map([['anna', { status: 'away', connectedSince: 100 }]]));
    expect(await presence.disconnect('anna', 's1')).toEqual({ last: false });
    expect(await presence.disconnect('anna', 's2')).toEqual({ last: true });
    expect(await presence.disconnect('anna', 's2')).toEqual({ last: false });
    expect((await presence.connected()).size).toBe(0);
  });
});

describe('MemoryLeases', () => {
  it('gives a key to one holder until it is released or expires', async () => {
    const leases = new MemoryLeases();
    const first = await leases.acquire('answer:m1', 60_000);
    expect(first).not.toBeNull();
    expect(await leases.acquire('answer:m1', 60_000)).toBeNull();
    await first!.release();
    const second = await leases.acquire('answer:m1', 1);
    expect(second).not.toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 5));
    // Expired: someone else takes it, and the old holder can no longer renew or release it.
    const third = await leases.acquire('answer:m1', 60_000);
    expect(third).not.toBeNull();
    expect(await second!.renew(60_000)).toBe(false);
    await second!.release();
    expect(await leases.acquire('answer:m1', 60_000)).toBeNull();
  });
});

describe('MemoryTimers', () => {
  it('fires each key once, moves it when set again, and leaves it when asked to keep it', async () => {
    const timers = new MemoryTimers();
    const fired: string[] = [];
    timers.start(async (key) => void fired.push(key));
    await timers.set('grace:a', 10);
    await timers.set('grace:b', 10);
    await timers.set('grace:b', 60_000); // moved far away
    await timers.set('grace:a', 60_000, { keepExisting: true }); // stays at 10 ms
    await timers.set('grace:c', 10);
    await timers.cancel('grace:c');
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(fired).toEqual(['grace:a']);
    await timers.close();
  });
});
