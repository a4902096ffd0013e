import { describe, expect, it } from 'vitest';
import type { Namespace } from 'socket.io';
import { localAudience } from './local-audience.js';

/** The in-memory adapter's room table, as Socket.IO keeps it. */
const namespaceWith = (rooms: Record<string, string[]>) =>
  ({ adapter: { rooms: new Map(Object.entries(rooms).map(([room, ids]) => [room, new Set(ids)])) } }) as unknown as Pick<Namespace, 'adapter'>;

describe('localAudience', () => {
  const nsp = namespaceWith({ 'visitor:v1': ['tab-1'], 'visitor:v2': ['tab-1', 'tab-2'], 'agent:a': ['s1', 's2'], 'watch:c': ['s1'] });

  it('is false for a room with nobody, or nobody but the sender', () => {
    const any = localAudience(nsp, false);
    expect(any('visitor:nobody')).toBe(false);
    expect(any('visitor:v1', { socket: 'tab-1' })).toBe(false);
    expect(any('visitor:v1')).toBe(true);
    expect(any('visitor:v2', { socket: 'tab-1' })).toBe(true);
  });

  it('leaves out the members of an excluded room', () => {
    const any = localAudience(nsp, false);
    expect(any('agent:a', { room: 'watch:c' })).toBe(true);
    const allWatching = localAudience(namespaceWith({ 'agent:a': ['s1'], 'watch:c': ['s1'] }), false);
    expect(allWatching('agent:a', { room: 'watch:c' })).toBe(false);
  });

  it('is always true across processes, where members elsewhere are not known here', () => {
    expect(localAudience(nsp, true)('visitor:nobody')).toBe(true);
  });
});
