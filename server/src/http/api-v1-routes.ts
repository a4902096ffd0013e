import { randomUUID } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import { HTTP_ROUTES, LIMITS, type ApiMessage, type ApiTokenScope } from '@support-chat/shared';
import {
  apiConversationsQuerySchema,
  apiKnowledgeQuerySchema,
  apiMessagesQuerySchema,
  apiPostMessageSchema,
  attachmentIdSchema,
  conversationIdSchema,
  labelChangeSchema,
} from '@support-chat/shared/schemas';
import type { Attachments } from '../attachments/attachments.js';
import type { ConversationLabels } from '../conversations/labels.js';
import type { Presence } from '../coordination/types.js';
import type { ConversationService } from '../conversations/service.js';
import { ChatError } from '../errors.js';
import type { ApiTokens } from '../integrations/api-tokens.js';
import { toApiConversation, toApiMessage } from '../integrations/api-views.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { KnowledgeEntry } from '../knowledge/types.js';
import type { RateLimits } from '../realtime/rate-limits.js';
import type { ApiTokenRecord } from '../store/integration-types.js';
import type { Store } from '../store/types.js';
import { sendFile } from './attachment-routes.js';
import { OPENAPI_DOCUMENT } from './openapi.js';
import { sendData } from './respond.js';

const V1 = HTTP_ROUTES.apiV1;

const messagesOf = (messages: readonly Parameters<typeof toApiMessage>[0][]) => messages.map(toApiMessage).filter((m): m is ApiMessage => m !== null);

const entryView = ({ id, title, body, lang, url, tags, document }: KnowledgeEntry) => ({ id, title, body, lang, ...(url ? { url } : {}), tags, document });

/**
 * The REST API for integrations (issue 13), `/api/v1/…`: a CRM or an order system reads
 * conversations, agents and the knowledge base, and posts messages, with `Authorization: Bearer`.
 * No cookie is read here, so there is nothing for another site to forge (no CSRF check); each
 * token has its own rate limit. Every route is in `openapi.ts` (a test holds the two together).
 */

/** How many of the best knowledge matches a search (`q`) pages through. */
const RANKED_MATCHES = 100;
export function apiV1Routes({
  tokens,
  limits,
  store,
  conversations,
  presence,
  knowledge,
  labels,
  attachments,
}: {
  tokens: ApiTokens;
  limits: RateLimits;
  store: Store;
  conversations: ConversationService;
  presence: Presence;
  knowledge?: KnowledgeBase;
  labels: ConversationLabels;
  attachments: Attachments;
}): Router {
  const router = Router();

  const token = (scope: ApiTokenScope): RequestHandler => async (req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    const record = await tokens.authenticate(req.headers.authorization).catch((error: unknown) => {
      res.setHeader('WWW-Authenticate', 'Bearer realm="support-chat"');
      throw error;
    });
    await limits.apiRequest(record.id);
    if (scope === 'write' && record.scope !== 'write') throw new ChatError('forbidden', 'This API token may only read: create a token with the write scope to post.');
    // A body of another type is not read at all: its fields were then reported missing one by one
    // ("text: expected string, received undefined"), which an integrator took for a bad field.
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] !== undefined;
    if (hasBody && !req.is('application/json')) throw new ChatError('invalid_payload', 'Send the body as JSON, with Content-Type: application/json.');
    res.locals.token = record;
    next();
  };
  const read = token('read');
  const write = token('write');
  const conversationOf = async (id: unknown) => {
    const conversation = await store.getConversation(conversationIdSchema.parse(id));
    if (!conversation) throw new ChatError('not_found', 'No such conversation.');
    return conversation;
  };

  // A file of the conversation (a message's `attachment`), only under its own conversation.
  router.get(`${V1}/conversations/:id/attachments/:attachmentId`, read, async (req, res) => {
    const conversation = await conversationOf(req.params.id);
    const served = await attachments.forAgent(attachmentIdSchema.parse(req.params.attachmentId));
    if (served.record.conversationId !== conversation.id) throw new ChatError('not_found', 'No such file in this conversation.');
    await sendFile(res, served);
  });

  router.get(`${V1}/openapi.json`, (_req, res) => {
    res.json(OPENAPI_DOCUMENT);
  });

  router.get(`${V1}/conversations`, read, async (req, res) => {
    const { status, label, limit, cursor } = apiConversationsQuerySchema.parse(req.query);
    const before = cursor ? { updatedAt: Number(cursor.slice(0, cursor.indexOf(':'))), id: cursor.slice(cursor.indexOf(':') + 1) } : undefined;
    const rows = await store.listConversations({ statuses: status ? [status] : undefined, limit: limit + 1, before, ...(label ? { label } : {}) });
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    sendData(res, { conversations: page.map(toApiConversation), ...(rows.length > limit && last ? { next: `${last.updatedAt}:${last.id}` } : {}) });
  });

  router.get(`${V1}/conversations/:id`, read, async (req, res) => {
    const conversation = await conversationOf(req.params.id);
    const messages = await store.listMessages(conversation.id, { limit: LIMITS.historyPage });
    sendData(res, { conversation: toApiConversation(conversation), messages: messagesOf(messages) });
  });

  router.get(`${V1}/conversations/:id/messages`, read, async (req, res) => {
    const conversation = await conversationOf(req.params.id);
    const { afterSeq, limit } = apiMessagesQuerySchema.parse(req.query);
    sendData(res, { messages: messagesOf(await store.listMessages(conversation.id, { afterSeq, limit })) });
  });

  router.post(`${V1}/conversations/:id/messages`, write, async (req, res) => {
    const { text, clientId, authorName } = apiPostMessageSchema.parse(req.body ?? {});
    const record = res.locals.token as ApiTokenRecord;
    const { message, created } = await conversations.postIntegrationMessage(
      { id: record.id, name: authorName ?? record.name },
      { conversationId: conversationIdSchema.parse(req.params.id), clientId: clientId ?? randomUUID(), text },
    );
    sendData(res, { message: toApiMessage(message) }, created ? 201 : 200);
  });

  router.post(`${V1}/conversations/:id/labels`, write, async (req, res) => {
    const change = labelChangeSchema.parse(req.body ?? {});
    const record = res.locals.token as ApiTokenRecord;
    const conversation = await labels.change({ id: record.id, name: record.name }, conversationIdSchema.parse(req.params.id), change, 'api');
    sendData(res, { conversation: toApiConversation(conversation) });
  });

  router.get(`${V1}/agents`, read, async (_req, res) => {
    const [team, connected] = await Promise.all([store.listAgents(), presence.connected()]);
    sendData(res, {
      agents: team.map((a) => ({
        id: a.id,
        name: a.name,
        email: a.email,
        role: a.role,
        active: !a.deactivatedAt,
        status: connected.get(a.id)?.status ?? 'offline',
      })),
    });
  });

  router.get(`${V1}/knowledge`, read, async (req, res) => {
    if (!knowledge) throw new ChatError('unavailable', 'This server has no knowledge base.');
    const { q, lang, limit, offset } = apiKnowledgeQuerySchema.parse(req.query);
    if (q) {
      // Ranked, so paged within the best matches (a page past them is empty), which `total` counts.
      // `lang` ranks that language first in the search (as for a visitor) and here also filters:
      // an integration asking for `lang=zh` takes Chinese entries only, as it does without `q`.
      // Filtered before the cut to the best 100, so the other language takes none of their places.
      const ranked = await knowledge.search(q, lang ? { limit: knowledge.entries.length, lang } : { limit: RANKED_MATCHES });
      const hits = ranked.filter((hit) => !lang || hit.entry.lang === lang).slice(0, RANKED_MATCHES);
      const page = hits.slice(offset, offset + limit);
      return sendData(res, { entries: page.map((hit) => ({ ...entryView(hit.entry), score: hit.score })), total: hits.length });
    }
    const all = knowledge.entries.filter((entry) => !lang || entry.lang === lang);
    sendData(res, { entries: all.slice(offset, offset + limit).map(entryView), total: all.length });
  });

  return router;
}
