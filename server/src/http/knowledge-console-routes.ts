/**
 * Knowledge in the console (issue 14), under `/api/admin/knowledge`:
 * - `GET  /entries?q=`: every entry the AI answers from (files and console), where it came from,
 *   and its use over the last 90 days (answers citing it, thumbs up / down);
 * - `GET  /entries/:id/questions`: the visitor questions it answered, newest first;
 * - `POST /entries`, `PUT /entries/:id`, `DELETE /entries/:id`: console entries (file entries are
 *   read-only: `forbidden`); the index is rebuilt before the answer, so the AI uses the change
 *   when the admin sees it saved (other processes follow within a poll);
 * - `GET  /export`: the console's entries as a Markdown file the knowledge folder can hold;
 * - `PUT  /access` (admins): whether agents may use all of the above.
 * Admins always; agents when the routing settings' `agentsManageKnowledge` allows.
 */
import { randomUUID } from 'node:crypto';
import express, { Router, type RequestHandler } from 'express';
import {
  CONSOLE_ENTRY_PREFIX,
  HTTP_ROUTES,
  KNOWLEDGE_LIMITS,
  type ConsoleKnowledgeEntry,
  type KnowledgeListItem,
  type KnowledgeUsage,
} from '@support-chat/shared';
import { knowledgeEntryInputSchema } from '@support-chat/shared/schemas';
import { z } from 'zod';
import type { AuditLog } from '../audit/audit-log.js';
import type { AgentSessions } from '../auth/sessions.js';
import { ChatError } from '../errors.js';
import { exportConsoleMarkdown } from '../knowledge/console-entries.js';
import type { KnowledgeBase } from '../knowledge/knowledge-base.js';
import type { AgentRecord, Store } from '../store/types.js';
import { requireAdmin, requireAgent } from './require-agent.js';
import { sendData } from './respond.js';

const USAGE_DAYS = 90;
const DAY_MS = 86_400_000;
const QUESTIONS_LIMIT = 20;

export interface KnowledgeConsoleDeps {
  store: Store;
  knowledge: KnowledgeBase;
  sessions: AgentSessions;
  audit: AuditLog;
  /** Routing settings were saved (the access switch lives in them). */
  settingsChanged: () => void;
  now?: () => number;
}

export function knowledgeConsoleRoutes({ store, knowledge, sessions, audit, settingsChanged, now = Date.now }: KnowledgeConsoleDeps): Router {
  const router = Router();
  const base = HTTP_ROUTES.adminKnowledge;
  // Answers may be long (the rest of the API takes 16 kB bodies).
  const body = express.json({ limit: '512kb' });
  const signedIn = requireAgent(sessions);
  const access = [signedIn, mayManageKnowledge(store)];
  const reindex = (reason: string) =>
    knowledge.reload(reason).catch((error: unknown) => {
      throw new ChatError('unavailable', `Saved, but re-indexing failed; the AI answers from the previous knowledge. ${(error as Error).message}`, {
        cause: error,
      });
    });

  router.get(`${base}/entries`, ...access, async (req, res) => {
    const { q } = z.object({ q: z.string().max(200).optional() }).parse(req.query);
    const [consoleEntries, usage, settings] = await Promise.all([
      store.listKnowledgeEntries(),
      store.knowledgeUsage(now() - USAGE_DAYS * DAY_MS, now() + 1),
      store.getRoutingSettings(),
    ]);
    const byId = new Map(consoleEntries.map((e) => [`${CONSOLE_ENTRY_PREFIX}${e.id}`, e]));
    const usageById = new Map(usage.map((u) => [u.entryId, u]));
    const needle = q?.trim().toLowerCase();
    const items: KnowledgeListItem[] = [];
    for (const entry of knowledge.entries) {
      const text = [entry.title, ...(entry.phrasings ?? []), entry.body, ...entry.tags, entry.id].join('\n').toLowerCase();
      if (needle && !text.includes(needle)) continue;
      const stored = byId.get(entry.id);
      byId.delete(entry.id);
      items.push({
        id: entry.id,
        question: entry.title,
        phrasings: entry.phrasings ?? [],
        answer: entry.body,
        lang: entry.lang,
        tags: entry.tags,
        ...(entry.url ? { url: entry.url } : {}),
        source: stored ? { type: 'console', entry: stored } : { type: 'file', path: entry.id.slice(0, entry.id.lastIndexOf('#')), heading: entry.title },
        usage: usageById.get(entry.id) ?? emptyUsage(entry.id),
      });
    }
    sendData(res, { entries: items, agentsManageKnowledge: settings.agentsManageKnowledge === true, usageDays: USAGE_DAYS });
  });

  router.get(`${base}/entries/:id/questions`, ...access, async (req, res) => {
    sendData(res, await store.knowledgeQuestions(String(req.params.id), now() - USAGE_DAYS * DAY_MS, QUESTIONS_LIMIT));
  });

  router.post(`${base}/entries`, ...access, body, async (req, res) => {
    const input = knowledgeEntryInputSchema.parse(req.body ?? {});
    if ((await store.listKnowledgeEntries()).length >= KNOWLEDGE_LIMITS.consoleEntries) {
      throw new ChatError('too_large', `The console holds at most ${KNOWLEDGE_LIMITS.consoleEntries} entries; move some to files.`);
    }
    const agent = res.locals.agent as AgentRecord;
    const { revision: _, ...fields } = input;
    const saved = await store.saveKnowledgeEntry({ ...fields, id: randomUUID(), updatedAt: now(), updatedBy: agent.name });
    await reindex('console entry created');
    await audit.record(agent, 'knowledge.entry_created', { type: 'knowledge', id: `${CONSOLE_ENTRY_PREFIX}${saved.id}` }, { question: saved.question });
    sendData(res, saved, 201);
  });

  router.put(`${base}/entries/:id`, ...access, body, async (req, res) => {
    const id = consoleId(String(req.params.id));
    const { revision, ...fields } = knowledgeEntryInputSchema.parse(req.body ?? {});
    if (revision === undefined) throw new ChatError('invalid_payload', 'revision: the revision you edited is required.');
    const agent = res.locals.agent as AgentRecord;
    const saved: ConsoleKnowledgeEntry = await store.saveKnowledgeEntry({ ...fields, id, updatedAt: now(), updatedBy: agent.name }, { expectRevision: revision });
    await reindex('console entry updated');
    await audit.record(agent, 'knowledge.entry_updated', { type: 'knowledge', id: `${CONSOLE_ENTRY_PREFIX}${id}` }, { question: saved.question });
    sendData(res, saved);
  });

  router.delete(`${base}/entries/:id`, ...access, async (req, res) => {
    const id = consoleId(String(req.params.id));
    if (!(await store.deleteKnowledgeEntry(id))) throw new ChatError('not_found', 'This knowledge entry does not exist.');
    await reindex('console entry deleted');
    await audit.record(res.locals.agent as AgentRecord, 'knowledge.entry_deleted', { type: 'knowledge', id: `${CONSOLE_ENTRY_PREFIX}${id}` }, {});
    sendData(res, { deleted: true });
  });

  router.get(`${base}/export`, ...access, async (_req, res) => {
    res.setHeader('content-type', 'text/markdown; charset=utf-8');
    res.setHeader('content-disposition', 'attachment; filename="console-entries.md"');
    res.send(exportConsoleMarkdown(await store.listKnowledgeEntries()));
  });

  router.put(`${base}/access`, requireAdmin(sessions), async (req, res) => {
    const { agentsManageKnowledge } = z.object({ agentsManageKnowledge: z.boolean() }).strict().parse(req.body ?? {});
    const settings = { ...(await store.getRoutingSettings()), agentsManageKnowledge };
    await store.saveRoutingSettings(settings);
    settingsChanged();
    await audit.record(res.locals.agent as AgentRecord, 'settings.routing_changed', { type: 'setting', id: 'routing' }, { agentsManageKnowledge });
    sendData(res, { agentsManageKnowledge });
  });

  return router;
}

/** After `requireAgent`: admins, and agents when an admin allowed them to manage the knowledge. */
export function mayManageKnowledge(store: Pick<Store, 'getRoutingSettings'>): RequestHandler {
  return async (_req, res, next) => {
    const agent = res.locals.agent as AgentRecord;
    if (agent.role !== 'admin' && !(await store.getRoutingSettings()).agentsManageKnowledge) {
      throw new ChatError('forbidden', 'An admin has not allowed agents to manage the knowledge.');
    }
    next();
  };
}

/** `console#<id>` (or the bare id) → the stored id; a file entry's id is refused. */
function consoleId(param: string): string {
  if (param.startsWith(CONSOLE_ENTRY_PREFIX)) return param.slice(CONSOLE_ENTRY_PREFIX.length);
  if (param.includes('#')) {
    throw new ChatError('forbidden', 'Entries from knowledge files are read-only here: edit the file (or copy the entry into the console).');
  }
  return param;
}

function emptyUsage(entryId: string): KnowledgeUsage {
  return { entryId, answers: 0, helpful: 0, notHelpful: 0, lastUsedAt: null };
}
