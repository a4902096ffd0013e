import { LitElement, css, html, nothing, svg } from 'lit';
import { LOCALES, type AgentProfile, type Locale } from '@support-chat/shared';
import type { ConnectionStatus } from './agent-connection.js';
import type { NotificationState } from './alerts.js';
import { fire, type ConsolePage } from './events.js';
import { LocaleController, consoleLocale, t } from './i18n/locale.js';
import { base } from './theme.styles.js';

/** Each language named in itself: an agent who cannot read the current one still finds theirs. */
const LANGUAGE_NAMES: Record<Locale, string> = { en: 'English', 'zh-CN': '简体中文' };

const icon = (body: ReturnType<typeof svg>) =>
  html`<svg viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
const BELL = icon(svg`<path d="M6 8a6 6 0 0 1 12 0c0 7 3 9 3 9H3s3-2 3-9"></path><path d="M10.3 21a1.94 1.94 0 0 0 3.4 0"></path>`);
const SPEAKER_ON = icon(svg`<path d="M11 5 6 9H2v6h4l5 4V5z"></path><path d="M15.5 8.5a5 5 0 0 1 0 7"></path><path d="M19 5a10 10 0 0 1 0 14"></path>`);
const SPEAKER_OFF = icon(svg`<path d="M11 5 6 9H2v6h4l5 4V5z"></path><path d="m22 9-6 6"></path><path d="m16 9 6 6"></path>`);

const PAGES: ReadonlyArray<{ page: ConsolePage; admin: boolean }> = [
  { page: 'inbox', admin: false },
  { page: 'reports', admin: true },
  { page: 'agents', admin: true },
  { page: 'canned', admin: true },
  // Agents too: the page says so when an admin has not allowed them (issue 14).
  { page: 'knowledge', admin: false },
  { page: 'routing', admin: true },
  { page: 'audit', admin: true },
  { page: 'integrations', admin: true },
];

/**
 * The console's top bar: where you are (pages; admins see theirs), whether the console is
 * connected, my presence (online / away), notifications, shortcuts, and sign-out.
 *
 * @fires support-console-navigate - `{ page }`.
 * @fires support-console-presence - `{ status }` when the agent switches online / away.
 * @fires support-console-notifications - the agent asked to enable desktop notifications.
 * @fires support-console-reconnect - after the connection gave up.
 * @fires support-console-sound - `{ muted }` to turn the new-conversation sound off or on.
 * @fires support-console-help - show the keyboard shortcuts.
 * @fires support-console-locale - `{ locale }` when the agent picks a language.
 * @fires support-console-logout
 */
export class SupportConsoleTopbar extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: flex;
        align-items: center;
        gap: 12px;
        padding: 6px 16px;
        background: var(--support-console-surface);
        border-bottom: 1px solid var(--support-console-border);
        flex-wrap: wrap;
      }
      h1 {
        font-size: 15px;
        margin: 0 8px 0 0;
      }
      nav ul {
        display: flex;
        gap: 2px;
        list-style: none;
        margin: 0;
        padding: 0;
      }
      nav a {
        display: block;
        padding: 6px 10px;
        border-radius: 8px;
        color: var(--support-console-muted);
        text-decoration: none;
        font-weight: 500;
      }
      nav a:hover {
        background: var(--support-console-surface-2);
      }
      nav a[aria-current='page'] {
        background: var(--support-console-accent-soft);
        color: var(--support-console-accent);
      }
      .spacer {
        flex: 1;
      }
      .conn {
        display: inline-flex;
        align-items: center;
        gap: 6px;
        font-size: 12.5px;
        color: var(--support-console-muted);
      }
      .dot {
        width: 8px;
        height: 8px;
        border-radius: 50%;
        background: var(--support-console-warn);
        flex: none;
      }
      .online .dot,
      .dot.online {
        background: var(--support-console-ok);
      }
      .offline .dot,
      .dot.offline {
        background: var(--support-console-danger);
      }
      .dot.away {
        background: #d79b00;
      }
      .presence {
        display: inline-flex;
        align-items: center;
        gap: 6px;
      }
      .presence select {
        font: inherit;
        border: 1px solid var(--support-console-border);
        border-radius: 8px;
        padding: 4px 6px;
        background: var(--support-console-surface);
      }
      .me {
        text-align: right;
        line-height: 1.2;
      }
      .role {
        display: block;
        font-size: 11.5px;
        color: var(--support-console-muted);
        text-transform: capitalize;
      }
      .icon {
        padding: 6px 9px;
        display: inline-grid;
        place-items: center;
        min-height: 32px;
      }
      .icon[aria-pressed='false'] {
        color: var(--support-console-muted);
      }
      /* Below 1440 px the title and "Connected" give their room to the language picker and the
         pages, so a 1280 px laptop keeps one line. */
      @media (max-width: 1440px) {
        /* Out of sight, not out of the page: it is the page's one h1. */
        h1 {
          position: absolute;
          width: 1px;
          height: 1px;
          overflow: hidden;
          clip: rect(0, 0, 0, 0);
          white-space: nowrap;
        }
        /* The presence select is right beside it: only a connection problem needs the room. */
        .conn.online {
          display: none;
        }
      }
      /* A phone: the controls on the first line, the pages on a line of their own that scrolls sideways. */
      @media (max-width: 720px) {
        :host {
          gap: 6px 8px;
          padding: 6px 10px;
        }
        nav {
          order: 1;
          flex-basis: 100%;
          min-width: 0;
          overflow-x: auto;
        }
        nav ul {
          width: max-content;
        }
        .me {
          display: none;
        }
      }
    `,
  ];
  static override properties = {
    agent: { attribute: false },
    page: { type: String },
    status: { type: String },
    presence: { type: String },
    notifications: { type: String },
    muted: { type: Boolean },
  };

  declare agent: AgentProfile;
  declare page: ConsolePage;
  declare status: ConnectionStatus;
  declare presence: 'online' | 'away';
  declare notifications: NotificationState;
  declare muted: boolean;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.page = 'inbox';
    this.status = 'connecting';
    this.presence = 'online';
    this.notifications = 'unsupported';
    this.muted = false;
  }

  override render() {
    const pages = PAGES.filter((p) => !p.admin || this.agent.role === 'admin');
    const s = t().shell;
    return html`
      <h1>${s.productName}</h1>
      <nav aria-label=${s.pagesLabel}>
        <ul>
          ${pages.map(
            (p) => html`<li>
              <a
                href=${p.page === 'inbox' ? '#' : `#${p.page}`}
                aria-current=${p.page === this.page ? 'page' : 'false'}
                @click=${(e: Event) => {
                  e.preventDefault();
                  fire(this, 'support-console-navigate', { page: p.page });
                }}
                >${s.pages[p.page]}</a
              >
            </li>`,
          )}
        </ul>
      </nav>
      <span class="spacer"></span>
      <span class="conn ${this.status}" role="status"><span class="dot"></span>${s.connection[this.status]}</span>
      ${this.status === 'offline'
        ? html`<button class="btn" type="button" @click=${() => fire(this, 'support-console-reconnect', null)}>${s.reconnect}</button>`
        : nothing}
      <label class="presence">
        <span class="dot ${this.presence}" aria-hidden="true"></span>
        <span class="sr-only">${s.myStatus}</span>
        <select
          .value=${this.presence}
          @change=${(e: Event) =>
            fire(this, 'support-console-presence', { status: (e.target as HTMLSelectElement).value as 'online' | 'away' })}
        >
          <option value="online" ?selected=${this.presence === 'online'}>${t().labels.presence.online}</option>
          <option value="away" ?selected=${this.presence === 'away'}>${t().labels.presence.away}</option>
        </select>
      </label>
      <label class="presence">
        <span class="sr-only">${s.language}</span>
        <select
          lang=${consoleLocale()}
          @change=${(e: Event) => fire(this, 'support-console-locale', { locale: (e.target as HTMLSelectElement).value as Locale })}
        >
          ${LOCALES.map((l) => html`<option value=${l} lang=${l} ?selected=${l === consoleLocale()}>${LANGUAGE_NAMES[l]}</option>`)}
        </select>
      </label>
      ${this.notifications === 'default'
        ? html`<button
            class="btn icon"
            type="button"
            aria-label=${s.enableNotifications}
            title=${s.enableNotificationsHint}
            @click=${() => fire(this, 'support-console-notifications', null)}
          >
            ${BELL}
          </button>`
        : nothing}
      <button
        class="btn icon"
        type="button"
        aria-label=${s.sound}
        aria-pressed=${this.muted ? 'false' : 'true'}
        title=${this.muted ? s.soundOff : s.soundOn}
        @click=${() => fire(this, 'support-console-sound', { muted: !this.muted })}
      >
        ${this.muted ? SPEAKER_OFF : SPEAKER_ON}
      </button>
      <button class="btn icon" type="button" title=${s.shortcutsHint} aria-label=${s.shortcuts} @click=${() => fire(this, 'support-console-help', null)}>
        ?
      </button>
      <span class="me">${this.agent.name}<span class="role">${s.roles[this.agent.role]}</span></span>
      <button class="btn" type="button" @click=${() => fire(this, 'support-console-logout', null)}>${s.logout}</button>
    `;
  }
}
