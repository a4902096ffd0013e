/**
 * Schemas for every payload a client sends. The server validates at the boundary with these
 * (types are not validation); the client-side payload types are inferred from them, so the two
 * cannot drift. Import from `@support-chat/shared/schemas` (server only): the widget imports
 * just the inferred types, so zod never reaches a visitor's browser.
 */
import { z } from 'zod';
import { LIMITS } from './limits.js';

const trimmedText = (max: number) =>
  z
    .string()
    .max(max, `must be at most ${max} characters`)
    .transform((s) => s.trim())
    .pipe(z.string().min(1, 'must not be empty'));

export const clientIdSchema = z
  .string()
  .min(8, 'must be at least 8 characters')
  .max(LIMITS.clientIdChars)
  .regex(/^[A-Za-z0-9_-]+$/, 'may only contain letters, digits, "-" and "_"');

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

// ---- /agent namespace ----

export const agentInboxSchema = z.object({}).strict();

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

// ---- HTTP ----

export const loginSchema = z
  .object({
    email: z.string().trim().toLowerCase().pipe(z.email().max(LIMITS.emailChars)),
    password: z.string().min(1).max(LIMITS.passwordMaxChars),
  })
  .strict();

export type VisitorResumePayload = z.input<typeof visitorResumeSchema>;
export type VisitorSendPayload = z.input<typeof visitorSendSchema>;
export type VisitorHandoffPayload = z.input<typeof visitorHandoffSchema>;
export type VisitorTypingPayload = z.input<typeof visitorTypingSchema>;
export type AgentInboxPayload = z.input<typeof agentInboxSchema>;
export type AgentConversationRefPayload = z.input<typeof agentConversationRefSchema>;
export type AgentHistoryPayload = z.input<typeof agentHistorySchema>;
export type AgentSendPayload = z.input<typeof agentSendSchema>;
export type AgentTypingPayload = z.input<typeof agentTypingSchema>;
export type LoginPayload = z.input<typeof loginSchema>;
