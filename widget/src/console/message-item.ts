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

/** The widget's words, seen from the agent's side: "You" is the visitor there, not here. */
const strings: Strings = { ...stringsFor('en'), you: 'Visitor', assistant: 'AI', agent: 'Agent' };

/** Agent replies sit on the right, next to the AI's: the company's side of the conversation. */
const view: MessageViewOptions = { strings, self: 'agent' };

export function renderItem(m: ChatMessage): TemplateResult {
  if (m.kind === 'event') {
    return html`<li class="item event">
      <span>${m.event ? systemEventText(m.event) : m.text}</span>
      <time datetime=${new Date(m.createdAt).toISOString()}>${clockTime(m.createdAt)}</time>
    </li>`;
  }
  const unanswered = m.provenance?.answered === false;
  const label = m.kind === 'note' ? `Internal note${m.authorName ? ` · ${m.authorName}` : ''}` : authorName(m, strings);
  return html`<li class="item ${m.author} ${m.kind} ${unanswered ? 'unanswered' : ''}">
    <div class="meta-row">
      <span aria-hidden="true">${label}</span>
      <time datetime=${new Date(m.createdAt).toISOString()}>${clockTime(m.createdAt)}</time>
      ${unanswered ? html`<span class="flag">AI could not answer</span>` : nothing}
    </div>
    ${renderMessage(m, view)}
    ${m.provenance
      ? html`<div class="provenance" title=${provenanceTitle(m)}>${provenanceSummary(m)}</div>`
      : nothing}
    ${m.author === 'ai' && m.suggestions?.length
      ? html`<div class="offered">Offered: ${m.suggestions.join(' · ')}</div>`
      : nothing}
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
  return html`<li class="item agent pending">
    <div class="meta-row"><span aria-hidden="true">${agent.name}</span></div>
    ${renderMessage({ author: 'agent', kind: 'text', text: p.text, authorName: agent.name }, view, {
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
