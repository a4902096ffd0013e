/**
 * A conversation's `updatedAt` is its last activity, to the second: a message moves it only once
 * it is at least this much newer. Each move takes the conversation out of the indexes that hold
 * `updated_at` (SQLite: the inbox's two, whose end it moves to, and the report's covering index;
 * a page more in the commit for each. PostgreSQL: no HOT update, so every index gets a new
 * entry), and a busy chat moved it with every message. Measured (relay bench, closed loop, three
 * runs each, alternating): visitor → agent 3,904–4,046 → 4,159–5,272 msg/s, agent → visitor 3,611–4,026 → 4,645–4,813, and at a fixed
 * 2,000 msg/s the server's CPU 96–99% → 86–88%. The inbox orders by it and pages by it; whoever
 * compares two versions of a conversation compares `lastSeq` first (console/src/inbox-state.ts).
 */
export const ACTIVITY_STEP_MS = 1000;
