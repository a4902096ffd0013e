/**
 * One chat message as Lit markup, for any viewer: the visitor widget and the agent console both
 * render through here (include `messageStyles` in a LitElement's `static styles`, or `messageCss`
 * in a shadow root of one's own, as the widget does: it carries no Lit `css` tag). Which side is
 * "mine" is an option, notes render as notes, and every handler is optional.
 */
import { unsafeCSS } from '@lit/reactive-element/css-tag.js';
import { html, nothing, type TemplateResult } from 'lit/html.js';
import type { ChatMessage, MessageAuthor } from '@support-chat/shared';
import { eventText, type Strings } from './i18n.js';
import { renderMarkdown, safeHref } from './markdown.js';

export type MessageLike = Pick<
  ChatMessage,
  'author' | 'kind' | 'text' | 'authorName' | 'sources' | 'suggestions' | 'event' | 'feedback' | 'attachment'
>;

export interface MessageViewOptions {
  strings: Strings;
  /** Whose messages sit on the right: `'visitor'` in the widget, `'agent'` in the console. */
  self: MessageAuthor;
  /** Quick replies render as buttons only when this is given (and `showSuggestions`). */
  onSuggestion?: (text: string) => void;
  /** How a file shows in place of the text (each side fetches it its own way); the name as text without it. */
  attachment?: (a: NonNullable<ChatMessage['attachment']>) => TemplateResult;
  /**
   * The chat server's address, where a source given as a path is (its help pages): the widget
   * sits on another site, whose own `/help/…` is not it. Without it, paths stay relative (the
   * console is served by the chat server).
   */
  base?: string;
}

export interface MessageState {
  /** `sending`/`failed`: not yet acknowledged; `streaming`: an AI answer still arriving. */
  state?: 'sending' | 'failed' | 'streaming';
  /** Shown after "Not sent." for a failed message. */
  error?: string;
  onRetry?: () => void;
  showSuggestions?: boolean;
  /** Show the author's name above the bubble (e.g. when the author changes). */
  showName?: boolean;
  /** Thumbs up / down under the message (an AI answer the visitor may rate) when given. */
  onRate?: (helpful: boolean) => void;
  /** The text as written, never Markdown (the admin's greeting). */
  plain?: boolean;
}

/** A thumb up (turned over by CSS for "not helpful"). */
const THUMB = 'M7 11v9H4v-9zm0 0 4-8c1.4 0 2.4 1.2 2 2.6L12 9h6a2 2 0 0 1 2 2.4l-1.4 6.8A2 2 0 0 1 16.6 20H7';

export function authorName(m: Pick<MessageLike, 'author' | 'authorName'>, s: Strings): string {
  if (m.author === 'agent') return m.authorName || s.agent;
  return m.author === 'visitor' ? s.you : m.author === 'ai' ? s.assistant : s.system;
}

function sourceHref(url: string, base?: string): string | null {
  const href = safeHref(url);
  try {
    return href && base ? new URL(href, base).href : href;
  } catch {
    return null; // not a URL at all ("https://[")
  }
}

export function renderMessage(m: MessageLike, o: MessageViewOptions, x: MessageState = {}): TemplateResult {
  const s = o.strings;
  if (m.kind === 'event') {
    return html`<div class="event" part="message message-event">${m.event ? eventText(s, m.event) : m.text}</div>`;
  }
  const name = authorName(m, s);
  const cls = `msg ${m.author} ${m.kind}${m.author === o.self ? ' mine' : ''}${x.state ? ' ' + x.state : ''}`;
  const markdown = m.author !== 'visitor' && !x.plain;
  return html`<div class=${cls} part="message message-${m.author}">
    ${x.showName ? html`<div class="name" aria-hidden="true">${m.kind === 'note' ? s.note : name}</div>` : nothing}
    <div class="bubble" dir="auto">
      <span class="sr" dir="ltr">${m.kind === 'note' ? s.note : name}: </span>${m.attachment && o.attachment
        ? o.attachment(m.attachment)
        : markdown
        ? renderMarkdown(m.text)
        : html`<p class="plain">${m.text}</p>`}
    </div>
    ${m.sources?.length
      ? html`<div class="sources">
          <span>${s.sources}</span>
          <ul>
            ${m.sources.map((src) => {
              const href = src.url && sourceHref(src.url, o.base);
              return html`<li>
                ${href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${src.title}</a>` : src.title}
              </li>`;
            })}
          </ul>
        </div>`
      : nothing}
    ${x.onRate
      ? html`<div class="feedback" part="feedback" role="group" aria-label=${s.feedback}>
          ${([true, false] as const).map((helpful) => {
            const value = helpful ? 'helpful' : 'not_helpful';
            return html`<button
              type="button"
              class=${value}
              aria-label=${helpful ? s.helpful : s.notHelpful}
              aria-pressed=${m.feedback === value}
              @click=${() => m.feedback !== value && x.onRate!(helpful)}
            >
              <svg viewBox="0 0 24 24" aria-hidden="true"><path d=${THUMB} /></svg>
            </button>`;
          })}
          ${m.feedback ? s.thanks : nothing}
        </div>`
      : nothing}
    ${x.showSuggestions && o.onSuggestion && m.suggestions?.length
      ? html`<div class="suggestions" role="group" aria-label=${s.suggestions}>
          ${m.suggestions.map((q) => html`<button type="button" @click=${() => o.onSuggestion!(q)}>${q}</button>`)}
        </div>`
      : nothing}
    ${x.state === 'sending' ? html`<div class="meta">${s.sending}</div>` : nothing}
    ${x.state === 'failed'
      ? html`<div class="meta error" role="alert">
          ${s.notSent} ${x.error ?? ''}
          ${x.onRetry ? html`<button type="button" @click=${x.onRetry}>${s.retry}</button>` : nothing}
        </div>`
      : nothing}
  </div>`;
}

/** Three animated dots with a spoken label ("The assistant is writing…"). */
export function renderTyping(label: string): TemplateResult {
  return html`<div class="typing" role="status"><span class="sr">${label}</span><i></i><i></i><i></i></div>`;
}

/** The build squeezes whatever is tagged `css`: the tag is `String.raw` here, the rules plain text. */
const css = String.raw;

export const messageCss = css`
  .sr {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
  .msg {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    gap: 4px;
    max-width: 85%;
  }
  .msg.mine {
    align-self: flex-end;
    align-items: flex-end;
  }
  .name,
  .meta,
  .sources {
    font-size: 0.8em;
    color: var(--support-chat-muted, #6b7280);
  }
  .bubble {
    padding: 8px 12px;
    border-radius: var(--support-chat-radius, 14px);
    background: var(--support-chat-bubble, #f1f3f5);
    color: inherit;
    overflow-wrap: anywhere;
    line-height: 1.45;
  }
  .mine .bubble {
    background: var(--support-chat-accent, #2563eb);
    color: var(--support-chat-accent-text, #fff);
  }
  .plain {
    white-space: pre-wrap;
  }
  .note .bubble {
    background: var(--support-chat-note, #fff7d6);
  }
  .sending .bubble {
    opacity: 0.65;
  }
  .failed .bubble {
    opacity: 0.65;
    outline: 1px solid var(--support-chat-danger, #dc2626);
  }
  .error {
    color: var(--support-chat-danger, #dc2626);
  }
  .streaming .bubble > :last-child::after {
    content: '▍';
    animation: blink 1s steps(2) infinite;
  }
  .bubble > :first-child,
  .bubble > .sr + * {
    margin-top: 0;
  }
  .bubble > :last-child {
    margin-bottom: 0;
  }
  .bubble p,
  .bubble ul,
  .bubble ol,
  .bubble pre {
    margin: 0.5em 0;
  }
  .bubble ul,
  .bubble ol {
    padding-inline-start: 1.3em;
  }
  /* Each paragraph in the direction of its own text (a message's second may be in another
     language); code runs left to right, in a right-to-left message too. */
  .bubble p,
  .bubble li {
    unicode-bidi: plaintext;
  }
  .bubble code {
    unicode-bidi: isolate;
    font-family: ui-monospace, monospace;
    font-size: 0.9em;
    background: rgb(0 0 0 / 0.06);
    border-radius: 4px;
    padding: 0 3px;
  }
  .bubble pre {
    overflow-x: auto;
    white-space: pre;
    direction: ltr;
    text-align: left;
  }
  .bubble a,
  .sources a {
    color: inherit;
  }
  .sources ul {
    margin: 2px 0 0;
    padding-left: 1.2em;
  }
  .suggestions {
    display: flex;
    flex-wrap: wrap;
    gap: 6px;
  }
  .suggestions button,
  .meta button {
    font: inherit;
    font-size: 0.9em;
    cursor: pointer;
    border: 1px solid var(--support-chat-accent, #2563eb);
    color: var(--support-chat-accent, #2563eb);
    background: transparent;
    border-radius: 999px;
    padding: 4px 10px;
  }
  .feedback {
    display: flex;
    align-items: center;
    gap: 6px;
    font-size: 0.8em;
    color: var(--support-chat-muted, #6b7280);
  }
  .feedback button {
    display: grid;
    padding: 4px;
    border: 0;
    border-radius: 6px;
    background: none;
    color: inherit;
    cursor: pointer;
  }
  .feedback svg {
    width: 16px;
    height: 16px;
    fill: none;
    stroke: currentColor;
    stroke-width: 2;
    stroke-linejoin: round;
  }
  .feedback .not_helpful svg {
    transform: rotate(180deg);
  }
  .feedback [aria-pressed='true'] {
    color: var(--support-chat-accent, #2563eb);
  }
  .feedback [aria-pressed='true'] svg {
    fill: currentColor;
  }
  .event {
    align-self: center;
    text-align: center;
    font-size: 0.8em;
    color: var(--support-chat-muted, #6b7280);
  }
  .typing {
    display: flex;
    gap: 4px;
    padding: 12px;
    border-radius: var(--support-chat-radius, 14px);
    background: var(--support-chat-bubble, #f1f3f5);
    align-self: flex-start;
  }
  .typing i {
    width: 6px;
    height: 6px;
    border-radius: 50%;
    background: currentColor;
    opacity: 0.4;
    animation: blink 1.2s infinite;
  }
  .typing i:nth-of-type(2) {
    animation-delay: 0.2s;
  }
  .typing i:nth-of-type(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    50% {
      opacity: 0.9;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    * {
      animation: none !important;
    }
  }
`;

/** For a LitElement's `static styles`; dropped from bundles that never use it (the widget's). */
export const messageStyles = /* @__PURE__ */ unsafeCSS(messageCss);
