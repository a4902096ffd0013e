/**
 * API tokens for the REST API (issue 13): random, shown once, kept as a SHA-256 hash (a token is
 * 256 random bits, so a fast hash is enough: there is nothing to guess), named, scoped, revocable,
 * with when they were last used (written at most once a minute).
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { ApiTokenCreated, ApiTokenScope } from '@support-chat/shared';
import type { Clock } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { Logger } from '../logger.js';
import { publicToken } from '../store/integration-rows.js';
import type { ApiTokenRecord } from '../store/integration-types.js';
import type { AgentRecord, Store } from '../store/types.js';

const TOKEN_PREFIX = 'sct_';
const LAST_USED_RESOLUTION_MS = 60_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');

export class ApiTokens {
  constructor(private readonly deps: { store: Store; clock: Clock; logger: Logger }) {}

  async create(admin: AgentRecord, { name, scope }: { name: string; scope: ApiTokenScope }): Promise<ApiTokenCreated> {
    const secret = `${TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
    const record: ApiTokenRecord = {
      id: randomUUID(),
      name,
      scope,
      prefix: secret.slice(0, TOKEN_PREFIX.length + 6),
      tokenHash: hashOf(secret),
      createdAt: this.deps.clock.now(),
      createdBy: { id: admin.id, name: admin.name },
      lastUsedAt: null,
      revokedAt: null,
    };
    await this.deps.store.createApiToken(record);
    return { token: publicToken(record), secret };
  }

  /** The token an `Authorization: Bearer …` header carries, if it is one that works. */
  async authenticate(header: string | undefined): Promise<ApiTokenRecord> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!match) throw new ChatError('unauthorized', 'Send an API token: Authorization: Bearer <token> (admins create them in the console).');
    const token = match[1]!;
    const record = token.startsWith(TOKEN_PREFIX) ? await this.deps.store.findApiToken(hashOf(token)) : null;
    if (!record) throw new ChatError('unauthorized', 'This API token is not valid.');
    if (record.revokedAt !== null) throw new ChatError('unauthorized', 'This API token was revoked.');
    const now = this.deps.clock.now();
    if (record.lastUsedAt === null || now - record.lastUsedAt >= LAST_USED_RESOLUTION_MS) {
      void this.deps.store
        .touchApiToken(record.id, now, LAST_USED_RESOLUTION_MS)
        .catch((error: unknown) => this.deps.logger.warn({ err: error }, 'recording an API token’s use failed'));
    }
    return record;
  }

  async revoke(id: string) {
    const token = await this.deps.store.revokeApiToken(id, this.deps.clock.now());
    if (!token) throw new ChatError('not_found', 'No such API token.');
    return token;
  }
}
