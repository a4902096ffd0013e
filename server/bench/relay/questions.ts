import path from 'node:path';
import { createOfflineResponder } from '../../src/ai/offline-responder.js';
import { createKnowledgeIndex } from '../../src/knowledge/bm25-index.js';
import { loadKnowledgeDir } from '../../src/knowledge/markdown-source.js';
import { wantsHuman } from '../../src/routing/handoff-intent.js';

const REPO_ROOT = path.resolve(import.meta.dirname, '..', '..');

/**
 * English questions the demo knowledge answers offline (checked here with the same responder the
 * product runs): two unanswered questions in a row would hand a conversation to a person and
 * silence the AI, which is not the path the offline-answers run measures.
 */
export async function answerableQuestions(): Promise<string[]> {
  const { entries } = await loadKnowledgeDir(path.join(REPO_ROOT, 'examples', 'knowledge'));
  const responder = createOfflineResponder({ retriever: createKnowledgeIndex(entries) });
  const questions: string[] = [];
  for (const entry of entries.filter((e) => e.lang === 'en' && !wantsHuman(e.title))) {
    const answer = await responder.answer({ conversationId: 'bench', question: entry.title, history: [], locale: 'en' });
    if (answer.provenance.answered) questions.push(entry.title);
  }
  if (questions.length === 0) throw new Error('the demo knowledge answers none of its own questions offline');
  return questions;
}
