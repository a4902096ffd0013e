import { LitElement, html, nothing } from 'lit';
import type { AgentProfile } from '@support-chat/shared';
import { AgentConnection, type ConnectionStatus, type ConsoleState } from './agent-connection.js';
import { createAuthApi, type AuthApi } from './auth-api.js';
import type { ConsoleEventDetails } from './events.js';
import { inboxSections, sectionOf, type SectionKey } from './inbox-state.js';
import { base, tokens } from './theme.styles.js';
import { consoleAppStyles } from './console-app.styles.js';

type Detail<K extends keyof ConsoleEventDetails> = CustomEvent<ConsoleEventDetails[K]>;

const STATUS_TEXT: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  online: 'Online',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
  unauthorized: 'Signed out',
};

/** `#c=<id>` keeps the open conversation across a reload. */
const HASH = /^#c=([\w-]{1,64})$/;

/**
 * `<support-console>`: the agents' console. Checks the session, shows the sign-in form or the
 * inbox, and wires the components to an `AgentConnection`. Served at `/console`, same origin as
 * the API.
 *
 * @cssproperty --support-console-accent - Buttons, selection, the agent's bubbles.
 * @cssproperty --support-console-font - Font family.
 * @cssproperty --support-console-height - Height of the console (default: the viewport).
 */
export class SupportConsole extends LitElement {
  static override styles = [tokens, base, consoleAppStyles];
  static override properties = {
    phase: { state: true },
    agent: { state: true },
    loginError: { state: true },
    loginNotice: { state: true },
    loginBusy: { state: true },
    view: { state: true },
    tab: { state: true },
    now: { state: true },
    busy: { state: true },
  };

  declare phase: 'loading' | 'login' | 'ready';
  declare agent: AgentProfile | null;
  declare loginError: string;
  declare loginNotice: string;
  declare loginBusy: boolean;
  declare view: ConsoleState | null;
  declare tab: SectionKey;
  declare now: number;
  declare busy: boolean;

  /** Replaceable for tests and embedders with their own transport. */
  api: AuthApi = createAuthApi();
  private connection: AgentConnection | null = null;
  private clock: ReturnType<typeof setInterval> | undefined;
  private baseTitle = '';

  constructor() {
    super();
    this.phase = 'loading';
    this.agent = null;
    this.loginError = '';
    this.loginNotice = '';
    this.loginBusy = false;
    this.view = null;
    this.tab = 'queued';
    this.now = Date.now();
    this.busy = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.baseTitle = document.title || 'Support console';
    this.clock = setInterval(() => (this.now = Date.now()), 15_000);
    if (this.phase === 'loading') void this.loadSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
    this.stopConnection();
    document.title = this.baseTitle;
  }

  override updated(): void {
    const unread = this.view?.inbox.unread.size ?? 0;
    const title = unread > 0 ? `(${unread}) ${this.baseTitle}` : this.baseTitle;
    if (document.title !== title) document.title = title;
  }

  override render() {
    if (this.phase === 'loading') return html`<div class="loading" role="status">Loading…</div>`;
    if (this.phase === 'login' || !this.agent || !this.view) {
      return html`<support-console-login
        .busy=${this.loginBusy}
        .error=${this.loginError}
        .notice=${this.loginNotice}
        @support-console-login-request=${this.onLogin}
      ></support-console-login>`;
    }
    const { agent, view } = this;
    const sections = inboxSections(view.inbox);
    const open = view.openId ? view.inbox.byId.get(view.openId) : undefined;
    return html`<div class="shell">
      <header class="topbar">
        <h1 class="brand">Support console</h1>
        <span class="conn ${view.status}" role="status">${STATUS_TEXT[view.status]}</span>
        ${view.status === 'offline'
          ? html`<button class="btn" type="button" @click=${() => this.connection?.start()}>Reconnect</button>`
          : nothing}
        <span class="spacer"></span>
        <span class="me">${agent.name}<span class="role">${agent.role}</span></span>
        <button class="btn" type="button" @click=${this.onLogout}>Log out</button>
      </header>
      <div class="notice" role="alert">${view.notice
        ? html`<p>${view.notice}</p>
            <button class="btn" type="button" @click=${() => this.connection?.dismissNotice()}>Dismiss</button>`
        : nothing}</div>
      <div class="body">
        <nav aria-label="Inbox">
          <support-console-inbox
            .sections=${sections}
            .tab=${this.tab}
            .selectedId=${view.openId}
            .unread=${view.inbox.unread}
            .now=${this.now}
            @support-console-tab=${(e: Detail<'support-console-tab'>) => (this.tab = e.detail.tab)}
            @support-console-select=${(e: Detail<'support-console-select'>) => this.select(e.detail.conversationId)}
          ></support-console-inbox>
        </nav>
        <main aria-label="Conversation">
          ${open
            ? html`<support-console-conversation
                .conversation=${open}
                .transcript=${view.transcript}
                .agent=${agent}
                .status=${view.status}
                .now=${this.now}
                .busy=${this.busy}
                @support-console-claim=${this.onClaim}
                @support-console-close=${this.onClose}
                @support-console-send=${(e: Detail<'support-console-send'>) => this.connection?.send(e.detail.text)}
                @support-console-typing=${(e: Detail<'support-console-typing'>) => this.connection?.typing(e.detail.typing)}
                @support-console-retry=${(e: Detail<'support-console-retry'>) => this.connection?.retry(e.detail.clientId)}
                @support-console-discard=${(e: Detail<'support-console-discard'>) => this.connection?.discard(e.detail.clientId)}
              ></support-console-conversation>`
            : this.renderPlaceholder(sections.queued.length)}
        </main>
        <aside aria-label="Visitor details">
          <support-console-visitor .conversation=${open} .now=${this.now}></support-console-visitor>
        </aside>
      </div>
    </div>`;
  }

  private renderPlaceholder(waiting: number) {
    const loaded = this.view?.inbox.loaded;
    return html`<div class="placeholder">
      <strong>${loaded ? 'No conversation open' : 'Loading the inbox…'}</strong>
      ${loaded
        ? html`<span>${waiting === 0 ? 'Nobody is waiting.' : `${waiting} ${waiting === 1 ? 'visitor is' : 'visitors are'} waiting in the queue.`}
            Pick a conversation from the inbox.</span>`
        : nothing}
    </div>`;
  }

  private async loadSession(): Promise<void> {
    const me = await this.api.me();
    if (me.ok) return this.startSession(me.data.agent);
    this.phase = 'login';
    if (me.error.code !== 'unauthorized') this.loginError = me.error.message;
  }

  private startSession(agent: AgentProfile): void {
    this.stopConnection();
    const connection = new AgentConnection({ agent });
    const fromHash = HASH.exec(location.hash)?.[1];
    let reopen = fromHash ?? null;
    let previous = connection.state.status;
    connection.subscribe((state) => {
      if (state.status === 'unauthorized') {
        this.endSession('Your session has ended. Please sign in again.');
        return;
      }
      // The server only drops us for good when told to (a sign-out elsewhere ends the session's
      // sockets): find out whether the session is gone before offering "Reconnect".
      if (state.status === 'offline' && previous !== 'offline') void this.checkSession(connection);
      previous = state.status;
      this.view = state;
      // After assigning: open() notifies again, synchronously, with the newer state.
      if (reopen && state.inbox.loaded) {
        const known = state.inbox.byId.get(reopen);
        reopen = null;
        if (known) {
          this.tab = sectionOf(known, agent.id);
          connection.open(known.id);
        }
      }
    });
    this.connection = connection;
    this.agent = agent;
    this.view = connection.state;
    this.loginError = '';
    this.loginNotice = '';
    this.phase = 'ready';
    connection.start();
  }

  private async checkSession(connection: AgentConnection): Promise<void> {
    const me = await this.api.me();
    if (this.connection !== connection) return;
    if (!me.ok && me.error.code === 'unauthorized') this.endSession('You were signed out. Please sign in again.');
  }

  /** Back to the sign-in form; `notice` says why when the agent did not ask for it. */
  private endSession(notice: string): void {
    this.stopConnection();
    this.view = null;
    this.phase = 'login';
    this.loginError = '';
    this.loginNotice = notice;
    history.replaceState(null, '', location.pathname + location.search);
  }

  private stopConnection(): void {
    this.connection?.stop();
    this.connection = null;
  }

  private select(conversationId: string): void {
    this.connection?.open(conversationId);
    history.replaceState(null, '', `#c=${conversationId}`);
  }

  private onLogin = async (event: Detail<'support-console-login-request'>): Promise<void> => {
    this.loginBusy = true;
    this.loginError = '';
    this.loginNotice = '';
    const result = await this.api.login(event.detail.email, event.detail.password);
    this.loginBusy = false;
    if (result.ok) this.startSession(result.data.agent);
    else this.loginError = result.error.message;
  };

  private onLogout = async (): Promise<void> => {
    const result = await this.api.logout();
    this.endSession(result.ok ? '' : `Signing out may not have finished: ${result.error.message}`);
  };

  private onClaim = async (): Promise<void> => {
    this.busy = true;
    const claimed = await this.connection?.claim();
    this.busy = false;
    if (claimed) this.tab = 'mine';
  };

  private onClose = async (): Promise<void> => {
    this.busy = true;
    await this.connection?.close();
    this.busy = false;
  };
}
