/**
 * The REST API's OpenAPI 3.1 document, served at `/api/v1/openapi.json`. Written by hand beside
 * the routes (api-v1-routes.ts); `api-v1.integration.test.ts` checks that every `/api/v1` route
 * Express has is here and every path here is a route.
 */
import { API_TOKEN_SCOPES, CONVERSATION_STATUSES, LABEL_LIMITS, LIMITS, WEBHOOK_EVENTS } from '@support-chat/shared';
import { CLIENT_ID_RULE } from '@support-chat/shared/schemas';

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

/** `{ ok: true, data }` with `data` as given. */
const ok = (description: string, data: object) => ({
  description,
  content: {
    'application/json': {
      schema: { type: 'object', required: ['ok', 'data'], properties: { ok: { const: true }, data } },
    },
  },
});

const failure = (description: string) => ({ description, content: { 'application/json': { schema: ref('Failure') } } });

const errors = {
  '400': failure('`invalid_payload`: a parameter or the body is not valid (the message says which).'),
  '401': failure('`unauthorized`: no token, an unknown one or a revoked one.'),
  '429': failure('`rate_limited`: too many requests with this token; `Retry-After` says when to come back.'),
};

const conversationId = { name: 'id', in: 'path', required: true, schema: { type: 'string', maxLength: 64 } };

const object = (properties: Record<string, object>, required = Object.keys(properties)) => ({ type: 'object', required, properties });

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'support-chat REST API',
    version: '1',
    description:
      'For integrations (a CRM, an order system): read conversations, agents and the knowledge base; post messages into a ' +
      'conversation as a named integration. Authenticate with `Authorization: Bearer <token>` (admins create tokens in the ' +
      'console; `read` tokens may only GET). Every answer is `{ ok: true, data }` or `{ ok: false, error: { code, message } }`. ' +
      `Webhooks (events: ${WEBHOOK_EVENTS.join(', ')}) are described in the README.`,
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: `An API token (\`sct_…\`), scope ${API_TOKEN_SCOPES.join(' or ')}.` } },
    schemas: {
      Failure: object({
        ok: { const: false },
        error: object({ code: { type: 'string' }, message: { type: 'string' }, retryAfterMs: { type: 'integer' } }, ['code', 'message']),
      }),
      Conversation: object({
        id: { type: 'string' },
        visitorId: { type: 'string' },
        status: { enum: [...CONVERSATION_STATUSES] },
        assignedAgentId: { type: ['string', 'null'] },
        locale: { enum: ['en', 'zh-CN'] },
        context: { type: 'object', description: 'What the widget reported: page URL and title, referrer, the site’s attributes.' },
        lastSeq: { type: 'integer' },
        createdAt: { type: 'integer', description: 'Milliseconds since the epoch (every time in this API).' },
        updatedAt: {
          type: 'integer',
          description:
            'The last activity (a message, a change of status), to the second: messages within a second of the last move leave it as it is. `lastSeq` counts every message.',
        },
        queuedAt: { type: ['integer', 'null'] },
        closedAt: { type: ['integer', 'null'] },
        handoffReason: { type: ['string', 'null'] },
        rating: {
          oneOf: [{ type: 'null' }, object({ score: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string' }, ratedAt: { type: 'integer' } }, ['score', 'ratedAt'])],
        },
        labels: { type: 'array', maxItems: LABEL_LIMITS.perConversation, items: ref('Label'), description: 'Sorted.' },
      }),
      Label: {
        type: 'string',
        maxLength: LABEL_LIMITS.chars,
        pattern: '^[\\p{L}\\p{N}_-]+$',
        description:
          'Lowercase letters of any script, digits, "-" and "_". Sent labels are normalised first: full-width letters become ASCII, ' +
          'case is folded, spaces become "-" ("Billing Issue" is `billing-issue`).',
      },
      Message: object(
        {
          id: { type: 'string' },
          conversationId: { type: 'string' },
          seq: { type: 'integer', description: '1, 2, 3… per conversation.' },
          author: { enum: ['visitor', 'ai', 'agent', 'system'] },
          kind: { enum: ['text', 'event'], description: 'Internal notes are never returned.' },
          authorName: { type: 'string' },
          text: { type: 'string', description: 'For a file, its name.' },
          attachment: {
            ...object({ id: { type: 'string' }, name: { type: 'string' }, contentType: { type: 'string' }, size: { type: 'integer' } }, ['id', 'name', 'contentType', 'size']),
            description: 'A file sent with the message: its bytes at /api/v1/conversations/{conversationId}/attachments/{id}.',
          },
          apiTokenId: { type: 'string', description: 'Set when an integration posted it: the id of the API token used, so an integration can tell its own messages in webhooks.' },
          createdAt: { type: 'integer' },
        },
        ['id', 'conversationId', 'seq', 'author', 'kind', 'text', 'createdAt'],
      ),
      Agent: object({
        id: { type: 'string' },
        name: { type: 'string' },
        email: { type: 'string' },
        role: { enum: ['admin', 'agent'] },
        active: { type: 'boolean' },
        status: { enum: ['online', 'away', 'offline'] },
      }),
      KnowledgeEntry: object(
        {
          id: { type: 'string' },
          title: { type: 'string' },
          body: { type: 'string', description: 'Markdown.' },
          lang: { enum: ['en', 'zh'] },
          url: { type: 'string' },
          tags: { type: 'array', items: { type: 'string' } },
          document: { type: 'string' },
          score: { type: 'number', description: 'With `q` only: higher is better, within one query.' },
        },
        ['id', 'title', 'body', 'lang', 'tags', 'document'],
      ),
    },
  },
  paths: {
    '/api/v1/openapi.json': {
      get: { summary: 'This document', security: [], responses: { '200': { description: 'The OpenAPI 3.1 document.' } } },
    },
    '/api/v1/conversations': {
      get: {
        summary: 'List conversations, most recently active first (by updatedAt)',
        description:
          'Paged by `next`. A conversation active while you page moves to the front, so it may be passed by the pages still to come: to follow changes, use webhooks (or read again from the first page).',
        parameters: [
          { name: 'status', in: 'query', schema: { enum: [...CONVERSATION_STATUSES] } },
          { name: 'label', in: 'query', description: 'Only conversations carrying this label (normalised as labels are).', schema: { type: 'string' } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } },
          { name: 'cursor', in: 'query', description: 'The `next` of the previous page.', schema: { type: 'string' } },
        ],
        responses: {
          '200': ok('A page; `next` is absent on the last one.', object({ conversations: { type: 'array', items: ref('Conversation') }, next: { type: 'string' } }, ['conversations'])),
          ...errors,
        },
      },
    },
    '/api/v1/conversations/{id}': {
      get: {
        summary: 'One conversation with its messages',
        parameters: [conversationId],
        responses: {
          '200': ok(`The conversation and its first ${LIMITS.historyPage} messages (page on with /messages).`, object({ conversation: ref('Conversation'), messages: { type: 'array', items: ref('Message') } })),
          '404': failure('`not_found`'),
          ...errors,
        },
      },
    },
    '/api/v1/conversations/{id}/messages': {
      get: {
        summary: 'Messages after a seq, oldest first',
        parameters: [
          conversationId,
          { name: 'afterSeq', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: LIMITS.historyPage, default: 100 } },
        ],
        responses: { '200': ok('Messages', object({ messages: { type: 'array', items: ref('Message') } })), '404': failure('`not_found`'), ...errors },
      },
      post: {
        summary: 'Post a message to the visitor as this integration (write scope)',
        description:
          'The visitor sees it live, as an agent’s message signed `authorName` (the token’s name by default). The conversation’s ' +
          'state does not change. Send the same `clientId` again after a lost answer: the stored message comes back (200) instead of a second one.',
        parameters: [conversationId],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: object(
                {
                  text: { type: 'string', minLength: 1, maxLength: LIMITS.messageChars },
                  clientId: { type: 'string', ...CLIENT_ID_RULE, description: 'Idempotency key: 8 or more letters, digits, "-" or "_".' },
                  authorName: { type: 'string', maxLength: LIMITS.nameChars },
                },
                ['text'],
              ),
            },
          },
        },
        responses: {
          '201': ok('Posted', object({ message: ref('Message') })),
          '200': ok('Posted before with this clientId', object({ message: ref('Message') })),
          '403': failure('`forbidden`: a read token.'),
          '404': failure('`not_found`'),
          '409': failure('`invalid_state`: the conversation is closed.'),
          ...errors,
        },
      },
    },
    '/api/v1/conversations/{id}/attachments/{attachmentId}': {
      get: {
        summary: 'A file sent in the conversation (a message’s `attachment`): its bytes',
        parameters: [conversationId, { name: 'attachmentId', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': { description: 'The file, with its type and `Content-Disposition`.', content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } },
          '404': failure('`not_found`: no such conversation, or no such file in it (or erased).'),
          ...errors,
        },
      },
    },
    '/api/v1/conversations/{id}/labels': {
      post: {
        summary: 'Add and remove labels (write scope)',
        description:
          'Removals apply first, then additions; a label it has already, or lacks, changes nothing. Agents see the change live; it is audit-logged as the token.',
        parameters: [conversationId],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: object(
                {
                  add: { type: 'array', maxItems: LABEL_LIMITS.perChange, items: { type: 'string' } },
                  remove: { type: 'array', maxItems: LABEL_LIMITS.perChange, items: { type: 'string' } },
                },
                [],
              ),
            },
          },
        },
        responses: {
          '200': ok('The conversation as it is now', object({ conversation: ref('Conversation') })),
          '403': failure('`forbidden`: a read token.'),
          '404': failure('`not_found`'),
          ...errors,
        },
      },
    },
    '/api/v1/agents': {
      get: { summary: 'The team', responses: { '200': ok('Agents', object({ agents: { type: 'array', items: ref('Agent') } })), ...errors } },
    },
    '/api/v1/knowledge': {
      get: {
        summary: 'Search or list the knowledge base',
        parameters: [
          { name: 'q', in: 'query', description: 'Search: the best matches (up to 100), best first, with their score; without it, every entry in order. Either is paged by limit and offset, and total counts all.', schema: { type: 'string', maxLength: 500 } },
          { name: 'lang', in: 'query', description: 'Only entries in this language (a search ranks in it too).', schema: { enum: ['en', 'zh'] } },
          { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 100, default: 20 } },
          { name: 'offset', in: 'query', schema: { type: 'integer', minimum: 0, default: 0 } },
        ],
        responses: {
          '200': ok('Entries', object({ entries: { type: 'array', items: ref('KnowledgeEntry') }, total: { type: 'integer' } })),
          '503': failure('`unavailable`: the server has no knowledge base.'),
          ...errors,
        },
      },
    },
  },
} as const;
