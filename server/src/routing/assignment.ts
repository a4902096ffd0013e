/** An online agent as automatic assignment sees them. */
export interface Candidate {
  id: string;
  /** Conversations assigned to them now. */
  open: number;
  capacity: number;
  /** When they last got a conversation (or came online): the longest idle goes first on a tie. */
  idleSince: number;
}

/**
 * Who gets the next queued conversation: the agent with the fewest open conversations, among
 * those below their capacity; on a tie, the one who has waited longest for one. Null when
 * everyone is full.
 */
export function pickAgent<T extends Candidate>(candidates: readonly T[]): T | null {
  let best: T | null = null;
  for (const c of candidates) {
    if (c.open >= c.capacity) continue;
    if (!best || c.open < best.open || (c.open === best.open && c.idleSince < best.idleSince)) best = c;
  }
  return best;
}
