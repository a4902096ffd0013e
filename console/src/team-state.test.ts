import { describe, expect, it } from 'vitest';
import type { AgentPresence } from '@support-chat/shared';
import { emptyTeam, loadLabel, presenceChanged, teamList, teamLoaded, transferTargets } from './team-state.js';

const p = (agentId: string, patch: Partial<AgentPresence> = {}): AgentPresence => ({
  agentId,
  name: agentId.toUpperCase(),
  role: 'agent',
  status: 'online',
  openConversations: 0,
  capacity: 3,
  ...patch,
});

describe('team state', () => {
  it('lists online first, then away, then offline, by name', () => {
    const team = teamLoaded([p('c', { status: 'offline' }), p('b', { status: 'away' }), p('z'), p('a')]);
    expect(teamList(team).map((a) => a.agentId)).toEqual(['a', 'z', 'b', 'c']);
    expect(emptyTeam().loaded).toBe(false);
  });

  it('applies presence changes without touching the previous state', () => {
    const before = teamLoaded([p('a')]);
    const after = presenceChanged(before, p('a', { status: 'away', openConversations: 2 }));
    expect(before.byId.get('a')?.status).toBe('online');
    expect(after.byId.get('a')).toMatchObject({ status: 'away', openConversations: 2 });
    expect(presenceChanged(after, p('new')).byId.size).toBe(2);
    // Deactivated by an admin: off the list, and no transfer target.
    const gone = presenceChanged(after, p('a', { status: 'offline', deactivated: true }));
    expect([...gone.byId.keys()]).toEqual([]);
  });

  it('offers online teammates other than the current agent as transfer targets, marking full ones', () => {
    const team = teamLoaded([p('me'), p('ben', { openConversations: 3 }), p('ann', { status: 'away' }), p('cy')]);
    expect(transferTargets(team, 'me').map((a) => [a.agentId, a.full])).toEqual([
      ['ben', true],
      ['cy', false],
    ]);
    expect(loadLabel(p('x', { openConversations: 2, capacity: 5 }))).toBe('2 / 5');
  });
});
