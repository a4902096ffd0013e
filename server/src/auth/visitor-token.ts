import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * A visitor's identity is a random id plus an HMAC of it under the server secret: the widget keeps
 * it in localStorage, and a visitor can only ever reach conversations of the id they hold a
 * signature for. Stateless, so any server process can check it.
 */
export class VisitorTokens {
  constructor(private readonly secret: string) {}

  issue(visitorId: string): string {
    return `v1.${visitorId}.${this.sign(visitorId)}`;
  }

  /**
   * The visitor id, or null when the token is malformed or was not signed by this server. Parsed
   * strictly, as a whole: anything appended to a valid token makes it invalid (issue 11).
   */
  verify(token: string): string | null {
    const parts = /^v1\.([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/.exec(token);
    if (!parts) return null;
    const [, visitorId, signature] = parts as unknown as [string, string, string];
    const expected = Buffer.from(this.sign(visitorId));
    const actual = Buffer.from(signature);
    return expected.length === actual.length && timingSafeEqual(expected, actual) ? visitorId : null;
  }

  private sign(visitorId: string): string {
    return createHmac('sha256', this.secret).update(`visitor:${visitorId}`).digest('base64url');
  }
}
