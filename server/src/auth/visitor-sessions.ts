import type { Clock } from '../conversations/service.js';
import type { Store } from '../store/types.js';
import type { VisitorTokens } from './visitor-token.js';

/**
 * Which visitor a browser's token opens, now. A token is a visitor's as long as it was issued no
 * earlier than the visitor's sessions last restarted: an emailed link followed in a browser that
 * was not that visitor takes the chat along, and every older token of the visitor stops opening
 * it. Anyone can have a link mailed to any address (leave a message), so the sender of one kept
 * the visitor's token and read everything the person who opened it wrote next (a security probe);
 * now the sender's browser starts afresh. The visitor's own other browsers do too: the chat goes
 * where the link was opened.
 */
export class VisitorSessions {
  constructor(
    private readonly tokens: VisitorTokens,
    private readonly store: Pick<Store, 'getVisitor' | 'restartVisitorSessions'>,
    private readonly clock: Clock,
  ) {}

  /** The visitor `token` opens, or null: not a token, not ours, or issued before the visitor's sessions restarted. */
  async visitorOf(token: unknown): Promise<string | null> {
    return (await this.open(token)).visitorId;
  }

  /**
   * `visitorOf`, and for a token of ours that no longer opens its visitor, why: its chat 'moved'
   * to the browser where an emailed link was opened, or the visitor was 'erased' (an admin's
   * GDPR erasure leaves a bare record, `createdAt` 0, that ends every older session). Read from
   * the record as it is now: once an erased id is written to again (a signed user back), its
   * older tokens read as 'moved', and that page's greeting says its chat went elsewhere.
   */
  async open(token: unknown): Promise<{ visitorId: string | null; ended?: 'moved' | 'erased' }> {
    const issued = typeof token === 'string' ? this.tokens.verifyIssued(token) : null;
    if (!issued) return { visitorId: null };
    const visitor = await this.store.getVisitor(issued.visitorId);
    if (issued.issuedAt >= (visitor?.sessionsFrom ?? 0)) return { visitorId: issued.visitorId };
    return { visitorId: null, ended: visitor?.createdAt === 0 ? 'erased' : 'moved' };
  }

  /**
   * A token for `visitorId` issued now, its sessions restarted from now: every older token stops
   * opening them. Null when the link (issued at `linkIssuedAt`) is older than the visitor's last
   * move: a link mailed before the chat went to another browser takes nothing (the one who had
   * it mailed to themselves earlier would take it back from the person it went to).
   */
  async takeOver(visitorId: string, linkIssuedAt: number): Promise<string | null> {
    const visitor = await this.store.getVisitor(visitorId);
    if (linkIssuedAt < (visitor?.sessionsFrom ?? 0)) return null;
    const now = Math.max(this.clock.now(), visitor?.sessionsFrom ?? 0);
    await this.store.restartVisitorSessions(visitorId, now);
    return this.tokens.issue(visitorId, now);
  }

  issue(visitorId: string): string {
    return this.tokens.issue(visitorId, this.clock.now());
  }
}
