/** The Knowledge page's HTTP calls (issue 14): the server checks who may use them on each. */
import {
  HTTP_ROUTES,
  type AckResult,
  type ConsoleKnowledgeEntry,
  type KnowledgeEntryInput,
  type KnowledgeGapGroup,
  type KnowledgeListItem,
  type KnowledgeProposal,
  type KnowledgeQuestion,
} from '@support-chat/shared';
import { createCall, type FetchLike } from './http.js';

export interface KnowledgeList {
  entries: KnowledgeListItem[];
  agentsManageKnowledge: boolean;
  /** The usage counts cover this many days. */
  usageDays: number;
}

export interface KnowledgeApi {
  list(query?: string): Promise<AckResult<KnowledgeList>>;
  questions(id: string): Promise<AckResult<KnowledgeQuestion[]>>;
  create(input: KnowledgeEntryInput): Promise<AckResult<ConsoleKnowledgeEntry>>;
  /** `input.revision` is the one the editor started from: a newer save is not overwritten. */
  update(id: string, input: KnowledgeEntryInput): Promise<AckResult<ConsoleKnowledgeEntry>>;
  remove(id: string): Promise<AckResult<unknown>>;
  setAgentAccess(allowed: boolean): Promise<AckResult<{ agentsManageKnowledge: boolean }>>;
  /** Where the browser downloads the console's entries as Markdown. */
  exportUrl: string;
  /** Learning from conversations: the open proposals, most asked first. */
  proposals(): Promise<AckResult<{ proposals: KnowledgeProposal[] }>>;
  /** Accepts as proposed, or as edited (`entry` for a new entry, `phrasing` for a phrasing). */
  accept(id: string, edit?: ProposalEdit): Promise<AckResult<{ proposal: KnowledgeProposal; entryId: string }>>;
  reject(id: string): Promise<AckResult<{ proposal: KnowledgeProposal }>>;
  /** What the AI could not answer in the last `days`, rewordings counted once, most asked first. */
  gapGroups(days: number): Promise<AckResult<KnowledgeGapGroups>>;
}

/** An admin's edit before accepting (the server's `proposalAcceptSchema`). */
export interface ProposalEdit {
  entry?: Omit<KnowledgeEntryInput, 'revision'>;
  phrasing?: string;
}

export interface KnowledgeGapGroups {
  from: number;
  to: number;
  days: number;
  gaps: KnowledgeGapGroup[];
}

export function createKnowledgeApi(fetchImpl?: FetchLike): KnowledgeApi {
  const call = createCall(fetchImpl);
  const base = HTTP_ROUTES.adminKnowledge;
  const entry = (id: string) => `${base}/entries/${encodeURIComponent(id)}`;
  return {
    list: (query = '') => call('GET', `${base}/entries${query ? `?q=${encodeURIComponent(query)}` : ''}`),
    questions: (id) => call('GET', `${entry(id)}/questions`),
    create: (input) => call('POST', `${base}/entries`, input),
    update: (id, input) => call('PUT', entry(id), input),
    remove: (id) => call('DELETE', entry(id)),
    setAgentAccess: (allowed) => call('PUT', `${base}/access`, { agentsManageKnowledge: allowed }),
    exportUrl: `${base}/export`,
    proposals: () => call('GET', `${base}/proposals`),
    accept: (id, edit = {}) => call('POST', `${base}/proposals/${encodeURIComponent(id)}/accept`, edit),
    reject: (id) => call('POST', `${base}/proposals/${encodeURIComponent(id)}/reject`),
    gapGroups: (days) => call('GET', `${base}/gap-groups?days=${days}`),
  };
}
