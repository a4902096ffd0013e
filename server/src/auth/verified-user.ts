import { createHmac } from 'node:crypto';
import { errors as joseErrors, jwtVerify } from 'jose';
import { LIMITS, type VerifiedUser } from '@support-chat/shared';
import { ChatError } from '../errors.js';

/** Claims of a user token that are not attributes. */
const RESERVED = new Set(['sub', 'name', 'email', 'iat', 'exp', 'nbf', 'iss', 'aud', 'jti']);

/** How a signed user's visitor id begins (`visitorIdFor`): signing in opens it on any device, so no emailed link ever does. */
export const SIGNED_USER_VISITOR = 'u_';

export function isSignedUserVisitor(visitorId: string): boolean {
  return visitorId.startsWith(SIGNED_USER_VISITOR);
}

/**
 * A site's signed user (identity verification, as Intercom's and Chatwoot's identity hashes): the
 * site's server signs a JWT (HS256) with IDENTITY_SECRET, holding the user's id (`sub`), `name`,
 * `email` and any other claim as an attribute. What it says is trusted — the console marks it
 * verified and routing rules read only it — and the visitor id follows the user id, so a signed-in
 * user finds their conversations on every device. jose checks the signature (HS256 only, so a
 * token cannot pick `none` or another algorithm) and `exp`/`nbf`.
 */
export class UserVerifier {
  private readonly key: Uint8Array | null;

  constructor(
    identitySecret: string | undefined,
    private readonly serverSecret: string,
  ) {
    this.key = identitySecret ? new TextEncoder().encode(identitySecret) : null;
  }

  /**
   * The token's user, or `user_refused`. A token whose only fault is that it expired is returned
   * too, marked so: its signature was checked (the visitor namespace lets a session it opened go
   * on, see there, and refuses it otherwise).
   */
  async check(token: string): Promise<{ user: VerifiedUser; expired: boolean }> {
    if (!this.key) {
      throw new ChatError('user_refused', 'This server does not verify signed users: set IDENTITY_SECRET on it, or stop sending a user token.');
    }
    if (token.length > LIMITS.userTokenChars) throw new ChatError('user_refused', 'The signed user token is too long.');
    try {
      const { payload } = await jwtVerify(token, this.key, { algorithms: ['HS256'], requiredClaims: ['sub'] });
      return { user: toUser(payload), expired: false };
    } catch (error) {
      // jose checks the signature before the claims: an expired token's payload is the signed one.
      if (error instanceof joseErrors.JWTExpired && error.payload.sub !== undefined) return { user: toUser(error.payload), expired: true };
      throw new ChatError('user_refused', 'The signed user token is not valid for this server.');
    }
  }

  /**
   * The visitor id of a user: the same on every device, unguessable from the user id without the
   * server secret, and in the visitor-token alphabet.
   */
  visitorIdFor(userId: string): string {
    return SIGNED_USER_VISITOR + createHmac('sha256', this.serverSecret).update(`user:${userId}`).digest('base64url').slice(0, 30);
  }
}

function toUser(payload: Record<string, unknown>): VerifiedUser {
  const userId = String(payload.sub).slice(0, LIMITS.attributeValueChars);
  const attributes: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    if (RESERVED.has(key) || value === null || typeof value === 'object') continue;
    if (Object.keys(attributes).length >= LIMITS.attributeCount) break;
    attributes[key.slice(0, LIMITS.attributeKeyChars)] = String(value).slice(0, LIMITS.attributeValueChars);
  }
  const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim().slice(0, LIMITS.attributeValueChars) : undefined);
  return { userId, name: text(payload.name), email: text(payload.email), attributes };
}
