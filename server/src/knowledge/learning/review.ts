/**
 * An admin's decision on a proposal (issue 14). Accepting claims the proposal first (a
 * compare-and-set, so two admins cannot both apply it), then applies it: a new console entry, or
 * the phrasing through `learnPhrasing` (the same path as the eval's `--learn`). If applying is
 * refused, the proposal goes back to the review list and the error is the admin's answer.
 */
import { randomUUID } from 'node:crypto';
import { CONSOLE_ENTRY_PREFIX, KNOWLEDGE_LIMITS, type KnowledgeEntryInput, type KnowledgeProposal } from '@support-chat/shared';
import { ChatError } from '../../errors.js';
import type { Store } from '../../store/types.js';
import type { KnowledgeBase } from '../knowledge-base.js';
import { learnPhrasing } from './learn-phrasing.js';

export type ReviewStore = Pick<
  Store,
  'getKnowledgeProposal' | 'decideKnowledgeProposal' | 'listKnowledgeEntries' | 'saveKnowledgeEntry' | 'listLearnedPhrasings' | 'addLearnedPhrasings'
>;

export interface AcceptEdit {
  /** A new-entry proposal as the admin edited it. */
  entry?: Omit<KnowledgeEntryInput, 'revision'>;
  /** A phrasing proposal's text as the admin edited it. */
  phrasing?: string;
}

export interface Accepted {
  proposal: KnowledgeProposal;
  /** The retrieval id of the entry created or given the phrasing. */
  entryId: string;
}

export async function acceptProposal(
  { store, knowledge }: { store: ReviewStore; knowledge: Pick<KnowledgeBase, 'entries' | 'reload'> },
  id: string,
  edit: AcceptEdit,
  { by, at }: { by: string; at: number },
): Promise<Accepted> {
  const current = await store.getKnowledgeProposal(id);
  if (!current) throw new ChatError('not_found', 'This proposal does not exist.');
  if (current.kind === 'entry' && edit.phrasing !== undefined) throw new ChatError('invalid_payload', 'entry: this proposal makes a new entry.');
  if (current.kind === 'phrasing' && edit.entry !== undefined) throw new ChatError('invalid_payload', 'phrasing: this proposal adds a phrasing.');
  if (current.kind === 'entry' && (await store.listKnowledgeEntries()).length >= KNOWLEDGE_LIMITS.consoleEntries) {
    throw new ChatError('too_large', `The console holds at most ${KNOWLEDGE_LIMITS.consoleEntries} entries; move some to files.`);
  }
  const proposal = await store.decideKnowledgeProposal(id, { from: 'open', to: 'accepted', at, by });
  if (!proposal) throw new ChatError('conflict', 'Someone decided this proposal already.');
  try {
    if (proposal.kind === 'phrasing') {
      const entryId = proposal.entryId!;
      await learnPhrasing({ store, knowledge }, { entryId, phrasing: edit.phrasing ?? proposal.question }, { by, at });
      return { proposal, entryId };
    }
    const fields = edit.entry ?? { question: proposal.question, phrasings: [], answer: proposal.answer, lang: proposal.lang, tags: [] };
    const saved = await store.saveKnowledgeEntry({ ...fields, id: randomUUID(), updatedAt: at, updatedBy: by });
    await knowledge.reload('proposal accepted');
    return { proposal, entryId: `${CONSOLE_ENTRY_PREFIX}${saved.id}` };
  } catch (error) {
    // Refused before anything was written (entry gone, too many phrasings, edited meanwhile): back
    // to the list. A failed re-index comes after the write: the proposal stays accepted, and the
    // next re-index (the version poll) picks the change up.
    if (error instanceof ChatError) await store.decideKnowledgeProposal(id, { from: 'accepted', to: 'open', at, by }).catch(() => undefined);
    throw error;
  }
}

export async function rejectProposal(store: Pick<Store, 'decideKnowledgeProposal' | 'getKnowledgeProposal'>, id: string, { by, at }: { by: string; at: number }): Promise<KnowledgeProposal> {
  const proposal = await store.decideKnowledgeProposal(id, { from: 'open', to: 'rejected', at, by });
  if (proposal) return proposal;
  if (!(await store.getKnowledgeProposal(id))) throw new ChatError('not_found', 'This proposal does not exist.');
  throw new ChatError('conflict', 'Someone decided this proposal already.');
}
