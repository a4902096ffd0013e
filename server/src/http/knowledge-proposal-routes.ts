/**
 * Learning from conversations in the console (issue 14), under `/api/admin/knowledge`, for the
 * same people as the rest of the Knowledge page (admins; agents when an admin allows):
 * - `GET  /proposals`: the open proposals, most asked first;
 * - `POST /proposals/:id/accept` (`proposalAcceptSchema`: optionally edited), `POST /proposals/:id/reject`;
 * - `GET  /gap-groups?days=7`: what the AI could not answer in the last days, the same question in
 *   other words counted once, most asked first; those the knowledge answers now last, marked
 *   `answeredBy` (gap-answers.ts).
 * Accepting and rejecting are audit-logged.
 */
import { Router, json } from 'express';
import { HTTP_ROUTES, PROPOSAL_LIMITS } from '@support-chat/shared';
import { proposalAcceptSchema } from '@support-chat/shared/schemas';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { AgentSessions } from '../auth/sessions.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import { markAnsweredGaps, type AnswerThreshold } from '../knowledge/learning/gap-answers.js';
import { groupGaps } from '../knowledge/learning/gap-groups.js';
import { acceptProposal, rejectProposal } from '../knowledge/learning/review.js';
import { similarityFor } from '../knowledge/learning/similarity.js';
import type { AgentRecord, Store } from '../store/types.js';
import { mayManageKnowledge } from './knowledge-console-routes.js';
import { requireAgent } from './require-agent.js';
import { sendData } from './respond.js';

const DAY_MS = 86_400_000;
/** Distinct unanswered wordings read for grouping. */
const GAPS_READ = 500;

export function knowledgeProposalRoutes({
  store,
  knowledge,
  sessions,
  audit,
  answerThreshold,
  now = Date.now,
}: {
  store: Store;
  knowledge: KnowledgeBase;
  sessions: AgentSessions;
  audit: AuditLog;
  /**
   * The visitors' answer threshold per language (`OFFLINE_ANSWER_MIN_CONFIDENCE`, `_ZH`) when the
   * offline responder answers them; null when a model does (no gap is marked answered then).
   */
  answerThreshold: AnswerThreshold | null;
  now?: () => number;
}): Router {
  const router = Router();
  const base = HTTP_ROUTES.adminKnowledge;
  const access = [requireAgent(sessions), mayManageKnowledge(store)];
  // An edited entry carries a long answer (the rest of the API takes 16 kB bodies).
  const body = json({ limit: '512kb' });

  router.get(`${base}/proposals`, ...access, async (_req, res) => {
    sendData(res, { proposals: await store.listKnowledgeProposals('open', PROPOSAL_LIMITS.open) });
  });

  router.post(`${base}/proposals/:id/accept`, ...access, body, async (req, res) => {
    const edit = proposalAcceptSchema.parse(req.body ?? {});
    const agent = res.locals.agent as AgentRecord;
    const { proposal, entryId } = await acceptProposal({ store, knowledge }, String(req.params.id), edit, { by: agent.name, at: now() });
    await audit.record(agent, 'knowledge.proposal_accepted', { type: 'knowledge', id: entryId }, {
      proposal: proposal.id,
      kind: proposal.kind,
      edited: edit.entry !== undefined || edit.phrasing !== undefined,
      count: proposal.count,
    });
    sendData(res, { proposal, entryId });
  });

  router.post(`${base}/proposals/:id/reject`, ...access, async (req, res) => {
    const agent = res.locals.agent as AgentRecord;
    const proposal = await rejectProposal(store, String(req.params.id), { by: agent.name, at: now() });
    await audit.record(agent, 'knowledge.proposal_rejected', { type: 'knowledge', id: proposal.entryId ?? proposal.id }, {
      proposal: proposal.id,
      kind: proposal.kind,
      count: proposal.count,
    });
    sendData(res, { proposal });
  });

  router.get(`${base}/gap-groups`, ...access, async (req, res) => {
    const { days } = z.object({ days: z.coerce.number().int().min(1).max(90).default(7) }).parse(req.query);
    const to = now();
    const from = to - days * DAY_MS;
    const gaps = await store.knowledgeGaps(from, to + 1, GAPS_READ);
    const snapshot = knowledge.snapshot;
    const groups = groupGaps(gaps, similarityFor(snapshot));
    sendData(res, { from, to, days, gaps: answerThreshold ? await markAnsweredGaps(groups, snapshot.lexical, answerThreshold) : groups });
  });

  return router;
}
