/**
 * What an admin's change on one process must reach on the others (issue 10). Availability is
 * worked out by every process and told to its own visitors (fanout.ts), so a change of the
 * routing settings or of the team is told to the other processes, which look again at once
 * (`routing:refresh`) rather than at their next 30 s refresh. An open console's socket carries its
 * agent's profile, read when it connected: a new name (what replies are signed with), role or
 * capacity reaches that agent's sockets on every process (`agent:changed`). One process: only here.
 */
import type { TeamRouting } from '../routing/team-routing.js';
import type { AgentRecord } from '../store/types.js';
import { rooms } from './rooms.js';
import type { AgentNamespace, AgentProfileChange } from './types.js';

export interface TeamSync {
  settingsChanged(): void;
  agentDeactivated(agentId: string): Promise<number>;
  teamChanged(): void;
  agentChanged(agent: AgentRecord): void;
}

export function syncTeam({
  agents,
  routing,
  forgetSettings,
  clustered,
}: {
  agents: AgentNamespace;
  routing: Pick<TeamRouting, 'settingsChanged' | 'agentDeactivated' | 'teamChanged'>;
  /** Drops this process's cached routing settings (the router's). */
  forgetSettings: () => void;
  /** An adapter joins processes: tell the others. */
  clustered: boolean;
}): TeamSync {
  const refresh = () => {
    forgetSettings();
    routing.settingsChanged();
  };
  const applyProfile = (change: AgentProfileChange) => {
    for (const socketId of agents.adapter.rooms.get(rooms.agent(change.id)) ?? []) {
      const socket = agents.sockets.get(socketId);
      // In place: the socket's handlers hold this object since it connected.
      if (socket) Object.assign(socket.data.agent, change);
    }
  };
  agents.on('routing:refresh', refresh);
  agents.on('agent:changed', applyProfile);
  const refreshEverywhere = () => {
    if (clustered) agents.serverSideEmit('routing:refresh');
  };
  const teamChanged = () => {
    routing.teamChanged();
    refreshEverywhere();
  };
  return {
    settingsChanged: () => {
      refresh();
      refreshEverywhere();
    },
    agentDeactivated: async (agentId) => {
      const requeued = await routing.agentDeactivated(agentId);
      refreshEverywhere();
      return requeued;
    },
    teamChanged,
    agentChanged: ({ id, name, role, capacity }) => {
      applyProfile({ id, name, role, capacity });
      if (clustered) agents.serverSideEmit('agent:changed', { id, name, role, capacity });
      teamChanged();
    },
  };
}
