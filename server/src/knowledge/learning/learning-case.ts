/**
 * When an agent's reply teaches the AI something (issue 14): the reply follows an AI answer
 * that could not answer the visitor (a knowledge gap), that the visitor gave a thumbs down, or
 * that an agent took the conversation over from. The case is the visitor's question the AI
 * replied to and the agent's first substantial reply after that AI answer ("Hi, one moment"
 * teaches nothing; the reply after it does). Pure: the learner reads the messages.
 */
import type { ChatMessage, KnowledgeLanguage, KnowledgeProposalTrigger } from '@support-chat/shared';
import { onlyAsksForAPerson } from '../../routing/handoff-intent.js';
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

/** Fewer words (or Chinese characters) than this, once greetings and holding clauses are out, is no answer. */
const SUBSTANTIAL_WORDS = 5;
const SUBSTANTIAL_HAN = 8;

/** Greetings, thanks and asking the visitor to wait (case-insensitive). */
const HOLDING = new RegExp(
  [
    String.raw`\b(hi|hello|hey|dear|greetings|good (morning|afternoon|evening))\b`,
    String.raw`\b(thanks|thank you|cheers)( (so much|a lot|for (waiting|your patience|reaching out|contacting us|your message)))?\b`,
    String.raw`\b(let me|i'll|i will|i'm going to|i am going to|allow me to)( quickly| just)? (check|look|see|find|verify|ask|get back|have a look)\w*( (into|up|at|out))?\b`,
    String.raw`\b(give me |just )?(one|a) (moment|minute|sec|second)( please)?\b`,
    String.raw`\b(bear with me|hold on|please wait|on it|checking( now)?)\b`,
    // Offering help: the canned greeting a support team sends first ("How can I help?").
    String.raw`\b(how (can|may) (i|we) (help|assist)( you)?( today)?|what can (i|we) do for you( today)?|is there anything (else )?(i|we) can (help|do)( you)?( with)?)\b`,
    // Chinese service phrases: greeting (亲, 在的), introducing (我是客服小明), offering help.
    // 亲 and 在的 only as a clause of their own: inside one they are words (亲自取件, 存在的).
    '^\\s*(亲爱的|亲|在的|在呢|在哦)[哦呀啊的]*\\s*$',
    '您好|你好|稍等|请稍候|请稍等|我(帮您|帮你)?(查|看)一下|正在(为您)?查询|马上|好的|谢谢|感谢(您的)?(耐心)?等待',
    '很高兴(为您|为你|能为您)?服务|(请问)?(有什么|有啥)(问题|事情)?(可以|能|需要)?(帮|帮助|为|帮到)(您|你)(的|服务)?(吗|呢)?',
    '(请问)?(您|你)?(遇到|碰到)(了)?(什么|啥)(问题|情况)(了)?(呢|吗)?',
    '我是(这边的)?(人工|在线)?(客服|售后|专员|顾问|人员)+',
    // Taking the matter on: "发票的问题我来帮您处理" (the matter named, nothing said of it).
    '([\\p{Script=Han}]{1,6}的|这个|这|此|您的|你的)问题',
    '我?(来|会|马上|这就|立即|立刻)?(帮|为|给)(您|你)(处理|解决|查询|查|看|跟进|核实|确认|登记|反馈)(一下)?',
  ].join('|'),
  'giu',
);

/** What ends a clause: punctuation of either script, a line, a "~" (proposal-writer.ts splits the same way). */
export const CLAUSE_END = '\\n,.!?;:。！？，；：~～';
const CLAUSES = new RegExp(`[${CLAUSE_END}]+`, 'u');

/**
 * A clause that is only the agent introducing themselves: "Bob here", "this is Bob from support",
 * "I am Demo Admin from Northwind Goods" (capitals: a name of up to three words; a company of up
 * to four after "from": the canned greeting a probe saw proposed as a knowledge answer).
 */
const INTRODUCING =
  /^\s*(?:(?:[Mm]y name is|I am|I'm) \p{Lu}\p{L}*(?: \p{Lu}\p{L}*){0,2}|[Tt]his is \p{Lu}\p{L}*|\p{Lu}\p{L}* here)(?: from (?:the )?\p{Lu}\p{L}*(?: \p{Lu}\p{L}*){0,3}| from (?:the )?(?:support|service|customer service|sales)(?: team)?)?\s*$/u;

/** Words (of any script but Chinese) and Chinese characters in `text`. */
function countWords(text: string): { words: number; han: number } {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return { words: text.replace(/\p{Script=Han}/gu, ' ').split(/[\s,.!?;:]+/).filter((w) => /\p{L}|\d/u.test(w)).length, han };
}

/**
 * A clause that greets, introduces, thanks or asks the visitor to wait, and says little else
 * ("Let me look up your order"): such phrases inside a clause that says more ("It takes one
 * minute to reset", "Add a second address") leave it whole.
 */
export function isHolding(clause: string): boolean {
  if (INTRODUCING.test(clause)) return true;
  const rest = clause.replace(HOLDING, ' ');
  if (rest === clause) return false;
  const { words, han } = countWords(rest);
  // A name or a particle at most (小明, 哦): a Chinese clause is short, so "好的，可以开专票"
  // without its comma still says something (可以开专票).
  return words + han / 2 <= 3 && han <= 3;
}

/** More than asking for a person or whether anyone is there ("在吗？", "Anyone there?"). */
function asksSomething(text: string): boolean {
  if (onlyAsksForAPerson(text)) return false;
  const { words, han } = countWords(text.replace(/在吗|在不在|有人吗|anyone there|are you there|hello/giu, ' '));
  return words >= 2 || han >= 3;
}

/** A question ("Also, when will order 4711 arrive?", "另外，我的订单什么时候到？", "能开发票吗"). */
function isQuestion(text: string): boolean {
  return /[?？]|[吗呢][\s。!！~]*$/u.test(text.trim());
}

/** "Hi, Bob here. Let me look up your order." says nothing a help-center entry could keep, however many words it has. */
export function isSubstantial(text: string): boolean {
  const said = text
    .split(CLAUSES)
    .filter((clause) => !isHolding(clause))
    .join(' ');
  const { words, han } = countWords(said);
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
  // A message left for the team after the AI answer (nobody was online): the reply answers that
  // message, not the question the AI missed, and a wrong pair costs the reviewer more than a
  // missed one. (Asking for a person, or adding details while queued, keeps the pair.)
  const after = before.slice(aiIndex + 1).filter((m) => m.author === 'visitor');
  if (conversation.leftMessage && after.some((m) => isSubstantial(m.text))) return null;
  // Another question after the AI answer (one the AI never saw, once an agent took over), short
  // ones too ("能开发票吗？"): the reply may answer that one, and a customer's order number
  // answering "do you take cash on delivery?" is worse than no proposal.
  if (after.some((m) => isQuestion(m.text) && asksSomething(m.text))) return null;
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
