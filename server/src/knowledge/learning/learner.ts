/**
 * The learning loop's first half (issue 14): an agent's reply that answers what the AI could
 * not (or corrects it) becomes a proposal in the console's review list.
 * - When the reply is (mostly) the answer of an existing entry, among those the AI answered from
 *   or came close to and those the reply itself matches, the visitor's question is proposed as
 *   a new phrasing of that entry: the AI had the answer and missed the words.
 * - Otherwise it is proposed as a new entry, its text written by the proposal writer.
 * - A question near an open proposal's (`NEAR_DUPLICATE`) adds to that proposal's count and
 *   examples instead of piling up a new one.
 * Runs after the reply is stored, off the chat path; one case at a time per process.
 */
import { randomUUID } from 'node:crypto';
import { KNOWLEDGE_LIMITS, PROPOSAL_LIMITS, type ChatMessage, type KnowledgeProposal, type KnowledgeProposalExample } from '@support-chat/shared';
import type { ConversationRecord, Store } from '../../store/types.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import type { KnowledgeEntry } from '../types.js';
import { findLearningCase, isSubstantial, type LearningCase } from './learning-case.js';
import { extractWriter, type ProposalWriter } from './proposal-writer.js';
import { NEAR_DUPLICATE, similarityFor } from './similarity.js';

/** Messages read back from the reply to find the AI answer and the question. */
const LOOKBACK = 40;
/** Share of the reply's terms an entry's answer must hold for the reply to count as that answer. */
export const SAME_ANSWER = 0.6;

export type LearnerStore = Pick<Store, 'listMessages' | 'listKnowledgeProposals' | 'createKnowledgeProposal' | 'addKnowledgeProposalExample'>;

export interface KnowledgeLearnerOptions {
  store: LearnerStore;
  knowledge: Pick<KnowledgeBase, 'snapshot'>;
  writer?: ProposalWriter;
  onError?: (error: unknown) => void;
  /** Told after each proposal created or merged (tests, logs). */
  onProposal?: (proposal: KnowledgeProposal, merged: boolean) => void;
}

/** How many assignments `KnowledgeLearner` remembers as past their first substantial reply. */
const SETTLED_ASSIGNMENTS = 10_000;

export class KnowledgeLearner {
  private queue: Promise<void> = Promise.resolve();

  /**
   * Assignments (conversation + when it was assigned) whose first substantial agent reply was
   * looked at. Only that reply can be a case: the AI does not speak while a person has the
   * conversation, so every later reply of the same assignment follows an agent's answer.
   * Remembering them spares a read of the last 40 messages on the event loop per agent reply
   * (issue 9). Per process: a reply whose first came through another process is read, and found
   * to be no case.
   */
  private readonly settled = new Set<string>();

  constructor(private readonly options: KnowledgeLearnerOptions) {}

  /** Looks at a stored message; agents' replies may make or grow a proposal. Never throws. */
  consider(message: ChatMessage, conversation: ConversationRecord): Promise<void> {
    if (message.author !== 'agent' || message.kind !== 'text' || !isSubstantial(message.text)) return Promise.resolve();
    // Only while a person has it: an integration may post into a conversation the AI answers.
    if (conversation.status === 'assigned') {
      const assignment = `${conversation.id}@${conversation.assignedAt ?? ''}`;
      if (this.settled.has(assignment)) return Promise.resolve();
      this.settled.add(assignment);
      if (this.settled.size > SETTLED_ASSIGNMENTS) this.settled.delete(this.settled.values().next().value!);
    }
    this.queue = this.queue
      .then(() => this.learn(message, conversation))
      .catch((error: unknown) => this.options.onError?.(error));
    return this.queue;
  }

  /** Resolves once every case considered so far is handled (tests, shutdown). */
  idle(): Promise<void> {
    return this.queue;
  }

  private async learn(reply: ChatMessage, conversation: ConversationRecord): Promise<void> {
    const { store } = this.options;
    const messages = await store.listMessages(conversation.id, { afterSeq: Math.max(0, reply.seq - LOOKBACK), limit: LOOKBACK });
    const found = findLearningCase(conversation, messages.filter((m) => m.seq <= reply.seq), reply);
    if (found) await this.propose(found);
  }

  /** Makes or merges the proposal for one case (exported through the class for tests). */
  async propose(found: LearningCase): Promise<KnowledgeProposal | null> {
    const { store, knowledge, writer = extractWriter, onProposal } = this.options;
    const snapshot = knowledge.snapshot;
    const similarity = similarityFor(snapshot);
    const example: KnowledgeProposalExample = {
      question: oneLine(found.question),
      answer: found.answer.slice(0, PROPOSAL_LIMITS.exampleAnswerChars),
      conversationId: found.conversationId,
      agentName: found.agentName,
      trigger: found.trigger,
      at: found.at,
    };
    const open = await store.listKnowledgeProposals('open', PROPOSAL_LIMITS.open);
    let nearest: { proposal: KnowledgeProposal; score: number } | null = null;
    for (const proposal of open) {
      const score = Math.max(similarity(example.question, proposal.question), ...proposal.examples.map((e) => similarity(example.question, e.question)));
      if (score >= NEAR_DUPLICATE && (!nearest || score > nearest.score)) nearest = { proposal, score };
    }
    if (nearest) {
      const merged = await store.addKnowledgeProposalExample(nearest.proposal.id, example, PROPOSAL_LIMITS.examples);
      if (merged) {
        onProposal?.(merged, true);
        return merged;
      }
      // Decided meanwhile: this one stands on its own.
    }

    const source = answerSource(snapshot.entries, snapshot.analyze, found, (text) => snapshot.lexical.search(text, { limit: 5 }));
    if (source) {
      const known = [source.title, ...(source.phrasings ?? [])].map((q) => q.toLowerCase());
      if (known.includes(example.question.toLowerCase())) return null; // nothing to learn
    }
    const text = source ? null : await writer.write({ question: found.question, answer: found.answer, lang: found.lang });
    const proposal: KnowledgeProposal = {
      id: randomUUID(),
      kind: source ? 'phrasing' : 'entry',
      status: 'open',
      question: source ? example.question : text!.question,
      answer: source ? '' : text!.answer,
      lang: found.lang,
      ...(source ? { entryId: source.id, entryQuestion: source.title } : {}),
      trigger: found.trigger,
      count: 1,
      examples: [example],
      createdAt: found.at,
      updatedAt: found.at,
    };
    await store.createKnowledgeProposal(proposal);
    onProposal?.(proposal, false);
    return proposal;
  }
}

/**
 * The entry the agent's reply came from: the candidate (the AI's entries, then the reply's own
 * best lexical matches) whose answer holds the largest share of the reply's terms, if at least
 * `SAME_ANSWER`.
 */
export function answerSource(
  entries: readonly KnowledgeEntry[],
  analyze: (text: string) => string[],
  found: Pick<LearningCase, 'answer' | 'aiEntryIds'>,
  search?: (text: string) => readonly { entry: KnowledgeEntry }[],
): KnowledgeEntry | null {
  const replyTerms = new Set(analyze(found.answer));
  if (replyTerms.size === 0) return null;
  const byId = new Map(entries.map((e) => [e.id, e]));
  const candidates = new Map<string, KnowledgeEntry>();
  for (const id of found.aiEntryIds) {
    const entry = byId.get(id);
    if (entry) candidates.set(id, entry);
  }
  // The reply's own best matches (an index at hand), else every entry (small knowledge, tests).
  for (const hit of search ? search(found.answer) : entries.map((entry) => ({ entry }))) candidates.set(hit.entry.id, hit.entry);
  let best: { entry: KnowledgeEntry; share: number } | null = null;
  for (const entry of candidates.values()) {
    const bodyTerms = new Set(analyze(entry.body));
    let shared = 0;
    for (const term of replyTerms) if (bodyTerms.has(term)) shared++;
    const share = shared / replyTerms.size;
    if (share >= SAME_ANSWER && (!best || share > best.share)) best = { entry, share };
  }
  return best?.entry ?? null;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, KNOWLEDGE_LIMITS.questionChars);
}
