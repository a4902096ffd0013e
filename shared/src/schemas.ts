/**
 * Schemas for every payload a client sends. The server validates at the boundary with these
 * (types are not validation); the client-side payload types are inferred from them, so the two
 * cannot drift. Import from `@support-chat/shared/schemas` (server only): the widget imports
 * just the inferred types, so zod never reaches a visitor's browser.
 */
import { z } from 'zod';
import { CANNED_SHORTCUT_RULE, LIMITS } from './limits.js';
import { isTimeZone, LOCALES } from './locale.js';
import { AUDIT_ACTIONS } from './audit.js';
import { API_TOKEN_SCOPES, WEBHOOK_DELIVERY_STATUSES, WEBHOOK_EVENTS } from './integrations.js';
import { KNOWLEDGE_LIMITS } from './knowledge.js';
import { LABEL_LIMITS, labelProblem, normaliseLabel } from './labels.js';
import { CONVERSATION_STATUSES, INBOX_PAGE_SECTIONS } from './model.js';

/** NUL characters mean nothing in chat text, and PostgreSQL cannot store them in `text`: dropped. */
const withoutNul = (s: string) => s.replace(/\0/g, '');

const trimmedText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => withoutNul(s).trim())
    .pipe(z.string().min(1, 'must not be empty'));

/** What a client id may be: also told to REST clients by the OpenAPI document (openapi.ts). */
export const CLIENT_ID_RULE = { minLength: 8, maxLength: LIMITS.clientIdChars, pattern: '^[A-Za-z0-9_-]+$' } as const;

export const clientIdSchema = z
  .string()
  .min(CLIENT_ID_RULE.minLength, `must be at least ${CLIENT_ID_RULE.minLength} characters`)
  .max(CLIENT_ID_RULE.maxLength)
  .regex(new RegExp(CLIENT_ID_RULE.pattern), 'may only contain letters, digits, "-" and "_"');

export const conversationIdSchema = z.string().min(1).max(64);

const optionalBounded = (max: number) => z.string().max(max).optional();

export const visitorContextSchema = z
  .object({
    pageUrl: optionalBounded(LIMITS.contextUrlChars),
    pageTitle: optionalBounded(LIMITS.contextTitleChars),
    referrer: optionalBounded(LIMITS.contextUrlChars),
    language: optionalBounded(35),
    timeZone: optionalBounded(64),
    userAgent: optionalBounded(512),
    attributes: z
      .record(
        z.string().min(1).max(LIMITS.attributeKeyChars),
        z.string().max(LIMITS.attributeValueChars),
      )
      .refine((r) => Object.keys(r).length <= LIMITS.attributeCount, {
        message: `at most ${LIMITS.attributeCount} attributes`,
      })
      .optional(),
  })
  .strict();

/** One label, normalised (`labels.ts`): "Billing " and "ＢＩＬＬＩＮＧ" both become `billing`. */
export const labelSchema = z
  .string()
  .max(LABEL_LIMITS.chars * 4, `must be at most ${LABEL_LIMITS.chars} characters`)
  .transform((s) => normaliseLabel(withoutNul(s)))
  .superRefine((label, ctx) => {
    const problem = labelProblem(label);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

const labelList = z.array(labelSchema).max(LABEL_LIMITS.perChange, `at most ${LABEL_LIMITS.perChange} labels at once`).default([]);

/** Labels to add and remove in one change (REST API); at least one of them. */
export const labelChangeSchema = z
  .object({ add: labelList, remove: labelList })
  .strict()
  .refine((c) => c.add.length + c.remove.length > 0, 'add or remove at least one label');

// ---- /visitor namespace ----

export const visitorResumeSchema = z
  .object({
    /** Highest seq the client already has; the server sends the rest. */
    afterSeq: z.number().int().min(0).default(0),
    /** The conversation `afterSeq` belongs to; when it is no longer the latest, all is resent. */
    conversationId: conversationIdSchema.optional(),
    context: visitorContextSchema.optional(),
  })
  .strict();

export const visitorSendSchema = z
  .object({
    clientId: clientIdSchema,
    text: trimmedText(LIMITS.messageChars),
  })
  .strict();

export const visitorHandoffSchema = z
  .object({
    clientId: clientIdSchema.optional(),
  })
  .strict();

export const visitorTypingSchema = z.object({ typing: z.boolean() }).strict();

export const visitorReadSchema = z.object({ seq: z.number().int().min(0) }).strict();

export const messageIdSchema = z.string().min(1).max(64);

export const visitorRateAnswerSchema = z
  .object({ messageId: messageIdSchema, helpful: z.boolean() })
  .strict();

export const visitorRateConversationSchema = z
  .object({
    conversationId: conversationIdSchema,
    score: z.number().int().min(1).max(5),
    comment: z.string().max(LIMITS.messageChars).transform((s) => s.trim()).optional(),
    /** Also email the transcript there (issue 13): the widget's offer in its rating card. */
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(LIMITS.emailChars)).optional(),
  })
  .strict();

export const visitorLeaveMessageSchema = z
  .object({
    clientId: clientIdSchema,
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(LIMITS.emailChars)),
    name: z.string().max(LIMITS.nameChars).transform((s) => s.trim()).optional(),
    text: trimmedText(LIMITS.messageChars),
  })
  .strict();

export const visitorTranscriptSchema = z
  .object({
    conversationId: conversationIdSchema,
    email: z.string().trim().toLowerCase().pipe(z.email('must be an email address').max(LIMITS.emailChars)).optional(),
  })
  .strict();

// ---- /agent namespace ----

export const agentInboxSchema = z.object({}).strict();

/** `{}`: queued + the first page of every section; `{ section, cursor }`: the next page of one. */
export const agentInboxListSchema = z
  .object({
    section: z.enum(INBOX_PAGE_SECTIONS).optional(),
    cursor: z.string().max(300).optional(),
    limit: z.number().int().min(1).max(200).default(LIMITS.inboxPage),
  })
  .strict()
  .refine((p) => p.cursor === undefined || p.section !== undefined, 'a cursor needs its section');

/**
 * `inbox:follow`: whether this socket wants the rows of conversations that are neither its
 * agent's nor queued (the team's, the AI's, closed ones), batched per second. A console follows
 * while it shows them; a socket starts out not following.
 */
export const agentInboxFollowSchema = z.object({ team: z.boolean() }).strict();

export const agentConversationRefSchema = z
  .object({ conversationId: conversationIdSchema })
  .strict();

export const agentHistorySchema = z
  .object({
    conversationId: conversationIdSchema,
    afterSeq: z.number().int().min(0).default(0),
  })
  .strict();

export const agentSendSchema = z
  .object({
    conversationId: conversationIdSchema,
    clientId: clientIdSchema,
    text: trimmedText(LIMITS.messageChars),
  })
  .strict();

export const agentTypingSchema = z
  .object({ conversationId: conversationIdSchema, typing: z.boolean() })
  .strict();

export const agentNoteSchema = agentSendSchema;

/**
 * Who the console saw handling the conversation it moves (null: nobody): the move is made only
 * while that holds, so two teammates taking over at once do not both succeed, the second taking
 * it from the first unawares (a support team's probe). Absent: whoever handles it when asked.
 */
const handledBySchema = z.string().min(1).max(64).nullable().optional();

export const agentTransferSchema = z
  .object({ conversationId: conversationIdSchema, agentId: z.string().min(1).max(64), handledBy: handledBySchema })
  .strict();

/** `conversation:close` and `conversation:handback`. */
export const agentMoveSchema = z.object({ conversationId: conversationIdSchema, handledBy: handledBySchema }).strict();

export const agentReadSchema = z
  .object({ conversationId: conversationIdSchema, seq: z.number().int().min(0) })
  .strict();

/** `conversation:label`: add and remove labels of one conversation. */
export const agentLabelSchema = z
  .object({
    conversationId: conversationIdSchema,
    add: labelList,
    remove: labelList,
  })
  .strict()
  .refine((c) => c.add.length + c.remove.length > 0, 'add or remove at least one label');

/** `conversation:history`: the visitor's (or verified user's) other conversations, newest first. */
export const agentVisitorHistorySchema = z
  .object({
    conversationId: conversationIdSchema,
    cursor: z.string().max(120).regex(/^\d{1,16}:[\w-]{1,64}$/, 'is not a cursor this server gave').optional(),
    limit: z.number().int().min(1).max(50).default(10),
  })
  .strict();

export const agentPresenceSchema = z.object({ status: z.enum(['online', 'away']) }).strict();

export const agentSearchSchema = z
  .object({
    query: z.string().max(200).transform((s) => withoutNul(s).trim()).optional(),
    status: z.enum(CONVERSATION_STATUSES).optional(),
    /** Inclusive range on `createdAt` (ms). */
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
    /** Only conversations carrying this label (issue 13). */
    label: labelSchema.optional(),
    limit: z.number().int().min(1).max(200).default(50),
  })
  .strict();

// ---- HTTP ----

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be HH:MM');
const dayRanges = z.array(z.tuple([hhmm, hhmm])).max(6);

export const businessHoursSchema = z
  .object({
    timeZone: z.string().min(1).max(64).refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
    days: z
      .object({ mon: dayRanges, tue: dayRanges, wed: dayRanges, thu: dayRanges, fri: dayRanges, sat: dayRanges, sun: dayRanges })
      .partial()
      .strict(),
  })
  .strict();

export const routingSettingsSchema = z
  .object({
    assignment: z.enum(['auto', 'manual']),
    defaultCapacity: z.number().int().min(1).max(100),
    disconnectGraceSeconds: z.number().int().min(0).max(3600),
    handoffKeywords: z.array(z.string().trim().min(1).max(100)).max(100),
    handoffAttributes: z.array(z.object({ key: z.string().min(1).max(64), value: z.string().max(500) }).strict()).max(50),
    businessHours: businessHoursSchema.nullable(),
    agentsManageKnowledge: z.boolean().optional(),
    labelRules: z
      .array(
        z.union([
          z.object({ keyword: z.string().trim().min(1).max(100), label: labelSchema }).strict(),
          z.object({ attribute: z.object({ key: z.string().min(1).max(64), value: z.string().max(500) }).strict(), label: labelSchema }).strict(),
        ]),
      )
      .max(100)
      .optional(),
  })
  .strict();

const welcomeTextSchema = z
  .object({
    greeting: z
      .string()
      .max(LIMITS.welcomeGreetingChars, `must be at most ${LIMITS.welcomeGreetingChars} characters`)
      .transform((s) => s.trim()),
    starters: z
      .array(trimmedText(LIMITS.welcomeStarterChars))
      .max(LIMITS.welcomeStarters, `must be at most ${LIMITS.welcomeStarters} starter questions`)
      .refine((qs) => new Set(qs.map((q) => q.toLowerCase())).size === qs.length, 'must not repeat a starter question'),
  })
  .strict();

/**
 * The first impression (issue 12): a greeting and starter questions in each language. The widget
 * shows starter questions under the greeting (either language's, when its own is empty).
 */
export const welcomeSettingsSchema = z
  .object({ en: welcomeTextSchema, 'zh-CN': welcomeTextSchema })
  .strict()
  .refine(
    ({ en, 'zh-CN': zh }) => !!(en.greeting || zh.greeting) || !(en.starters.length || zh.starters.length),
    'starter questions are shown under a greeting: write one in either language',
  );

export const agentCreateSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(LIMITS.emailChars)),
    password: z.string().min(LIMITS.passwordMinChars).max(LIMITS.passwordMaxChars),
    name: z.string().trim().min(1).max(LIMITS.nameChars),
    role: z.enum(['admin', 'agent']).default('agent'),
    capacity: z.number().int().min(1).max(100).optional(),
  })
  .strict();

export const agentUpdateSchema = z
  .object({
    name: z.string().trim().min(1).max(LIMITS.nameChars).optional(),
    role: z.enum(['admin', 'agent']).optional(),
    capacity: z.number().int().min(1).max(100).optional(),
    password: z.string().min(LIMITS.passwordMinChars).max(LIMITS.passwordMaxChars).optional(),
  })
  .strict();

export const cannedReplySchema = z
  .object({
    shortcut: z.string().trim().toLowerCase().normalize().regex(new RegExp(`^${CANNED_SHORTCUT_RULE.pattern}$`, 'v'), 'use letters (any script), digits and "-"'),
    text: trimmedText(LIMITS.messageChars),
  })
  .strict();

/** `PUT /api/auth/me/preferences`: what an agent chooses for themselves (the console's language). */
export const agentPreferencesSchema = z.object({ locale: z.enum(LOCALES) }).strict();

export const loginSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(LIMITS.emailChars)),
    password: z.string().min(1).max(LIMITS.passwordMaxChars),
  })
  .strict();

/** `GET /api/admin/audit` query: a page of entries, newest first, optionally of one agent and one action. */
export const auditQuerySchema = z
  .object({
    cursor: z.string().max(200).regex(/^\d{1,16}:[\w-]{1,64}$/, 'is not a cursor this server gave').optional(),
    actor: z.string().min(1).max(64).optional(),
    action: z.enum(AUDIT_ACTIONS).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

/** A visitor id as the server issues them (a UUID) or as older stores hold them: bounded, no separators. */
export const visitorIdSchema = z.string().regex(/^[\w-]{1,64}$/, 'is not a visitor id');

// ---- Integrations (issue 13) ----

const webhookUrlSchema = z
  .string()
  .trim()
  .max(2000)
  .pipe(z.url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' }));

const webhookEventsSchema = z.array(z.enum(WEBHOOK_EVENTS)).min(1, 'choose at least one event').max(WEBHOOK_EVENTS.length)
  .transform((events) => [...new Set(events)]);

export const webhookCreateSchema = z
  .object({
    url: webhookUrlSchema,
    events: webhookEventsSchema,
    description: z.string().trim().max(200).default(''),
  })
  .strict();

export const webhookUpdateSchema = z
  .object({
    url: webhookUrlSchema.optional(),
    events: webhookEventsSchema.optional(),
    description: z.string().trim().max(200).optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const webhookDeliveriesQuerySchema = z
  .object({
    status: z.enum(WEBHOOK_DELIVERY_STATUSES).optional(),
    limit: z.coerce.number().int().min(1).max(200).default(50),
  })
  .strict();

export const apiTokenCreateSchema = z
  .object({
    name: z.string().trim().min(1).max(LIMITS.nameChars),
    scope: z.enum(API_TOKEN_SCOPES),
  })
  .strict();

/** `GET /api/v1/conversations`: newest `updatedAt` first, paged by the `next` cursor it answers. */
export const apiConversationsQuerySchema = z
  .object({
    status: z.enum(CONVERSATION_STATUSES).optional(),
    label: labelSchema.optional(),
    limit: z.coerce.number().int().min(1).max(100).default(50),
    cursor: z.string().max(200).regex(/^\d{1,16}:[\w-]{1,64}$/, 'is not a cursor this server gave').optional(),
  })
  .strict();

/** `GET /api/v1/conversations/:id/messages`: after `afterSeq`, oldest first. */
export const apiMessagesQuerySchema = z
  .object({
    afterSeq: z.coerce.number().int().min(0).default(0),
    limit: z.coerce.number().int().min(1).max(LIMITS.historyPage).default(100),
  })
  .strict();

/** `POST /api/v1/conversations/:id/messages`: an integration's message, shown to the visitor as an agent's. */
export const apiPostMessageSchema = z
  .object({
    text: trimmedText(LIMITS.messageChars),
    /** The idempotency key: the same one again returns the stored message. */
    clientId: clientIdSchema.optional(),
    /** Shown as the sender; the token's name by default. */
    authorName: z.string().trim().min(1).max(LIMITS.nameChars).optional(),
  })
  .strict();

/** `GET /api/v1/knowledge`: with `q`, the best matches; without, every entry, paged by `offset`. */
export const apiKnowledgeQuerySchema = z
  .object({
    q: z.string().trim().min(1).max(500).optional(),
    lang: z.enum(['en', 'zh']).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    offset: z.coerce.number().int().min(0).default(0),
  })
  .strict();

export type VisitorResumePayload = z.input<typeof visitorResumeSchema>;
export type VisitorSendPayload = z.input<typeof visitorSendSchema>;
export type VisitorHandoffPayload = z.input<typeof visitorHandoffSchema>;
export type VisitorTypingPayload = z.input<typeof visitorTypingSchema>;
export type AgentInboxPayload = z.input<typeof agentInboxSchema>;
export type AgentInboxListPayload = z.input<typeof agentInboxListSchema>;
export type AgentInboxFollowPayload = z.input<typeof agentInboxFollowSchema>;
export type AgentConversationRefPayload = z.input<typeof agentConversationRefSchema>;
export type AgentMovePayload = z.input<typeof agentMoveSchema>;
export type AgentHistoryPayload = z.input<typeof agentHistorySchema>;
export type AgentSendPayload = z.input<typeof agentSendSchema>;
export type AgentTypingPayload = z.input<typeof agentTypingSchema>;
export type LoginPayload = z.input<typeof loginSchema>;
export type VisitorReadPayload = z.input<typeof visitorReadSchema>;
export type VisitorRateAnswerPayload = z.input<typeof visitorRateAnswerSchema>;
export type VisitorRateConversationPayload = z.input<typeof visitorRateConversationSchema>;
export type VisitorLeaveMessagePayload = z.input<typeof visitorLeaveMessageSchema>;
export type VisitorTranscriptPayload = z.input<typeof visitorTranscriptSchema>;
export type AgentNotePayload = z.input<typeof agentNoteSchema>;
export type AgentTransferPayload = z.input<typeof agentTransferSchema>;
export type AgentReadPayload = z.input<typeof agentReadSchema>;
export type AgentPresencePayload = z.input<typeof agentPresenceSchema>;
export type AgentSearchPayload = z.input<typeof agentSearchSchema>;
export type AgentLabelPayload = z.input<typeof agentLabelSchema>;
export type AgentVisitorHistoryPayload = z.input<typeof agentVisitorHistorySchema>;
export type RoutingSettingsPayload = z.input<typeof routingSettingsSchema>;
export type WelcomeSettingsPayload = z.input<typeof welcomeSettingsSchema>;
export type AgentCreatePayload = z.input<typeof agentCreateSchema>;
export type AgentUpdatePayload = z.input<typeof agentUpdateSchema>;
export type CannedReplyPayload = z.input<typeof cannedReplySchema>;

/** An admin's knowledge entry (issue 14): `POST /api/admin/knowledge/entries`, `PUT …/:id`. */
const oneLine = (s: string) => !/[\r\n]/.test(s);
export const knowledgeEntryInputSchema = z.object({
  question: trimmedText(KNOWLEDGE_LIMITS.questionChars).refine(oneLine, 'must be one line'),
  phrasings: z
    .array(
      z
        .string()
        .max(KNOWLEDGE_LIMITS.questionChars, `must be at most ${KNOWLEDGE_LIMITS.questionChars} characters`)
        .refine(oneLine, 'must be one line'),
    )
    .max(KNOWLEDGE_LIMITS.phrasings, `at most ${KNOWLEDGE_LIMITS.phrasings} phrasings`)
    .default([])
    .transform((list) => [...new Set(list.map((p) => p.trim()).filter(Boolean))]),
  // `#` and `##` headings would split the entry in a Markdown export; `###` and below are fine.
  answer: trimmedText(KNOWLEDGE_LIMITS.answerChars).refine((s) => !/^\s{0,3}#{1,2}\s/m.test(s), 'use ### for headings inside an answer'),
  lang: z.enum(['en', 'zh']),
  tags: z
    .array(z.string().max(KNOWLEDGE_LIMITS.tagChars))
    .max(KNOWLEDGE_LIMITS.tags)
    .default([])
    .transform((list) => [...new Set(list.map((t) => t.trim()).filter(Boolean))]),
  url: z
    .string()
    .max(KNOWLEDGE_LIMITS.urlChars)
    .transform((s) => s.trim() || undefined)
    // A path on this site: one slash, since `//host/…` (and `/\\host`, which browsers read alike)
    // leaves it for another one, as a link the visitor trusts for being the site's source.
    .pipe(
      z
        .string()
        .regex(/^(https?:\/\/|\/(?![/\\]))/, 'must start with http://, https:// or / (a path on this site)')
        // Browsers drop tabs and newlines from a link (`/\t/host` is `//host`), and an exported file's `URL:` line would end at one.
        .regex(/^[^\u0000-\u001f\u007f]*$/, 'must not contain control characters (tabs, newlines)')
        .optional(),
    )
    .optional(),
  revision: z.number().int().nonnegative().optional(),
});
export type KnowledgeEntryPayload = z.input<typeof knowledgeEntryInputSchema>;

/**
 * Accepting a knowledge proposal (issue 14): `POST /api/admin/knowledge/proposals/:id/accept`.
 * The admin may edit it first: `entry` for a new-entry proposal, `phrasing` for a phrasing one;
 * without either, it is accepted as proposed.
 */
export const proposalAcceptSchema = z
  .object({
    entry: knowledgeEntryInputSchema.omit({ revision: true }).optional(),
    phrasing: trimmedText(KNOWLEDGE_LIMITS.questionChars).refine(oneLine, 'must be one line').optional(),
  })
  .strict();
export type ProposalAcceptPayload = z.input<typeof proposalAcceptSchema>;
// ---- Attachments (issue 13) ----

/** The headers of an upload: the client id makes a retry harmless; the name is only shown, never trusted. */
export const attachmentUploadSchema = z.object({
  clientId: clientIdSchema,
  /** `X-File-Name`, URI-encoded by the client (HTTP headers are Latin-1). */
  name: z.string().max(1000).optional(),
});

export const attachmentIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'is not an attachment id');

/** The files the widget wants `<img>`/download links for: what one transcript page shows at most. */
export const attachmentLinksSchema = z.object({ ids: z.array(attachmentIdSchema).min(1).max(100) }).strict();

export const attachmentQuerySchema = z.object({ conversationId: z.string().min(1).max(64) });
