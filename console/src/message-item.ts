/**
 * One transcript entry for the console. Message bodies render through the widget's shared
 * `renderMessage` (so visitor and agent views never drift); around it the console adds who and
 * when, and for AI answers the provenance an agent needs to judge them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import { systemNoteMarkdown, type AgentProfile, type ChatMessage } from '@support-chat/shared';
import { stringsFor, type Strings } from '@support-chat/shared/browser/i18n.js';
import { authorName, renderMessage, type MessageViewOptions } from '@support-chat/shared/browser/message-view.js';
import type { LiveStream, PendingMessage } from './transcript-state.js';
import { clockTime, provenanceSummary, systemEventText } from './format.js';
import { renderAttachment } from './attachments.js';
import { consoleLocale, fill, t } from './i18n/locale.js';

/**
 * The widget's words in the console's language, seen from the agent's side: "You" is the visitor
 * there, not here. Agent replies sit on the right, next to the AI's: the company's side.
 */
function viewOptions(): MessageViewOptions {
  const s = t().transcript;
  const strings: Strings = { ...stringsFor(consoleLocale()), you: s.visitor, assistant: s.ai, agent: s.agent };
  return { strings, self: 'agent', attachment: renderAttachment };
}

/** The label above an internal note: it must never be mistaken for something the visitor saw. */
function noteLabel(authorName: string | undefined, author: ChatMessage['author']): string {
  const s = t().transcript;
  const by = authorName ?? (author === 'agent' ? s.agent : author === 'ai' ? s.handoffSummary : s.system);
  return fill(s.internalNote, { by });
}

/** A note the server wrote, in the console's language; a kind of note from a newer server, as its English text. */
function wordedNote(m: ChatMessage): ChatMessage {
  const known = m.note?.type === 'handoff' || (m.note?.type === 'requeued' && (m.note.cause === 'disconnected' || m.note.cause === 'deactivated'));
  return known ? { ...m, text: systemNoteMarkdown(m.note!, t().notes) } : m;
}

/** `seen`: the visitor has read up to here (read receipts). */
export function renderItem(m: ChatMessage, seen = false): TemplateResult {
  if (m.kind === 'event') {
    return html`<li class="item event">
      <span>${m.event ? systemEventText(m.event) : m.text}</span>
      <time datetime=${new Date(m.createdAt).toISOString()}>${clockTime(m.createdAt)}</time>
    </li>`;
  }
  const unanswered = m.provenance?.answered === false;
  const view = viewOptions();
  const s = t().transcript;
  const label = m.kind === 'note' ? noteLabel(m.authorName, m.author) : authorName(m, view.strings);
  return html`<li class="item ${m.author} ${m.kind} ${unanswered ? 'unanswered' : ''}">
    <div class="meta-row">
      <span aria-hidden="true">${label}</span>
      <time datetime=${new Date(m.createdAt).toISOString()}>${clockTime(m.createdAt)}</time>
      ${unanswered ? html`<span class="flag">${s.couldNotAnswer}</span>` : nothing}
      ${m.kind === 'note' ? html`<span class="only-agents">${s.onlyAgents}</span>` : nothing}
    </div>
    ${renderMessage(wordedNote(m), view)}
    ${m.provenance
      ? html`<div class="provenance" title=${provenanceTitle(m)}>${provenanceSummary(m)}</div>`
      : nothing}
    ${m.author === 'ai' && m.suggestions?.length
      ? html`<div class="offered">${fill(s.offered, { list: m.suggestions.join(' · ') })}</div>`
      : nothing}
    ${m.feedback ? html`<div class="feedback ${m.feedback}">${m.feedback === 'helpful' ? s.feedbackHelpful : s.feedbackNotHelpful}</div>` : nothing}
    ${seen ? html`<div class="seen">${s.seen}</div>` : nothing}
  </li>`;
}

export function renderStream(stream: LiveStream): TemplateResult {
  return html`<li class="item ai streaming">
    <div class="meta-row"><span>${t().transcript.ai}</span><span class="live">${t().transcript.answering}</span></div>
    ${renderMessage({ author: 'ai', kind: 'text', text: stream.text }, viewOptions(), { state: 'streaming' })}
  </li>`;
}

export function renderPending(
  p: PendingMessage,
  agent: AgentProfile,
  onRetry: () => void,
  onDiscard: () => void,
): TemplateResult {
  const failed = p.error !== undefined;
  const note = p.kind === 'note';
  return html`<li class="item agent pending ${note ? 'note' : ''}">
    <div class="meta-row">
      <span aria-hidden="true">${note ? noteLabel(agent.name, 'agent') : agent.name}</span>
      ${note ? html`<span class="only-agents">${t().transcript.onlyAgents}</span>` : nothing}
    </div>
    ${renderMessage({ author: 'agent', kind: p.kind, text: p.text, authorName: agent.name }, viewOptions(), {
      state: failed ? 'failed' : 'sending',
      ...(failed ? { error: p.error, onRetry } : {}),
    })}
    ${failed ? html`<button class="link" type="button" @click=${onDiscard}>${t().transcript.discard}</button>` : nothing}
  </li>`;
}

function provenanceTitle(m: ChatMessage): string {
  const p = m.provenance;
  if (!p) return '';
  const scores = p.passageIds.map((id, i) => `${id}: ${(p.scores[i] ?? 0).toFixed(3)}`);
  const passages = scores.length ? `${t().transcript.passages}\n${scores.join('\n')}` : t().transcript.noPassages;
  return p.matched ? `${fill(t().transcript.matched, { text: p.matched })}\n${passages}` : passages;
}
