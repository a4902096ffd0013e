import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { LIMITS, type AgentProfile } from '@support-chat/shared';
import type { AgentConnection } from './agent-connection.js';
import type { AdminApi } from './admin-api.js';
import { openConversation, type ConsoleState } from './console-state.js';
import { fire, type Detail } from './events.js';
import { SECTION_KEYS, hasMore, inboxSections, neighbour, sectionOf, sectionWithWork, type InboxState, type SectionKey } from './inbox-state.js';
import { LocaleController, plural, t } from './i18n/locale.js';
import { canClaim, canClose, canReply } from './permissions.js';
import { shortcutFor, type ShortcutAction } from './shortcuts.js';
import { awayIds, handlerStatus, transferTargets } from './team-state.js';
import type { SupportConsoleConversation } from './conversation-view.js';
import type { SupportConsoleSearch } from './inbox-search.js';
import type { SupportConsoleInbox } from './inbox-list.js';
import { base } from './theme.styles.js';
import { workspaceStyles } from './workspace.styles.js';
import type { LabelCount } from '@support-chat/shared';

/**
 * `#c=<id>` keeps the open conversation across a reload, `#mine`, `#queued`… the tab the agent
 * picked, `#queued&c=<id>` both (a tab picked with a conversation open lost the conversation on
 * reload; a probe).
 */
const HASH = /(?:^#|&)c=([\w-]{1,64})$/;

/** The tab the address names, if any. */
function tabFromHash(hash: string): SectionKey | null {
  const key = hash.slice(1).split('&')[0]!;
  return (SECTION_KEYS as readonly string[]).includes(key) ? (key as SectionKey) : null;
}

/** What a narrow screen shows (issue 13: usable from 360 px); wide screens show all three. */
type Screen = 'list' | 'conversation' | 'visitor';

/**
 * The inbox page: search, the inbox tabs and the team on the left, the open conversation in the
 * middle, the visitor on the right. Turns the components' events and the keyboard shortcuts into
 * calls on the `AgentConnection`. Narrower, the visitor is behind a button; on a phone the list
 * and the conversation are two screens (`screen`, reflected for the styles).
 *
 * @fires support-console-help - "?" was pressed.
 */
export class SupportConsoleWorkspace extends LitElement {
  static override styles = [base, workspaceStyles];
  static override properties = {
    agent: { attribute: false },
    view: { attribute: false },
    connection: { attribute: false },
    adminApi: { attribute: false },
    now: { type: Number },
    tab: { state: true },
    busy: { state: true },
    screen: { type: String, reflect: true },
    labelsInUse: { state: true },
  };

  declare agent: AgentProfile;
  declare view: ConsoleState;
  declare connection: AgentConnection;
  /** Admins' visitor-data actions in the visitor panel (export, erase). */
  declare adminApi: AdminApi | undefined;
  declare now: number;
  declare tab: SectionKey;
  declare busy: boolean;
  declare screen: Screen;
  /** The labels in use (issue 13): the filter's options and the label field's suggestions. */
  declare labelsInUse: readonly LabelCount[];
  private reopen: string | null = HASH.exec(location.hash)?.[1] ?? null;
  /**
   * The agent picked a tab (a click, a shortcut, the address) or a conversation. Until then the
   * inbox shows where the work is, and follows it as the first assignments land.
   */
  private chosen: boolean;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    const picked = tabFromHash(location.hash);
    this.chosen = picked !== null || this.reopen !== null;
    this.tab = picked ?? 'queued';
    this.busy = false;
    this.screen = 'list';
    this.now = Date.now();
    this.labelsInUse = [];
  }

  private refreshingLabels = false;

  private async refreshLabels(): Promise<void> {
    this.refreshingLabels = true;
    try {
      this.labelsInUse = await this.connection.labelsInUse();
    } finally {
      this.refreshingLabels = false;
    }
  }

  /** The labels missing from the filter when it was last asked for because of them. */
  private askedForLabels = '';

  /**
   * A row carries a label the filter does not offer yet: another agent, or a label rule, put it
   * there. The list is asked for again then, once per new set of such labels (not on every
   * update: the counts may lag, the options do not).
   */
  private labelsToAskFor(inbox: InboxState): boolean {
    const listed = new Set(this.labelsInUse.map((l) => l.label));
    const missing = new Set<string>();
    for (const conversation of inbox.byId.values()) {
      for (const label of conversation.labels ?? []) if (!listed.has(label)) missing.add(label);
    }
    const key = [...missing].sort().join();
    if (!key || key === this.askedForLabels) return false;
    this.askedForLabels = key;
    return true;
  }

  private labelsAsked = false;

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('keydown', this.onShortcut);
    window.addEventListener('hashchange', this.onHashChange);
    if (this.hasUpdated) this.connection?.showInbox(this.tab);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('keydown', this.onShortcut);
    window.removeEventListener('hashchange', this.onHashChange);
    // Another page (reports, settings): the team's rows are not on screen.
    this.connection?.showInbox(null);
  }

  /** The connection follows the team's rows while the tab shows them (issue 9). */
  override updated(changed: PropertyValues<this>): void {
    if (changed.has('tab') || changed.has('connection')) this.connection?.showInbox(this.tab);
  }

  override willUpdate(changed: PropertyValues<this>): void {
    const { view } = this;
    if (!this.labelsAsked && view.status === 'online') {
      this.labelsAsked = true;
      void this.refreshLabels();
    } else if (changed.has('view') && this.labelsAsked && !this.refreshingLabels && this.labelsToAskFor(view.inbox)) {
      void this.refreshLabels();
    }
    // `#c=<id>` from a reload or a link (a knowledge gap in the reports): open it, listed or not
    // (an old closed one is not); the watch answer brings it into the inbox.
    if (this.reopen && view.inbox.loaded) {
      const id = this.reopen;
      this.reopen = null;
      if (view.openId !== id) queueMicrotask(() => this.connection.open(id));
    }
    // Opened from elsewhere (a notification, a reload, the page switch): show its tab.
    const opened = openConversation(view);
    const switched = changed.has('view') && changed.get('view')?.openId !== view.openId;
    if (opened && (switched || !this.hasUpdated)) this.screen = 'conversation';
    if (!opened) this.screen = 'list';
    if (opened && !view.search && (switched || !this.hasUpdated)) {
      this.tab = sectionOf(opened, this.agent.id);
    } else if (!this.chosen && view.inbox.loaded && !view.search) {
      this.tab = sectionWithWork(inboxSections(view.inbox));
    }
  }

  override render() {
    const { agent, view } = this;
    const sections = inboxSections(view.inbox);
    const open = openConversation(view);
    // The list and the conversation are the page's main content; the visitor panel is beside it.
    return html`
      <main>
        <nav aria-label=${t().inbox.navLabel}>
          <support-console-search
            .active=${view.search !== null}
            @support-console-search=${(e: Detail<'support-console-search'>) => {
              const { query, ...range } = e.detail;
              void this.connection.search(query, range);
            }}
            @support-console-search-clear=${() => this.connection.clearSearch()}
          ></support-console-search>
          <support-console-label-filter
            .labels=${this.labelsInUse}
            .value=${view.search?.label ?? ''}
            .onPick=${(label: string) => (label ? void this.connection.search('', { label }) : this.connection.clearSearch())}
          ></support-console-label-filter>
          <support-console-inbox
            .sections=${sections}
            .tab=${this.tab}
            .selectedId=${view.openId}
            .unread=${view.inbox.unread}
            .search=${view.search}
            .now=${this.now}
            .more=${hasMore(view.inbox, this.tab)}
            .me=${agent.id}
            .away=${awayIds(view.team)}
            @support-console-tab=${(e: Detail<'support-console-tab'>) => this.showTab(e.detail.tab)}
            @support-console-more=${(e: Detail<'support-console-more'>) => void this.connection.loadMore(e.detail.tab)}
            @support-console-select=${(e: Detail<'support-console-select'>) => this.select(e.detail.conversationId)}
          ></support-console-inbox>
          <support-console-team .team=${view.team} .me=${agent.id}></support-console-team>
        </nav>
        <div class="conversation">
          ${open
            ? html`<support-console-conversation
                .conversation=${open}
                .transcript=${view.transcript}
                .agent=${agent}
                .status=${view.status}
                .now=${this.now}
                .busy=${this.busy}
                .targets=${transferTargets(view.team, open.assignedAgentId ?? agent.id)}
                .handlerStatus=${handlerStatus(view.team, open)}
                .canned=${view.canned}
                .draft=${view.draft}
                .labelSuggestions=${this.labelsInUse}
                .onLabel=${async (change: { add: string[]; remove: string[] }) => {
                  const done = await this.connection.label(change);
                  if (done) void this.refreshLabels();
                  return done;
                }}
                @support-console-claim=${this.onClaim}
                @support-console-close=${() => this.close()}
                @support-console-reopen=${() => this.act(() => this.connection.reopen())}
                @support-console-handback=${() => this.act(() => this.connection.handback())}
                @support-console-transfer=${(e: Detail<'support-console-transfer'>) =>
                  this.act(() => this.connection.transfer(e.detail.agentId))}
                @support-console-send=${(e: Detail<'support-console-send'>) => this.connection.send(e.detail.text, e.detail.kind)}
                @support-console-typing=${(e: Detail<'support-console-typing'>) => this.connection.typing(e.detail.typing)}
                @support-console-draft=${() => void this.connection.suggestDraft()}
                @support-console-draft-taken=${() => this.connection.clearDraft()}
                @support-console-retry=${(e: Detail<'support-console-retry'>) => this.connection.retry(e.detail.clientId)}
                @support-console-discard=${(e: Detail<'support-console-discard'>) => this.connection.discard(e.detail.clientId)}
                @support-console-back=${() => void this.showScreen('list')}
                @support-console-visitor-panel=${() => void this.showScreen('visitor')}
              ></support-console-conversation>`
            : this.renderPlaceholder(sections.queued.length + sections.offline.length, sections.mine.length)}
        </div>
      </main>
      <aside aria-label=${t().conversation.visitorDetails}>
        <button class="btn back-to-conversation" type="button" @click=${() => void this.showScreen('conversation')}>
          <span aria-hidden="true">←</span> ${t().conversation.backToConversation}
        </button>
        <support-console-visitor
          .conversation=${open}
          .now=${this.now}
          .admin=${agent.role === 'admin'}
          .api=${this.adminApi}
        ></support-console-visitor>
        ${open
          ? html`<support-console-history
              .conversationId=${open.id}
              .now=${this.now}
              .load=${(id: string, cursor?: string) => this.connection.visitorHistory(id, cursor)}
              .read=${(id: string) => this.connection.readTranscript(id)}
            ></support-console-history>`
          : nothing}
      </aside>
    `;
  }

  private renderPlaceholder(waiting: number, mine: number) {
    const loaded = this.view.inbox.loaded;
    const s = t().conversation;
    const yours = mine === 0 ? '' : plural(s.yours, mine);
    return html`<div class="placeholder">
      <strong>${loaded ? s.noneOpen : s.loadingInbox}</strong>
      ${loaded
        ? html`<span>${waiting === 0 ? s.nobodyWaiting : plural(s.waiting, waiting)}${yours}
            ${s.pickHint} <kbd>j</kbd>${s.pickHintEnd}</span>`
        : nothing}
    </div>`;
  }

  /** Switches the narrow screen and puts the keyboard where the agent will want it. */
  private async showScreen(screen: Screen): Promise<void> {
    this.screen = screen;
    await this.updateComplete;
    if (screen === 'list') this.renderRoot.querySelector<SupportConsoleInbox>('support-console-inbox')?.focusSelected();
    else if (screen === 'visitor') this.renderRoot.querySelector<HTMLButtonElement>('.back-to-conversation')?.focus();
    else this.conversationView?.focusVisitorToggle();
  }

  private showTab(tab: SectionKey): void {
    this.tab = tab;
    this.chosen = true;
    const open = this.view.openId;
    history.replaceState(null, '', `#${tab}${open ? `&c=${open}` : ''}`);
    // Before the search goes: leaving results for a team tab must not stop following in between.
    this.connection.showInbox(tab);
    if (this.view.search) this.connection.clearSearch();
    // A tab holding less than a page (its first page went to other tabs, or its conversations
    // moved on) fills itself when opened.
    if (inboxSections(this.view.inbox)[tab].length < LIMITS.inboxPage) void this.connection.loadMore(tab);
  }

  private select(conversationId: string): void {
    this.chosen = true;
    const known = this.view.search?.results?.find((c) => c.id === conversationId);
    this.connection.open(conversationId, known);
    // The tab stays in the address when the agent had picked one. A step in the history, so Back
    // returns to the conversation before (it skipped over them all: a support team's probe).
    const hash = `#${tabFromHash(location.hash) ? `${this.tab}&` : ''}c=${conversationId}`;
    if (location.hash !== hash) history.pushState(null, '', hash);
  }

  /**
   * A conversation's link pasted into the open console, or Back and Forward between
   * conversations: the one the address names opens (the old one stayed on screen while the
   * address named another: a probe), and none when it names none.
   */
  private onHashChange = (): void => {
    const id = HASH.exec(location.hash)?.[1] ?? null;
    if (id === this.view.openId) return;
    // Back to the inbox as it was before a conversation was opened (`#mine`, or no hash): none
    // is open (it stayed on screen: a review). Another page's address is the app's to follow.
    if (!id && location.hash !== '' && !tabFromHash(location.hash)) return;
    this.chosen = true;
    this.connection.open(id);
  };

  /** Closes the open conversation; asks first when a written reply was not sent (a probe's `e` dropped one). */
  private close(): void {
    if (this.conversationView?.composer?.unsentReply && !confirm(t().conversation.closeUnsent)) return;
    void this.act(() => this.connection.close());
  }

  private async act(run: () => Promise<boolean>): Promise<boolean> {
    this.busy = true;
    const done = await run();
    this.busy = false;
    return done;
  }

  private onClaim = async (): Promise<void> => {
    if (await this.act(() => this.connection.claim())) this.tab = 'mine';
  };

  private get conversationView(): SupportConsoleConversation | null {
    return this.renderRoot.querySelector<SupportConsoleConversation>('support-console-conversation');
  }

  private onShortcut = (event: KeyboardEvent): void => {
    const action = shortcutFor(event);
    if (!action || !this.perform(action)) return;
    event.preventDefault();
  };

  /** Runs a shortcut; false when it does not apply here (the key is left alone then). */
  private perform(action: ShortcutAction): boolean {
    const { view, agent } = this;
    const open = openConversation(view);
    const list = view.search?.results ?? inboxSections(view.inbox)[this.tab];
    switch (action) {
      case 'next':
      case 'previous': {
        const id = neighbour(list, view.openId, action === 'next' ? 1 : -1);
        if (id) this.select(id);
        return id !== null;
      }
      case 'claim':
        if (!open || !canClaim(open, view.status).allowed) return false;
        this.conversationView?.composer?.claimingByKey();
        void this.onClaim();
        return true;
      case 'close':
        if (!open || !canClose(open, agent, view.status, handlerStatus(view.team, open)).allowed) return false;
        this.close();
        return true;
      case 'reply':
      case 'note':
        if (!open) return false;
        // On a phone the composer may be on the other screen: bring it first.
        this.screen = 'conversation';
        void this.updateComplete.then(() => this.conversationView?.composer?.write(action === 'reply' ? 'text' : 'note'));
        return true;
      case 'draft':
        if (!open || !canReply(open, agent, view.status).allowed) return false;
        void this.connection.suggestDraft();
        return true;
      case 'transfer':
        if (!open) return false;
        this.screen = 'conversation';
        void this.updateComplete.then(() => this.conversationView?.showTransfer());
        return true;
      case 'search':
        this.renderRoot.querySelector<SupportConsoleSearch>('support-console-search')?.focus();
        return true;
      case 'help':
        fire(this, 'support-console-help', null);
        return true;
      default: {
        const tab = SECTION_KEYS[Number(action.slice(4)) - 1];
        if (tab) this.showTab(tab);
        return tab !== undefined;
      }
    }
  }
}
