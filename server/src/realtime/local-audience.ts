import type { Namespace } from 'socket.io';

/**
 * Whether a broadcast to `room` (minus the sockets in `except`) would reach anyone, when every
 * socket is on this process (Socket.IO's in-memory adapter: the room's members are all known
 * here). Socket.IO encodes a broadcast before it looks for its recipients, and most of the
 * product's per-message broadcasts have none: the sender's own room minus the sending tab, an
 * inbox row for an agent who is watching the conversation (issue 9: ~4% of the event loop per
 * message). Across processes (`crossProcess`), members elsewhere are unknown here: always true.
 */
export function localAudience(namespace: Pick<Namespace, 'adapter'>, crossProcess: boolean) {
  return (room: string, except?: { socket?: string; room?: string }): boolean => {
    if (crossProcess) return true;
    const members = namespace.adapter.rooms.get(room);
    if (!members) return false;
    const excludedRoom = except?.room ? namespace.adapter.rooms.get(except.room) : undefined;
    for (const id of members) {
      if (id !== except?.socket && !excludedRoom?.has(id)) return true;
    }
    return false;
  };
}
