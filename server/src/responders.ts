import type { Config } from './config.js';
import { createFallbackResponder } from './ai/fallback-responder.js';
import { createOfflineResponder } from './ai/offline-responder.js';
import { createOpenAIResponder } from './ai/openai-responder.js';
import type { Responder } from './ai/types.js';
import type { Retriever } from './knowledge/types.js';
import type { Logger } from './logger.js';

/**
 * The AI the server runs: the OpenAI-compatible endpoint when configured (falling back to the
 * offline answer when it fails), else the offline responder alone.
 */
export function chooseResponder(config: Pick<Config, 'openai'>, retriever: Retriever, logger: Logger): Responder {
  const offline = createOfflineResponder({ retriever });
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
