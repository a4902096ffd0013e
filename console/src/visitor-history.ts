import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import type { AgentConversation, ChatMessage, ConversationHistoryItem } from '@support-chat/shared';
import { messageStyles } from '@support-chat/shared/browser/message-view.js';
import { attachmentStyles } from './attachments.js';
import { labelChip, labelChipStyles } from './conversation-labels.js';
import { statusLabel, relativeTime } from './format.js';
import { LocaleController, date, fill, t } from './i18n/locale.js';
import { renderItem } from './message-item.js';
import { base } from './theme.styles.js';
import { transcriptStyles } from './transcript-view.styles.js';

export interface HistoryPage {
  conversations: ConversationHistoryItem[];
  next?: string;
}

/**
 * The visitor's earlier conversations (and a verified user's from other devices), newest first,
 * paged: status, date, first question and labels. Opening one shows its transcript read-only in
 * a modal dialog (Escape or Close returns the keyboard to the row), rendered as the open
 * conversation's is (`renderItem`: who in the agent's language, Markdown, files, notes marked).
 */
export class SupportConsoleHistory extends LitElement {
  static override styles = [
    base,
    labelChipStyles,
    messageStyles,
    // The open transcript's look for the dialog's messages; its :host rules are overridden below.
    transcriptStyles,
    attachmentStyles,
    css`
      :host {
        display: block;
        min-height: auto;
        padding: 10px 14px;
        border-top: 1px solid var(--support-console-border);
      }
      h2 {
        font-size: 13px;
        margin: 0 0 6px;
      }
      ul {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 6px;
      }
      .entry {
        display: grid;
        gap: 3px;
        width: 100%;
        text-align: start;
        font: inherit;
        padding: 6px 8px;
        border: 1px solid var(--support-console-border);
        border-radius: 8px;
        background: var(--support-console-surface);
        color: inherit;
        cursor: pointer;
      }
      .meta {
        display: flex;
        gap: 6px;
        font-size: 12px;
        color: var(--support-console-muted);
        align-items: center;
        flex-wrap: wrap;
      }
      .question {
        overflow-wrap: anywhere;
      }
      .labels {
        display: flex;
        flex-wrap: wrap;
        gap: 4px;
      }
      dialog {
        width: min(640px, 92vw);
        max-height: 80vh;
        border: 1px solid var(--support-console-border);
        border-radius: 12px;
        padding: 0;
        background: var(--support-console-surface);
        color: inherit;
      }
      dialog header {
        display: flex;
        justify-content: space-between;
        align-items: center;
        gap: 8px;
        padding: 10px 14px;
        border-bottom: 1px solid var(--support-console-border);
      }
      dialog h3 {
        margin: 0;
        font-size: 14px;
      }
      dialog .log {
        max-height: 62vh;
        padding: 10px 14px;
      }
    `,
  ];
  static override properties = {
    conversationId: { type: String },
    now: { type: Number },
    page: { state: true },
    busy: { state: true },
    reading: { state: true },
  };

  declare conversationId: string;
  declare now: number;
  declare page: HistoryPage | null;
  declare busy: boolean;
  declare reading: { conversation: AgentConversation; messages: ChatMessage[] } | null;
  /** Set by the workspace: a page of history (after `cursor`), or null when it failed. */
  load: (conversationId: string, cursor?: string) => Promise<HistoryPage | null> = async () => null;
  /** Set by the workspace: one conversation's transcript, or null when it failed. */
  read: (conversationId: string) => Promise<{ conversation: AgentConversation; messages: ChatMessage[] } | null> = async () => null;
  private opener: HTMLElement | null = null;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.conversationId = '';
    this.now = Date.now();
    this.page = null;
    this.busy = false;
    this.reading = null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      this.page = null;
      if (this.conversationId) void this.fetchPage();
    }
  }

  private async fetchPage(cursor?: string): Promise<void> {
    const asked = this.conversationId;
    this.busy = true;
    const page = await this.load(asked, cursor);
    this.busy = false;
    if (asked !== this.conversationId || !page) return;
    this.page = cursor && this.page ? { conversations: [...this.page.conversations, ...page.conversations], ...(page.next ? { next: page.next } : {}) } : page;
  }

  override render() {
    const items = this.page?.conversations ?? [];
    const s = t().tagging;
    return html`<section aria-labelledby="history-heading" aria-busy=${this.busy ? 'true' : 'false'}>
      <h2 id="history-heading">${s.history}</h2>
      ${this.page === null
        ? html`<p class="muted">${s.historyLoading}</p>`
        : items.length === 0
          ? html`<p class="muted">${s.historyEmpty}</p>`
          : html`<ul>${items.map((item) => html`<li>${this.renderItem(item)}</li>`)}</ul>`}
      ${this.page?.next
        ? html`<button class="btn" type="button" ?disabled=${this.busy} @click=${() => void this.fetchPage(this.page?.next)}>${s.historyMore}</button>`
        : nothing}
      ${this.renderDialog()}
    </section>`;
  }

  private renderItem(item: ConversationHistoryItem) {
    const s = t().tagging;
    return html`<button class="entry" type="button" @click=${(e: Event) => void this.open(item.id, e.currentTarget as HTMLElement)}>
      <span class="meta">
        <span class="badge ${item.status}">${statusLabel(item.status)}</span>
        <time datetime=${new Date(item.createdAt).toISOString()} title=${date(item.createdAt, { dateStyle: 'medium', timeStyle: 'short' })}
          >${relativeTime(item.createdAt, this.now)}</time
        >
        ${item.match === 'user' ? html`<span>${s.otherDevice}</span>` : nothing}
      </span>
      <span class="question">${item.firstQuestion ?? s.noQuestion}</span>
      ${item.labels.length ? html`<span class="labels">${item.labels.map((l) => labelChip(l))}</span>` : nothing}
    </button>`;
  }

  private renderDialog() {
    const reading = this.reading;
    const s = t().tagging;
    return html`<dialog aria-labelledby="reading-title" @close=${this.onDialogClose}>
      ${reading
        ? html`<header>
              <h3 id="reading-title">${fill(s.readOnlyTitle, { when: date(reading.conversation.createdAt, { dateStyle: 'medium', timeStyle: 'short' }) })}</h3>
              <button class="btn" type="button" @click=${() => this.renderRoot.querySelector('dialog')?.close()}>${s.close}</button>
            </header>
            <div class="log" role="log" aria-label=${s.readOnly} tabindex="0">
              <ol>
                ${reading.messages.map((m) => renderItem(m))}
              </ol>
            </div>`
        : nothing}
    </dialog>`;
  }

  private async open(id: string, opener: HTMLElement): Promise<void> {
    const found = await this.read(id);
    if (!found) return;
    this.opener = opener;
    this.reading = found;
    await this.updateComplete;
    this.renderRoot.querySelector('dialog')?.showModal();
  }

  private onDialogClose = (): void => {
    this.reading = null;
    this.opener?.focus();
    this.opener = null;
  };
}
