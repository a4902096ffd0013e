import type { Config } from './config.js';
import { createFallbackResponder } from './ai/fallback-responder.js';
import { createOfflineResponder, draftThresholds } from './ai/offline-responder.js';
import { createOpenAIEmbedder } from './ai/openai-embedder.js';
import { createOpenAIResponder } from './ai/openai-responder.js';
import { createOpenAISummarizer } from './ai/openai-summarizer.js';
import type { Responder, Summarizer } from './ai/types.js';
import { openEmbeddingCache, type Embedder } from './knowledge/embeddings.js';
import { KnowledgeBase } from './knowledge/knowledge-base.js';
import { storeKnowledgeSources } from './knowledge/learning/learn-phrasing.js';
import { createOpenAIProposalWriter, type ProposalWriter } from './knowledge/learning/proposal-writer.js';
import type { Retriever } from './knowledge/types.js';
import { rareWarning, type Logger } from './logger.js';
import type { Store } from './store/types.js';

/**
 * The AI the server runs: the OpenAI-compatible endpoint when configured (falling back to the
 * offline answer when it fails), else the offline responder alone.
 */
export function chooseResponder(config: Pick<Config, 'openai'> & Partial<Pick<Config, 'answerThresholds'>>, retriever: Retriever, logger: Logger): Responder {
  const offline = createOfflineResponder({ retriever, thresholds: config.answerThresholds });
  if (!config.openai) return offline;
  const openai = createOpenAIResponder({
    apiKey: config.openai.apiKey,
    baseURL: config.openai.baseURL,
    model: config.openai.model,
    timeoutMs: config.openai.timeoutMs,
    retriever,
  });
  return createFallbackResponder(openai, offline, {
    onFallback: (error) => logger.warn({ err: error }, 'the model failed; answered from the knowledge base instead'),
  });
}

/**
 * What writes agents' AI drafts: the model when one is configured (its own gate is already low),
 * else the offline responder at the drafts' lower confidence (offline-responder.ts, DRAFT_MIN_CONFIDENCE).
 */
export function chooseDrafter(config: Pick<Config, 'openai'> & Partial<Pick<Config, 'answerThresholds'>>, retriever: Retriever, responder: Responder): Responder {
  return config.openai ? responder : createOfflineResponder({ retriever, thresholds: draftThresholds(config.answerThresholds) });
}

/** The hand-off summarizer, when a model is configured (routing writes a plain extract otherwise). */
export function chooseSummarizer(config: Pick<Config, 'openai'>): Summarizer | undefined {
  if (!config.openai) return undefined;
  const { apiKey, baseURL, model, timeoutMs } = config.openai;
  return createOpenAISummarizer({ apiKey, baseURL, model, timeoutMs: Math.min(timeoutMs, 15_000) });
}

/** Writes knowledge proposals' entries with the model, when one is configured (a plain extract otherwise). */
export function chooseProposalWriter(config: Pick<Config, 'openai'>, logger: Logger): ProposalWriter | undefined {
  if (!config.openai) return undefined;
  const { apiKey, baseURL, model, timeoutMs } = config.openai;
  return createOpenAIProposalWriter({
    apiKey,
    baseURL,
    model,
    timeoutMs: Math.min(timeoutMs, 15_000),
    onError: (error) => logger.warn({ err: error }, 'the model could not write a knowledge proposal; used a plain extract'),
  });
}

export function chooseEmbedder(config: Pick<Config, 'openai'>): Embedder | undefined {
  const openai = config.openai;
  if (!openai?.embeddingModel) return undefined;
  return createOpenAIEmbedder({ apiKey: openai.apiKey, baseURL: openai.baseURL, model: openai.embeddingModel });
}

/**
 * The knowledge base as configured: KNOWLEDGE_DIR, with dense vectors (cached under DATA_DIR)
 * when OPENAI_EMBEDDING_MODEL is set. Problems are logged; re-indexes are logged too.
 */
export async function openKnowledgeBase(
  config: Pick<Config, 'openai' | 'knowledgeDir' | 'dataDir'>,
  logger: Logger,
  { embedder = chooseEmbedder(config), store }: { embedder?: Embedder; store?: Pick<Store, 'listKnowledgeEntries' | 'listLearnedPhrasings'> } = {},
): Promise<KnowledgeBase> {
  const cache = embedder ? await openEmbeddingCache(config.dataDir, embedder.model) : undefined;
  const knowledge = await KnowledgeBase.open({
    dir: config.knowledgeDir,
    embedder,
    cache,
    // Entries written in the console and phrasings learned from conversations (issue 14) are
    // indexed with the folder's.
    ...(store ? storeKnowledgeSources(store) : {}),
    // Once a minute at most: a down endpoint would otherwise log every question.
    onQueryError: rareWarning(logger, 'embedding a question failed; searching without vectors'),
    onReload: (snapshot, reason) => {
      for (const warning of snapshot.warnings) logger.warn({ warning }, 'knowledge file problem');
      logger.info({ reason, entries: snapshot.entries.length, embedded: snapshot.embedded, ms: Math.round(snapshot.buildMs) }, 'knowledge re-indexed');
    },
    onError: (error, reason) => logger.error({ err: error, reason }, 'knowledge re-index failed; still serving the previous index'),
  });
  for (const warning of knowledge.snapshot.warnings) logger.warn({ warning }, 'knowledge file problem');
  return knowledge;
}
