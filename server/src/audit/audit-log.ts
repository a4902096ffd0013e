/**
 * The audit log (issue 11): who claimed, transferred or closed a conversation, changed a setting,
 * created or changed an agent, exported or erased a visitor's data, signed in or out. Other
 * features record through `record(actor, action, target, detail)`; admins read it by page.
 *
 * An entry is one small write through the store's usual path (SQLite's writer thread and group
 * commit, PostgreSQL's pool), durable once `record` resolves. The action it records has already
 * happened when `record` is called, so a failing write is logged as an error rather than thrown:
 * the agent's command succeeded, and saying otherwise would make them try it again.
 */
import { randomUUID } from 'node:crypto';
import type { AuditAction, AuditActor, AuditDetail, AuditEntry, AuditPage, AuditTarget } from '@support-chat/shared';
import type { Clock } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/types.js';

/** Bounds on what one entry's detail holds: facts about the action, never content. */
const DETAIL_LIMITS = { keys: 20, stringChars: 200, listItems: 50 } as const;

export interface AuditQueryInput {
  cursor?: string;
  actor?: string;
  action?: AuditAction;
  limit: number;
}

export class AuditLog {
  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  /** An entry stamped now, its detail bounded (for a write that carries it, such as an erasure). */
  entry(actor: AuditActor, action: AuditAction, target: AuditTarget, detail: AuditDetail = {}): AuditEntry {
    return { id: randomUUID(), at: this.clock.now(), actor: { id: actor.id, name: actor.name }, action, target, detail: bounded(detail) };
  }

  /** Records that `actor` did `action` to `target`. Resolves once durable; never rejects (see the header). */
  async record(actor: AuditActor, action: AuditAction, target: AuditTarget, detail: AuditDetail = {}): Promise<void> {
    const entry = this.entry(actor, action, target, detail);
    try {
      await this.store.appendAudit(entry);
    } catch (error) {
      this.logger.error({ err: error, audit: entry }, 'the audit entry could not be written');
    }
  }

  /** A page, newest first; `next` is the cursor of the page after it. */
  async page({ cursor, actor, action, limit }: AuditQueryInput): Promise<AuditPage> {
    const rows = await this.store.listAudit({ actorId: actor, action, before: cursor ? parseCursor(cursor) : undefined, limit: limit + 1 });
    const entries = rows.slice(0, limit);
    const last = entries.at(-1);
    return rows.length > limit && last ? { entries, next: `${last.at}:${last.id}` } : { entries };
  }
}

function parseCursor(cursor: string): { at: number; id: string } {
  const match = /^(\d{1,16}):([\w-]{1,64})$/.exec(cursor);
  if (!match) throw new ChatError('invalid_payload', 'cursor: is not a cursor this server gave');
  return { at: Number(match[1]), id: match[2]! };
}

function bounded(detail: AuditDetail): AuditDetail {
  const clip = (text: string) => (text.length > DETAIL_LIMITS.stringChars ? `${text.slice(0, DETAIL_LIMITS.stringChars - 1)}…` : text);
  const out: AuditDetail = {};
  for (const [key, value] of Object.entries(detail).slice(0, DETAIL_LIMITS.keys)) {
    if (typeof value === 'string') out[key] = clip(value);
    else if (Array.isArray(value)) out[key] = value.slice(0, DETAIL_LIMITS.listItems).map(clip);
    else out[key] = value;
  }
  return out;
}
