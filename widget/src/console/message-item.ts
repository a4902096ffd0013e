/**
 * One transcript entry for the console. Message bodies render through the widget's shared
 * `renderMessage` (so visitor and agent views never drift); around it the console adds who and
 * when, and for AI answers the provenance an agent needs to judge them.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { AgentProfile, ChatMessage } from '@support-chat/shared';
import { stringsFor, type Strings } from '../internal/i18n.js';
import { authorName, renderMessage, type MessageViewOptions } from '../internal/message-view.js';
import type { LiveStream, PendingMessage } from './transcript-state.js';
import { clockTime, provenanceSummary, systemEventText } from './format.js';
import { renderAttachment } from './attachments.js';

/** The widget's words, seen from the agent's side: "You" is the visitor there, not here. */
const strings: Strings = { ...stringsFor('en'), you: 'Visitor', assistant: 'AI', agent: 'Agent' };

/** Agent replies sit on the right, next to the AI's: the company's side of the conversation. */
const view: MessageViewOptions = { strings, self: 'agent', attachment: renderAttachment };

/** The label above an internal note: it must never be mistaken for something the visitor saw. */
function noteLabel(authorName: string | undefined, author: ChatMessage['author']): string {
  const by = authorName ?? (author === 'agent' ? 'Agent' : author === 'ai' ? 'AI hand-off summary' : 'System');
  return `Internal note · ${by}`;
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
  const label = m.kind === 'note' ? noteLabel(m.authorName, m.author) : authorName(m, strings);
  return html`<li class="item ${m.author} ${m.kind} ${unanswered ? 'unanswered' : ''}">
    <div class="meta-row">
      <span aria-hidden="true">${label}</span>
      <time datetime=${new Date(m.createdAt).toISOString()}>${clockTime(m.createdAt)}</time>
      ${unanswered ? html`<span class="flag">AI could not answer</span>` : nothing}
      ${m.kind === 'note' ? html`<span class="only-agents">Only agents see this</span>` : nothing}
    </div>
    ${renderMessage(m, view)}
    ${m.provenance
      ? html`<div class="provenance" title=${provenanceTitle(m)}>${provenanceSummary(m)}</div>`
      : nothing}
    ${m.author === 'ai' && m.suggestions?.length
      ? html`<div class="offered">Offered: ${m.suggestions.join(' · ')}</div>`
      : nothing}
    ${m.feedback ? html`<div class="feedback ${m.feedback}">Visitor: ${m.feedback === 'helpful' ? '👍 helpful' : '👎 not helpful'}</div>` : nothing}
    ${seen ? html`<div class="seen">Seen</div>` : nothing}
  </li>`;
}

export function renderStream(stream: LiveStream): TemplateResult {
  return html`<li class="item ai streaming">
    <div class="meta-row"><span>AI</span><span class="live">answering…</span></div>
    ${renderMessage({ author: 'ai', kind: 'text', text: stream.text }, view, { state: 'streaming' })}
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
      ${note ? html`<span class="only-agents">Only agents see this</span>` : nothing}
    </div>
    ${renderMessage({ author: 'agent', kind: p.kind, text: p.text, authorName: agent.name }, view, {
      state: failed ? 'failed' : 'sending',
      ...(failed ? { error: p.error, onRetry } : {}),
    })}
    ${failed ? html`<button class="link" type="button" @click=${onDiscard}>Discard</button>` : nothing}
  </li>`;
}

function provenanceTitle(m: ChatMessage): string {
  const p = m.provenance;
  if (!p) return '';
  const scores = p.passageIds.map((id, i) => `${id}: ${(p.scores[i] ?? 0).toFixed(3)}`);
  return scores.length ? `Passages and scores\n${scores.join('\n')}` : 'No passages matched';
}
