import { LitElement, html, nothing } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AgentConversation } from '@support-chat/shared';
import type { SearchState } from './agent-connection.js';
import { nameBadge } from './name-badge.js';
import { fire } from './events.js';
import { SECTION_KEYS, queuedSince, type InboxSections, type SectionKey } from './inbox-state.js';
import { duration, lastMessagePreview, relativeTime, statusLabel, visitorLabel } from './format.js';
import { LocaleController, fill, plural, t } from './i18n/locale.js';
import { base } from './theme.styles.js';
import { inboxListStyles } from './inbox-list.styles.js';
import { labelChip, labelChipStyles } from './conversation-labels.js';

/**
 * The inbox: one tab per section with a live count and the selected tab's conversations, or,
 * while a search is showing, its results.
 *
 * @fires support-console-tab - `{ tab }` when the agent picks a tab.
 * @fires support-console-more - `{ tab }` when the end of a tab that has more comes into view.
 * @fires support-console-select - `{ conversationId }` when the agent opens a conversation.
 */
export class SupportConsoleInbox extends LitElement {
  static override styles = [base, inboxListStyles, labelChipStyles];
  static override properties = {
    sections: { attribute: false },
    tab: { type: String },
    selectedId: { attribute: false },
    unread: { attribute: false },
    search: { attribute: false },
    now: { type: Number },
    more: { type: Boolean },
    me: { type: String },
    away: { attribute: false },
  };

  declare sections: InboxSections;
  declare tab: SectionKey;
  declare selectedId: string | null;
  declare unread: ReadonlySet<string>;
  declare search: SearchState | null;
  declare now: number;
  /** The server has more of the selected tab than `sections` holds. */
  declare more: boolean;
  /** This agent's id: a row assigned to anyone else names who has it. */
  declare me: string;
  /** Teammates who are Away: their rows say so, and a teammate may take them over. */
  declare away: ReadonlySet<string>;
  private endObserver: IntersectionObserver | null = null;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.sections = { queued: [], mine: [], bot: [], offline: [], team: [], closed: [] };
    this.tab = 'queued';
    this.selectedId = null;
    this.unread = new Set();
    this.search = null;
    this.now = Date.now();
    this.more = false;
    this.me = '';
    this.away = new Set();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.endObserver?.disconnect();
    this.endObserver = null;
  }

  /** Scrolled to the end of a tab with more: ask for the next page (the button does it too). */
  override updated(): void {
    const end = this.renderRoot.querySelector('.more');
    this.endObserver?.disconnect();
    if (!end || typeof IntersectionObserver === 'undefined') return;
    this.endObserver ??= new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) this.askMore();
    });
    this.endObserver.observe(end);
  }

  /** Back from the conversation on a phone: the keyboard lands on the row that was open. */
  focusSelected(): void {
    this.renderRoot.querySelector<HTMLButtonElement>('.row[aria-current="true"]')?.focus();
  }

  private askMore(): void {
    fire(this, 'support-console-more', { tab: this.tab });
  }

  override render() {
    return html`
      <div role="tablist" aria-label=${t().inbox.sectionsLabel} @keydown=${this.onTabKey}>
        ${SECTION_KEYS.map((key) => this.renderTab(key))}
      </div>
      ${this.search ? this.renderResults(this.search) : this.renderPanel()}
    `;
  }

  private renderPanel() {
    const rows = this.sections[this.tab];
    return html`<div role="tabpanel" id="panel" aria-labelledby=${`tab-${this.tab}`} tabindex="-1">
      ${rows.length === 0 && !this.more
        ? html`<p class="empty">${t().inbox.empty[this.tab]}</p>`
        : html`<ul>${repeat(rows, (c) => c.id, (c) => html`<li>${this.renderRow(c)}</li>`)}</ul>`}
      ${this.more ? html`<button class="more" @click=${this.askMore}>${t().inbox.showMore}</button>` : nothing}
    </div>`;
  }

  private renderResults(search: SearchState) {
    const results = search.results ?? [];
    const s = t().inbox;
    const what = search.query ? fill(s.quoted, { query: search.query }) : search.label ? fill(t().tagging.filteredBy, { label: search.label }) : s.thoseDates;
    const summary = search.busy && !search.results ? s.searching : plural(s.results, results.length, { what });
    return html`<section class="results" aria-label=${s.resultsLabel} aria-busy=${search.busy ? 'true' : 'false'}>
      <p class="summary" role="status">${summary}</p>
      ${results.length
        ? html`<ul>${repeat(results, (c) => c.id, (c) => html`<li>${this.renderRow(c)}</li>`)}</ul>`
        : nothing}
    </section>`;
  }

  private renderTab(key: SectionKey) {
    const selected = key === this.tab && !this.search;
    const count = `${this.sections[key].length}${key === this.tab && this.more ? '+' : ''}`;
    const alert = (key === 'queued' || key === 'offline') && this.sections[key].length > 0;
    const unread = this.sections[key].filter((c) => this.unread.has(c.id)).length;
    const s = t().inbox;
    return html`<button
      role="tab"
      id=${`tab-${key}`}
      aria-selected=${selected ? 'true' : 'false'}
      aria-controls=${this.search ? nothing : 'panel'}
      tabindex=${key === this.tab ? 0 : -1}
      @click=${() => fire(this, 'support-console-tab', { tab: key })}
    >
      <span class="count ${alert ? 'alert' : ''}">${count}</span>
      <span class="tab-label">${s.tabs[key]}</span>${key === 'bot' ? html`<span class="tab-short" aria-hidden="true">${s.botShort}</span>` : nothing}
      ${unread ? html`<span class="tab-unread" title=${fill(s.newCount, { n: unread })}><span class="sr-only">${fill(s.newSr, { n: unread })}</span></span>` : nothing}
    </button>`;
  }

  private renderRow(c: AgentConversation) {
    const unread = this.unread.has(c.id);
    const waiting = c.status === 'queued';
    const since = waiting ? queuedSince(c) : (c.lastMessage?.createdAt ?? c.updatedAt);
    const s = t().inbox;
    const detail = c.status === 'assigned' && c.assignedAgentName ? fill(s.assignedTo, { name: c.assignedAgentName }) : statusLabel(c.status);
    // A colleague's row names them (and says when they are Away): which chats could be taken over
    // showed only "Assigned", the name in a tooltip (a support team's probe).
    const colleague = c.status === 'assigned' && c.assignedAgentId !== this.me ? c.assignedAgentName : undefined;
    const held = colleague && (this.away.has(c.assignedAgentId ?? '') ? fill(s.heldAway, { name: colleague }) : colleague);
    const badge = c.leftMessage && c.status !== 'closed' ? s.messageBadge : waiting && c.queuePosition ? `#${c.queuePosition}` : held || statusLabel(c.status);
    return html`<button
      class="row"
      aria-current=${c.id === this.selectedId ? 'true' : 'false'}
      @click=${() => fire(this, 'support-console-select', { conversationId: c.id })}
    >
      ${unread ? html`<span class="unread-dot" aria-hidden="true"></span>` : nothing}
      <span class="who">${visitorLabel(c)}${nameBadge(c, { onlyVerified: true })}${unread ? html`<span class="sr-only">${s.newRow}</span>` : nothing}</span>
      <span class="when ${waiting ? 'waiting' : ''}">
        ${waiting ? html`<span class="sr-only">${s.waitingSr}</span>${duration(this.now - since)}` : relativeTime(since, this.now)}
      </span>
      <span class="preview">${lastMessagePreview(c)}</span>
      <span class="badge ${c.leftMessage && c.status !== 'closed' ? 'offline' : c.status}${held && held !== colleague ? ' away' : ''}" title=${detail}>${badge}</span>
      ${c.labels?.length ? html`<span class="labels">${c.labels.map((l) => labelChip(l))}</span>` : nothing}
    </button>`;
  }

  /** Arrow keys move between tabs (the WAI-ARIA tabs pattern); the tab follows focus. */
  private onTabKey(event: KeyboardEvent): void {
    const index = SECTION_KEYS.indexOf(this.tab);
    const last = SECTION_KEYS.length - 1;
    const next =
      event.key === 'ArrowRight' ? (index + 1) % SECTION_KEYS.length
      : event.key === 'ArrowLeft' ? (index + last) % SECTION_KEYS.length
      : event.key === 'Home' ? 0
      : event.key === 'End' ? last
      : -1;
    if (next < 0) return;
    event.preventDefault();
    const tab = SECTION_KEYS[next]!;
    fire(this, 'support-console-tab', { tab });
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLButtonElement>(`#tab-${tab}`)?.focus(),
    );
  }
}
