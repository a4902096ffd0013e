/**
 * The columns a conversation record is read from on the write paths (PostgreSQL's statements,
 * the SQLite writer's reads of one conversation), named rather than `*`:
 * - PostgreSQL: a prepared statement whose result columns changed (a migration by another
 *   process added one) fails with "cached plan must not change result type";
 * - SQLite: `*` also computes the virtual generated columns (`verified_user_id`, a json_extract
 *   of the context) on every read, 2 of the writer's ~11 µs per conversation read.
 */
export const CONVERSATION_FIELDS =
  'id, visitor_id, status, assigned_agent_id, locale, context, last_seq, created_at, updated_at, queued_at, closed_at, handoff_reason, left_message, visitor_read_seq, agent_read_seq, rating, human_involved, assigned_at, labels';
