import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A visitor's identity is a random id plus an HMAC of it under the server secret: the widget keeps
 * it in localStorage, and a visitor can only ever reach conversations of the id they hold a
 * signature for. Stateless, so any server process can check it.
 */
const TOKEN_SHAPE = /^v1\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/;
/** With the moment it was issued (base 36 ms): a visitor's older sessions can be ended (VisitorSessions). */
const ISSUED_TOKEN_SHAPE = /^v2\.([A-Za-z0-9_-]{8,64})\.([0-9a-z]{1,11})\.([A-Za-z0-9_-]{43})$/;

export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(visitorId: string, issuedAt = Date.now()): string {
    const at = Math.max(0, Math.floor(issuedAt)).toString(36);
    return `v2.${visitorId}.${at}.${this.signIssued(visitorId, at)}`;
  }

  /**
   * The visitor id, or null when the token is malformed or was not signed by this server. Parsed
   * strictly, as a whole: anything appended to a valid token makes it invalid (issue 11).
   */
  verify(token: string): string | null {
    return this.verifyIssued(token)?.visitorId ?? null;
  }

  /** `verify`, with when the token was issued (0 for the tokens before that was kept, `v1`). */
  verifyIssued(token: string): { visitorId: string; issuedAt: number } | null {
    const issued = ISSUED_TOKEN_SHAPE.exec(token);
    if (issued) {
      const [, visitorId, at, signature] = issued as unknown as [string, string, string, string];
      return equal(this.signIssued(visitorId, at), signature) ? { visitorId, issuedAt: parseInt(at, 36) } : null;
    }
    const parts = TOKEN_SHAPE.exec(token);
    if (!parts) return null;
    const [, visitorId, signature] = parts as unknown as [string, string, string];
    return equal(this.sign(visitorId), signature) ? { visitorId, issuedAt: 0 } : null;
  }

  /** Shaped as this server's tokens are (whatever its signature): one a server with another secret signed looks so. */
  wellFormed(token: string): boolean {
    return TOKEN_SHAPE.test(token) || ISSUED_TOKEN_SHAPE.test(token);
  }

  /**
   * A link's resume token (issue 13): the visitor id and an expiry, signed for that purpose alone
   * (`resume:`), so it never passes as a visitor token, nor a visitor token as one. It is what an
   * emailed link carries so the widget, on any device, continues the visitor's conversation; it
   * expires, where the token a browser keeps does not.
   */
  issueResume(visitorId: string, expiresAt: number, issuedAt: number): string {
    const expiry = Math.floor(expiresAt / 1000).toString(36);
    const issued = Math.max(0, Math.floor(issuedAt)).toString(36);
    return `r2.${visitorId}.${expiry}.${issued}.${this.signResume(visitorId, `${expiry}.${issued}`)}`;
  }

  /** The visitor id, or null when the token is malformed, not ours, or expired at `now`. */
  verifyResume(token: string, now: number): string | null {
    return this.verifyResumeIssued(token, now)?.visitorId ?? null;
  }

  /**
   * `verifyResume`, with when the link was issued (0 for `r1` links, issued before that was kept):
   * a link older than the visitor's last move to another browser takes nothing (VisitorSessions).
   */
  verifyResumeIssued(token: string, now: number): { visitorId: string; issuedAt: number } | null {
    const parts = /^r([12])\.([A-Za-z0-9_-]{8,64})\.([0-9a-z]{1,10})(?:\.([0-9a-z]{1,11}))?\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!parts) return null;
    const [, version, visitorId, expiry, issued, signature] = parts as unknown as [string, string, string, string, string | undefined, string];
    if ((version === '2') !== (issued !== undefined)) return null;
    if (!equal(this.signResume(visitorId, issued === undefined ? expiry : `${expiry}.${issued}`), signature)) return null;
    return parseInt(expiry, 36) * 1000 > now ? { visitorId, issuedAt: issued === undefined ? 0 : parseInt(issued, 36) } : null;
  }

  /**
   * A file link (issue 13): lets an `<img>` or a download link, which cannot send the visitor's
   * token, fetch one attachment for one visitor until `expiresAt`. Signed for that purpose and
   * that file alone (`file:<id>:`), so it opens nothing else and never passes as another token;
   * the visitor id stays in it because the route still checks the file is theirs.
   */
  issueFileLink(visitorId: string, attachmentId: string, expiresAt: number): string {
    const expiry = Math.floor(expiresAt / 1000).toString(36);
    return `f1.${visitorId}.${expiry}.${this.signFileLink(visitorId, attachmentId, expiry)}`;
  }

  /** The visitor id, or null when the link is malformed, for another file, not ours, or expired at `now`. */
  verifyFileLink(token: string, attachmentId: string, now: number): string | null {
    const parts = /^f1\.([A-Za-z0-9_-]{8,64})\.([0-9a-z]{1,10})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!parts) return null;
    const [, visitorId, expiry, signature] = parts as unknown as [string, string, string, string];
    if (!equal(this.signFileLink(visitorId, attachmentId, expiry), signature)) return null;
    return parseInt(expiry, 36) * 1000 > now ? visitorId : null;
  }

  private sign(visitorId: string): string {
    return createHmac('sha256', this.secret).update(`visitor:${visitorId}`).digest('base64url');
  }

  private signIssued(visitorId: string, issuedAt: string): string {
    return createHmac('sha256', this.secret).update(`visitor-issued:${visitorId}:${issuedAt}`).digest('base64url');
  }

  private signResume(visitorId: string, expiry: string): string {
    return createHmac('sha256', this.secret).update(`resume:${visitorId}:${expiry}`).digest('base64url');
  }

  private signFileLink(visitorId: string, attachmentId: string, expiry: string): string {
    return createHmac('sha256', this.secret).update(`file:${attachmentId}:${visitorId}:${expiry}`).digest('base64url');
  }
}

function equal(expected: string, actual: string): boolean {
  const [a, b] = [Buffer.from(expected), Buffer.from(actual)];
  return a.length === b.length && timingSafeEqual(a, b);
}
