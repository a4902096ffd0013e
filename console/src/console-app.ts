import { LitElement, html, nothing } from 'lit';
import type { AgentProfile, Locale } from '@support-chat/shared';
import { AgentConnection, type ConsoleState } from './agent-connection.js';
import { createAdminApi, type AdminApi } from './admin-api.js';
import { Alerts, arrivalText, type NotificationState } from './alerts.js';
import { createAuthApi, type AuthApi } from './auth-api.js';
import type { ConsolePage, Detail } from './events.js';
import { LocaleController, browserLocale, consoleLocale, errorText, fill, onLocaleChange, setConsoleLocale, t } from './i18n/locale.js';
import { arrivals, type InboxState } from './inbox-state.js';
import type { SupportConsoleShortcuts } from './shortcuts-dialog.js';
import { base, tokens } from './theme.styles.js';
import { consoleAppStyles } from './console-app.styles.js';
import { consoleDrafts } from './draft-store.js';

const ADMIN_PAGES: ReadonlySet<ConsolePage> = new Set(['reports', 'agents', 'canned', 'routing', 'audit', 'integrations']);

/** `#reports`, `#agents`…; anything else (including `#c=<id>`) is the inbox. */
function pageFromHash(hash: string, agent: AgentProfile | null): ConsolePage {
  const page = hash.slice(1) as ConsolePage;
  if (page === 'knowledge' && agent) return page;
  return ADMIN_PAGES.has(page) && agent?.role === 'admin' ? page : 'inbox';
}

/**
 * `<support-console>`: the agents' console. Checks the session, shows the sign-in form or the
 * console: the inbox for everyone, reports and settings for admins. Calls for the agent (sound,
 * desktop notification, the count in the tab title) when something needs them. Served at
 * `/console`, same origin as the API.
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
    page: { state: true },
    now: { state: true },
    notifications: { state: true },
    muted: { state: true },
    ownNotice: { state: true },
  };

  declare phase: 'loading' | 'login' | 'ready';
  declare agent: AgentProfile | null;
  declare loginError: string;
  declare loginNotice: string;
  declare loginBusy: boolean;
  declare view: ConsoleState | null;
  declare page: ConsolePage;
  declare now: number;
  declare notifications: NotificationState;
  declare muted: boolean;
  /** A failure of the console's own (saving the language), shown where the connection's are. */
  declare ownNotice: string;
  private readonly i18n = new LocaleController(this);
  private offLocale: (() => void) | null = null;

  /** Replaceable for tests and embedders with their own transport. */
  api: AuthApi = createAuthApi();
  adminApi: AdminApi = createAdminApi();
  private readonly alerts = new Alerts();
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
    this.page = 'inbox';
    this.now = Date.now();
    this.notifications = this.alerts.notificationState;
    this.muted = this.alerts.muted;
    this.ownNotice = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.baseTitle = document.title || t().shell.productName;
    this.showLanguage(consoleLocale());
    this.offLocale = onLocaleChange((locale) => this.showLanguage(locale));
    this.clock = setInterval(() => (this.now = Date.now()), 15_000);
    window.addEventListener('popstate', this.onPopState);
    window.addEventListener('pointerdown', this.unlockAudio, true);
    window.addEventListener('keydown', this.unlockAudio, true);
    document.addEventListener('visibilitychange', this.onVisibility);
    if (this.phase === 'loading') void this.loadSession();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.clock);
    window.removeEventListener('popstate', this.onPopState);
    window.removeEventListener('pointerdown', this.unlockAudio, true);
    window.removeEventListener('keydown', this.unlockAudio, true);
    document.removeEventListener('visibilitychange', this.onVisibility);
    this.stopConnection();
    this.offLocale?.();
    document.title = this.baseTitle;
  }

  /** Screen readers and fonts follow the language (the console page's own `<html lang>` too). */
  private showLanguage(locale: Locale): void {
    this.lang = locale;
    if (this.ownsPage()) document.documentElement.lang = locale;
  }

  /** The console is the page (the server's `/console`), not a part of someone else's. */
  private ownsPage(): boolean {
    return document.querySelector('body > support-console') === this;
  }

  override updated(): void {
    const unread = this.view?.inbox.unread.size ?? 0;
    // The console's own page is titled in the agent's language; a page it is embedded in keeps its title.
    const base = this.ownsPage() ? t().shell.productName : this.baseTitle;
    const title = unread > 0 ? `(${unread}) ${base}` : base;
    if (document.title !== title) document.title = title;
  }

  override render() {
    if (this.phase === 'loading') return html`<div class="loading" role="status">${t().shell.loading}</div>`;
    if (this.phase === 'login' || !this.agent || !this.view) {
      return html`<support-console-login
        .busy=${this.loginBusy}
        .error=${this.loginError}
        .notice=${this.loginNotice}
        @support-console-login-request=${this.onLogin}
      ></support-console-login>`;
    }
    const { agent, view } = this;
    // Landmarks hold everything (axe's "region"): the bar and its alerts are the banner, a page
    // is the main region; the inbox brings its own (nav, main, aside).
    return html`<div class="shell" @support-console-help=${this.showHelp}>
      <header>
        <support-console-topbar
          .agent=${agent}
          .page=${this.page}
          .status=${view.status}
          .presence=${view.presence}
          .notifications=${this.notifications}
          .muted=${this.muted}
          @support-console-sound=${(e: Detail<'support-console-sound'>) => {
            this.alerts.setMuted(e.detail.muted);
            this.muted = e.detail.muted;
          }}
          @support-console-navigate=${(e: Detail<'support-console-navigate'>) => this.navigate(e.detail.page)}
          @support-console-presence=${(e: Detail<'support-console-presence'>) => void this.connection?.setPresence(e.detail.status)}
          @support-console-notifications=${this.onEnableNotifications}
          @support-console-reconnect=${() => this.connection?.start()}
          @support-console-logout=${this.onLogout}
          @support-console-locale=${(e: Detail<'support-console-locale'>) => void this.chooseLanguage(e.detail.locale)}
        ></support-console-topbar>
        <div class="notice" role="alert">${view.notice || this.ownNotice
          ? html`<p>${view.notice || this.ownNotice}</p>
              <button class="btn" type="button" @click=${() => {
                this.ownNotice = '';
                this.connection?.dismissNotice();
              }}>${t().shell.dismiss}</button>`
          : nothing}</div>
      </header>
      <div class="body">${this.page === 'inbox' ? this.renderPage(agent, view) : html`<main>${this.renderPage(agent, view)}</main>`}</div>
      <support-console-shortcuts></support-console-shortcuts>
    </div>`;
  }

  private renderPage(agent: AgentProfile, view: ConsoleState) {
    switch (this.page) {
      case 'reports':
        return html`<support-console-reports .api=${this.adminApi}></support-console-reports>`;
      case 'agents':
        return html`<support-console-admin-agents .api=${this.adminApi} .me=${agent.id} .team=${view.team}></support-console-admin-agents>`;
      case 'canned':
        return html`<support-console-admin-canned .api=${this.adminApi}></support-console-admin-canned>`;
      case 'routing':
        return html`<support-console-admin-routing .api=${this.adminApi}></support-console-admin-routing>`;
      case 'audit':
        return html`<support-console-admin-audit .api=${this.adminApi}></support-console-admin-audit>`;
      case 'integrations':
        return html`<support-console-admin-integrations .api=${this.adminApi}></support-console-admin-integrations>`;
      case 'knowledge':
        return html`<support-console-admin-knowledge .agent=${agent}></support-console-admin-knowledge>`;
      case 'inbox':
        return html`<support-console-workspace
          .agent=${agent}
          .view=${view}
          .connection=${this.connection}
          .adminApi=${this.adminApi}
          .now=${this.now}
        ></support-console-workspace>`;
    }
  }

  private navigate(page: ConsolePage): void {
    if (page === this.page) return;
    this.page = page;
    const openId = this.view?.openId;
    history.pushState(null, '', page === 'inbox' ? (openId ? `#c=${openId}` : location.pathname) : `#${page}`);
  }

  private onPopState = (): void => {
    this.page = pageFromHash(location.hash, this.agent);
  };

  private showHelp = (): void => {
    this.renderRoot.querySelector<SupportConsoleShortcuts>('support-console-shortcuts')?.show();
  };

  private unlockAudio = (): void => this.alerts.unlock();

  private onVisibility = (): void => this.connection?.markRead();

  private onEnableNotifications = async (): Promise<void> => {
    this.notifications = await this.alerts.requestPermission();
  };

  /** A sound for what just started needing this agent, and a notification when they look elsewhere. */
  private announce(before: InboxState | null, after: InboxState): void {
    const ids = arrivals(before, after);
    if (ids.length === 0) return;
    this.alerts.beep();
    if (document.visibilityState === 'visible' && document.hasFocus()) return;
    for (const id of ids.slice(0, 3)) {
      const c = after.byId.get(id);
      if (!c) continue;
      this.alerts.notify(arrivalText(c, after.me), `support-console-${id}`, () => {
        this.navigate('inbox');
        this.connection?.open(id);
      });
    }
  }

  private async loadSession(): Promise<void> {
    const me = await this.api.me();
    if (me.ok) return this.startSession(me.data.agent);
    this.phase = 'login';
    if (me.error.code !== 'unauthorized') this.loginError = errorText(me.error);
  }

  /**
   * Switches at once (every component re-renders), then keeps the choice with the account, so the
   * agent's other devices and next sign-in agree. A failed save leaves the switch, and says so.
   */
  private async chooseLanguage(locale: Locale): Promise<void> {
    setConsoleLocale(locale);
    const result = await this.api.savePreferences({ locale });
    if (result.ok) {
      this.agent = result.data.agent;
      this.ownNotice = '';
    } else this.ownNotice = `${t().shell.languageSaveFailed}: ${errorText(result.error)}`;
  }

  private startSession(agent: AgentProfile): void {
    this.stopConnection();
    setConsoleLocale(agent.locale ?? browserLocale());
    const connection = new AgentConnection({ agent });
    let previous = connection.state;
    connection.subscribe((state) => {
      if (state.status === 'unauthorized') {
        const s = t().shell;
        // Worded from the reason's code outside English (the server's sentence is English).
        const why = state.signedOut && (consoleLocale() === 'en' ? state.signedOut.message : s.endReasons[state.signedOut.reason]);
        this.endSession(why ? fill(s.signedOutBecause, { reason: why }) : s.sessionEnded);
        return;
      }
      // The server only drops us for good when told to (a sign-out elsewhere ends the session's
      // sockets): find out whether the session is gone before offering "Reconnect".
      if (state.status === 'offline' && previous.status !== 'offline') void this.checkSession(connection);
      if (previous.inbox !== state.inbox) this.announce(previous.inbox.loaded ? previous.inbox : null, state.inbox);
      // An admin renamed this agent, or changed their role: the top bar and the pages follow.
      const me = state.team.byId.get(agent.id);
      if (this.agent && me && (me.name !== this.agent.name || me.role !== this.agent.role)) this.agent = { ...this.agent, name: me.name, role: me.role };
      previous = state;
      this.view = state;
    });
    this.connection = connection;
    this.agent = agent;
    consoleDrafts.signedIn(agent.id);
    this.view = connection.state;
    this.page = pageFromHash(location.hash, agent);
    this.loginError = '';
    this.loginNotice = '';
    this.phase = 'ready';
    connection.start();
  }

  private async checkSession(connection: AgentConnection): Promise<void> {
    const me = await this.api.me();
    if (this.connection !== connection) return;
    if (!me.ok && me.error.code === 'unauthorized') this.endSession(t().shell.signedOut);
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

  private onLogin = async (event: Detail<'support-console-login-request'>): Promise<void> => {
    this.loginBusy = true;
    this.loginError = '';
    this.loginNotice = '';
    const result = await this.api.login(event.detail.email, event.detail.password);
    this.loginBusy = false;
    if (result.ok) this.startSession(result.data.agent);
    else this.loginError = errorText(result.error);
  };

  private onLogout = async (): Promise<void> => {
    consoleDrafts.clear();
    const result = await this.api.logout();
    this.endSession(result.ok ? '' : fill(t().shell.logoutUnsure, { reason: errorText(result.error) }));
  };
}
