/**
 * When an agent's reply teaches the AI something (issue 14): the reply follows an AI answer
 * that could not answer the visitor (a knowledge gap), that the visitor gave a thumbs down, or
 * that an agent took the conversation over from. The case is the visitor's question the AI
 * replied to and the agent's first substantial reply after that AI answer ("Hi, one moment"
 * teaches nothing; the reply after it does). Pure: the learner reads the messages.
 */
import type { ChatMessage, KnowledgeLanguage, KnowledgeProposalTrigger } from '@support-chat/shared';
import type { ConversationRecord } from '../../store/types.js';

export interface LearningCase {
  trigger: KnowledgeProposalTrigger;
  question: string;
  answer: string;
  /** The entries the AI answered from, or came closest to. */
  aiEntryIds: string[];
  lang: KnowledgeLanguage;
  conversationId: string;
  agentName: string;
  at: number;
}

/** Fewer words (or Chinese characters) than this is a greeting or a holding line, not an answer. */
const SUBSTANTIAL_WORDS = 5;
const SUBSTANTIAL_HAN = 8;

export function isSubstantial(text: string): boolean {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  const words = text.replace(/\p{Script=Han}/gu, ' ').split(/[\s,.!?;:]+/).filter((w) => /\p{L}|\d/u.test(w)).length;
  return words >= SUBSTANTIAL_WORDS || han >= SUBSTANTIAL_HAN || words + han / 2 >= SUBSTANTIAL_WORDS;
}

/**
 * `messages`: the conversation's latest messages up to and including `reply`, in seq order.
 * Null when the reply teaches nothing (no AI answer before it, the AI answered without a
 * complaint, or an earlier reply already answered after that AI answer).
 */
export function findLearningCase(conversation: ConversationRecord, messages: readonly ChatMessage[], reply: ChatMessage): LearningCase | null {
  if (reply.author !== 'agent' || reply.kind !== 'text' || !isSubstantial(reply.text)) return null;
  const before = messages.filter((m) => m.seq < reply.seq && m.kind === 'text');
  const aiIndex = before.findLastIndex((m) => m.author === 'ai');
  if (aiIndex < 0) return null;
  const ai = before[aiIndex]!;
  if (before.slice(aiIndex + 1).some((m) => m.author === 'agent' && isSubstantial(m.text))) return null;
  const trigger: KnowledgeProposalTrigger | null =
    ai.provenance?.answered === false
      ? 'gap'
      : ai.feedback === 'not_helpful'
        ? 'thumbs_down'
        : conversation.handoffReason === 'agent_takeover'
          ? 'takeover'
          : null;
  if (!trigger) return null;
  const question = before.slice(0, aiIndex).findLast((m) => m.author === 'visitor');
  if (!question?.text.trim()) return null;
  return {
    trigger,
    question: question.text,
    answer: reply.text,
    aiEntryIds: [...new Set([...(ai.provenance?.passageIds ?? []), ...(ai.sources ?? []).map((s) => s.id)])],
    lang: /\p{Script=Han}/u.test(question.text) ? 'zh' : 'en',
    conversationId: conversation.id,
    agentName: reply.authorName ?? 'Agent',
    at: reply.createdAt,
  };
}
