import { html, LitElement, nothing, svg, type PropertyValues } from 'lit';
import { LIMITS, type ChatMessage, type Locale, type VisitorContext, type VisitorConversation } from '@support-chat/shared';
import { hasStoredSession, VisitorConnection } from './internal/connection.js';
import { errorText, format, pickLanguage, statusText, stringsFor, type Strings } from './internal/i18n.js';
import { messageStyles, renderMessage, renderTyping, type MessageViewOptions } from './internal/message-view.js';
import { nextOpen, VisitorForms } from './internal/visitor-forms.js';
import { styles } from './support-chat.styles.js';

export interface SupportChatMessageDetail {
  message: ChatMessage;
}
export interface SupportChatUnreadDetail {
  count: number;
}
export interface SupportChatConversationDetail {
  conversation: VisitorConversation;
}

declare global {
  interface HTMLElementTagNameMap {
    'support-chat': SupportChat;
  }
  interface HTMLElementEventMap {
    'support-chat-open': CustomEvent<null>;
    'support-chat-close': CustomEvent<null>;
    'support-chat-message': CustomEvent<SupportChatMessageDetail>;
    'support-chat-ready': CustomEvent<{ visitorId: string }>;
    'support-chat-unread': CustomEvent<SupportChatUnreadDetail>;
    'support-chat-conversation-started': CustomEvent<SupportChatConversationDetail>;
    'support-chat-handoff-request': CustomEvent<null>;
    'support-chat-handoff': CustomEvent<SupportChatConversationDetail>;
    'support-chat-agent-joined': CustomEvent<SupportChatConversationDetail>;
    'support-chat-closed': CustomEvent<SupportChatConversationDetail>;
    'support-chat-rated': CustomEvent<SupportChatConversationDetail>;
  }
}

/** localStorage, or this page's memory where the browser refuses it (sandboxed frames, policies). */
function pageStorage(): Storage {
  try {
    return window.localStorage;
  } catch {
    const m = new Map<string, string>();
    return {
      getItem: (k: string) => m.get(k) ?? null,
      setItem: (k: string, v: string) => void m.set(k, v),
      removeItem: (k: string) => void m.delete(k),
    } as Storage;
  }
}

const clip = (value: string | undefined, max: number) => value?.slice(0, max) || undefined;

/**
 * `<support-chat>`: a customer-support chat. A launcher button opens a panel where the visitor
 * talks to the AI assistant (answers stream in, with their sources, and can be rated) and can ask
 * for a person — or, while nobody can chat, leave a message and an email address. A closed
 * conversation can be rated 1–5. Nothing is stored and no connection is opened until the visitor
 * first opens it.
 *
 * @attr server - Origin (and optional path) of the support-chat server; empty means this page's.
 * @attr lang - Language override (`en`, `zh-CN`); else the page's `<html lang>`, else the browser's.
 * @attr position - `bottom-right` (default) or `bottom-left`.
 * @attr open - Present while the panel is open (property `opened`).
 * @attr launcher - `hidden`: no launcher button, while the page's own content needs the corner
 *   (also `hideLauncher()` / `showLauncher()`); the page opens the chat with `open()`.
 *
 * @fires support-chat-open - The panel opened.
 * @fires support-chat-close - The panel closed.
 * @fires support-chat-message - A message was added while the page was open (sent by the visitor
 *   and acknowledged, or received); not fired for history. `detail: { message: ChatMessage }`.
 * @fires support-chat-ready - Connected and the visitor's session is loaded. `detail: { visitorId }`.
 * @fires support-chat-unread - The number of unseen replies changed. `detail: { count }`.
 * @fires support-chat-conversation-started - The visitor's first message started a conversation.
 * @fires support-chat-handoff-request - The visitor pressed "talk to a person"; cancelable: call
 *   `preventDefault()` to handle it yourself.
 * @fires support-chat-handoff - The conversation is waiting for a person.
 * @fires support-chat-agent-joined - A person took the conversation (`conversation.agentName`).
 * @fires support-chat-closed - The conversation was closed.
 * @fires support-chat-rated - The visitor rated the closed conversation.
 *   The last five carry `detail: { conversation }`. None fires for what a reload finds: only for
 *   changes while the page is open.
 *
 * Methods: `open()`, `close()`, `toggle()`, `send(text)`, `identify(attributes)` (shown to agents
 * as unverified), `setUser(signedToken)` (identity verification), `setLocale(tag)`,
 * `shutdown()` (forgets the visitor on this device: call it when your user logs out), and the
 * `unreadCount` property. Pages can call them before this script loads through
 * `window.supportChat` (see `runCommandQueue`).
 *
 * @csspart launcher - The round button that opens and closes the panel.
 * @csspart panel - The chat dialog.
 * @csspart header - The panel's title bar.
 * @csspart log - The list of messages.
 * @csspart composer - The form with the text field and send button.
 * @csspart message - Every message; also `message-visitor`, `message-ai`, `message-agent`,
 *   `message-system` and `message-event`.
 * @csspart feedback - The thumbs up / down under an AI answer.
 * @csspart rating - The 1–5 rating of a closed conversation, then its thank-you.
 * @csspart leave-message - The form for leaving a message while nobody can chat.
 *
 * @cssproperty --support-chat-accent - Launcher, header and the visitor's bubbles. Default `#2563eb`.
 * @cssproperty --support-chat-accent-text - Text on the accent colour. Default `#fff`.
 * @cssproperty --support-chat-font - Font family. Default `system-ui, sans-serif`.
 * @cssproperty --support-chat-radius - Corner radius of bubbles; the panel uses a little more. Default `14px`.
 * @cssproperty --support-chat-bg - Panel background. Default `#fff`.
 * @cssproperty --support-chat-text - Text colour. Default `#111827`.
 * @cssproperty --support-chat-muted - Secondary text (names, status lines). Default `#6b7280`.
 * @cssproperty --support-chat-bubble - Background of others' bubbles. Default `#f1f3f5`.
 * @cssproperty --support-chat-danger - Errors and failed sends. Default `#dc2626`.
 * @cssproperty --support-chat-offset - The launcher's distance from the viewport corner, phones
 *   included (the open panel fills a phone's screen). Default `20px`.
 * @cssproperty --support-chat-z-index - Stacking order. Default `2147483000`.
 */
export class SupportChat extends LitElement {
  static override styles = [messageStyles, styles];
  static override properties = {
    server: { type: String },
    position: { type: String, reflect: true },
    opened: { type: Boolean, attribute: 'open', reflect: true },
    launcher: { type: String, reflect: true },
    _left: { state: true },
  };
  // `lang` is a native property: observe the attribute without redefining it.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  declare server: string;
  declare position: 'bottom-right' | 'bottom-left';
  declare opened: boolean;
  /** `'hidden'` hides the launcher button (attribute `launcher="hidden"`). */
  declare launcher: 'hidden' | undefined;
  /** Characters the visitor may still type. */
  declare private _left: number;

  private _conn: VisitorConnection | null = null;
  private _user: string | undefined;
  private _resume: string | undefined;
  private _visitorAttributes: Record<string, string> = {};
  private _stick = true;
  /** Where the newest long message shown from its start begins (scrollTop), so it is done once. */
  private _anchor = -1;
  private _forms = new VisitorForms(this, () => this._connection());
  private _visibility = () => this.requestUpdate();

  constructor() {
    super();
    this.server = '';
    this.position = 'bottom-right';
    this.opened = false;
    this._left = LIMITS.messageChars;
    // On the host, so Escape works from the launcher as well as from inside the panel.
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.opened && !e.isComposing) this.close();
    });
  }

  /** Opens the panel (and, the first time, the connection). */
  open(): void {
    this.opened = true;
  }

  close(): void {
    this.opened = false;
  }

  toggle(): void {
    this.opened = !this.opened;
  }

  /** Replies of the current conversation the visitor has not seen yet. */
  get unreadCount(): number {
    return this._conn?.unread ?? 0;
  }

  /** Shows the chat in another language (`en`, `zh-CN`); empty goes back to the page's. */
  setLocale(tag: string): void {
    if (tag) this.setAttribute('lang', tag);
    else this.removeAttribute('lang');
  }

  /**
   * The site's signed-in user, vouched for by your server: a JWT (HS256) it signs with the
   * support-chat server's IDENTITY_SECRET, with the user's id as `sub` and `name`, `email` or any
   * other claim (`plan`…) as verified attributes. They then find their conversations on every
   * device. Empty: back to an anonymous visitor.
   */
  setUser(token: string): void {
    if (token === (this._user ?? '')) return;
    this._user = token || undefined;
    const wasOnline = !!this._conn;
    this._conn?.stop();
    this._conn = null;
    this._seen = null;
    if (wasOnline || this.opened) this._connection().start();
    this.requestUpdate();
  }

  /**
   * Forgets the visitor on this device and closes the chat: call it when your site's user logs
   * out, so the next person on this browser does not see their conversation.
   */
  shutdown(): void {
    this.opened = false;
    this._user = undefined;
    this._conn?.forget();
    this._conn = null;
    this._visitorAttributes = {};
    this._seen = null;
    this.requestUpdate();
  }

  /** Hides the launcher while the page needs the corner; `open()` still opens the panel. */
  hideLauncher(): void {
    this.launcher = 'hidden';
  }

  showLauncher(): void {
    this.launcher = undefined;
  }

  /** Attributes describing the visitor (plan, user id…), shown to agents; sent at the next resume. */
  identify(attributes: Record<string, string>): void {
    Object.assign(this._visitorAttributes, attributes);
    this._conn?.identify(attributes);
  }

  /** Sends a message as the visitor and opens the panel. */
  send(text: string): boolean {
    this.open();
    return this._connection().send(text);
  }

  override connectedCallback(): void {
    super.connectedCallback();
    document.addEventListener('visibilitychange', this._visibility);
    // An emailed link (#sc-resume=…): continue that conversation, and take the token out of the
    // address bar so it is not bookmarked or shared.
    const resume = location.hash.split('sc-resume=')[1];
    if (resume) {
      this._resume = resume;
      history.replaceState(null, '', location.pathname + location.search);
      this.opened = true;
    }
    // A returning visitor reconnects at once so replies arrive; a new one stays private.
    if (this.opened || hasStoredSession(pageStorage(), this._serverUrl())) this._connection().start();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    document.removeEventListener('visibilitychange', this._visibility);
    this._conn?.stop();
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') this.requestUpdate();
  }

  private get _language() {
    return pickLanguage(this.getAttribute('lang'), document.documentElement.lang, navigator.language);
  }

  private _serverUrl(): string {
    return new URL(this.server || location.origin, location.href).href;
  }

  private _connection(): VisitorConnection {
    if (!this._conn) {
      const conn = new VisitorConnection({
        server: this._serverUrl(),
        storage: pageStorage(),
        context: () => this._context(),
        user: this._user,
        resume: this._resume,
      });
      conn.identify(this._visitorAttributes);
      conn.onChange = (added) => {
        this.requestUpdate();
        for (const message of added) this._emit('support-chat-message', { message });
        this._announce(conn);
      };
      this._conn = conn;
    }
    return this._conn;
  }

  private _context(): VisitorContext {
    return {
      pageUrl: clip(location.href, LIMITS.contextUrlChars),
      pageTitle: clip(document.title, LIMITS.contextTitleChars),
      referrer: clip(document.referrer, LIMITS.contextUrlChars),
      language: clip(this._language.tag, 35),
      timeZone: clip(Intl.DateTimeFormat().resolvedOptions().timeZone, 64),
      userAgent: clip(navigator.userAgent, 512),
    };
  }

  /** False when a listener vetoed a cancelable event. */
  private _emit(type: string, detail: unknown = null, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** What the last `_announce` saw: events fire for changes since, never for what a load finds. */
  private _seen: { id?: string | undefined; status?: string; agent?: string | undefined; rated: boolean; unread: number } | null = null;

  /** Turns the connection's changes into the lifecycle events a page listens to. */
  private _announce(c: VisitorConnection): void {
    const conv = c.conversation;
    const now = { id: conv?.id, status: conv?.status, agent: conv?.agentName, rated: !!conv?.rating, unread: c.unread };
    const was = this._seen;
    if (c.status !== 'online') return;
    this._seen = now;
    if (!was) return void this._emit('support-chat-ready', { visitorId: c.visitorId });
    if (now.unread !== was.unread) this._emit('support-chat-unread', { count: now.unread });
    if (!conv) return;
    const detail = { conversation: conv };
    if (now.id !== was.id) return void this._emit('support-chat-conversation-started', detail);
    if (now.status !== was.status) {
      const event = { queued: 'handoff', assigned: 'agent-joined', closed: 'closed' }[now.status as string];
      if (event) this._emit(`support-chat-${event}`, detail);
    } else if (now.status === 'assigned' && now.agent !== was.agent) this._emit('support-chat-agent-joined', detail);
    if (now.rated && !was.rated) this._emit('support-chat-rated', detail);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('server') && changed.get('server') !== undefined && this._conn) {
      this._conn.stop();
      this._conn = null;
      if (this.opened || hasStoredSession(pageStorage(), this._serverUrl())) this._connection().start();
    }
    if (changed.has('opened')) {
      if (this.opened) this._connection().start();
      // Closing with focus inside: give it back to the launcher rather than losing it.
      else if (this.matches(':focus-within')) this.updateComplete.then(() => this._launcher?.focus());
    }
    const log = this.renderRoot.querySelector('.log');
    this._stick = !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  protected override updated(changed: PropertyValues<this>): void {
    const log = this.renderRoot.querySelector<HTMLElement>('.log');
    const was = changed.get('opened');
    if (changed.has('opened') && (was ?? false) !== this.opened) {
      this._emit(this.opened ? 'support-chat-open' : 'support-chat-close');
      // The first field (the composer, or the leave-a-message form standing in for it). Not when
      // the page itself starts with `open`: that would steal focus on load.
      if (this.opened && was === false) this.renderRoot.querySelector('textarea')?.focus();
      this._stick = true;
    }
    if (log && this._stick) this._scroll(log);
    // Seen means on screen: not while the page is in a background tab.
    if (this.opened && !document.hidden) this._conn?.markRead();
  }

  /**
   * To the end, unless the newest message from the other side is taller than the log: then to
   * its start, once, and no further while it grows, so a long answer is read from its first step.
   */
  private _scroll(log: HTMLElement): void {
    const m = [...log.querySelectorAll<HTMLElement>('.msg')].pop();
    const end = log.scrollHeight - log.clientHeight;
    const top = m?.matches('.mine') === false ? m.offsetTop - log.offsetTop - 8 : end;
    if (top >= end) log.scrollTop = end;
    else if (Math.abs(top - this._anchor) > 2) log.scrollTop = this._anchor = top;
  }

  private get _launcher(): HTMLButtonElement | null {
    return this.renderRoot.querySelector('.launcher');
  }

  /** The composer's text field: not the first textarea, which can be a form's above it. */
  private get _composer(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('#input');
  }

  override render() {
    const { locale } = this._language;
    const s = stringsFor(locale);
    const unread = this.opened ? 0 : (this._conn?.unread ?? 0);
    const label = this.opened ? s.hideChat : unread ? `${s.openChat} (${format(s.unread, { n: unread })})` : s.openChat;
    return html`<button
        part="launcher"
        class="launcher"
        aria-expanded=${this.opened ? 'true' : 'false'}
        aria-controls=${this._conn ? 'panel' : nothing}
        aria-label=${label}
        @click=${() => (this.opened = !this.opened)}
      >
        <svg viewBox="0 0 24 24" aria-hidden="true">
          ${this.opened ? svg`<path d="M6 6l12 12M18 6L6 18" />` : svg`<path d="M4 5h16v11H9l-5 4z" />`}
        </svg>
        ${unread ? html`<span class="badge" aria-hidden="true">${unread > 9 ? '9+' : unread}</span>` : nothing}
      </button>
      ${this._conn ? this._renderPanel(locale) : nothing}`;
  }

  private _renderPanel(locale: Locale) {
    const c = this._conn!;
    const s = stringsFor(locale);
    const view: MessageViewOptions = { strings: s, self: 'visitor', onSuggestion: (q) => c.send(q) };
    const messages = c.messages.filter((m) => m.kind !== 'note');
    const last = messages[messages.length - 1];
    // Quick replies stay with their question ("Is it one of these?") until the visitor writes
    // again, even when a hand-off line follows them.
    const asked = messages.findLastIndex((m) => m.author === 'visitor');
    const status = c.conversation?.status;
    const notice = c.status === 'connecting' ? s.connecting : c.status === 'reconnecting' ? s.reconnecting : '';
    const { leaving } = this._forms;
    const offline = c.availability?.acceptingChats === false;
    const left = status === 'queued' && c.leftIn === c.conversation!.id;
    // A person can be asked for while the AI answers; while nobody can chat, a message left
    // instead (VisitorForms offers it in place of a queue nobody is coming to).
    const ask = !leaving && (!status || status === 'bot');
    return html`<div
      id="panel"
      part="panel"
      class="panel"
      role="dialog"
      aria-labelledby="title"
      lang=${locale}
      ?hidden=${!this.opened}
      @keydown=${this._keepFocus}
    >
      <div part="header" class="head">
        <h2 id="title">${s.title}</h2>
        ${ask
          ? html`<button type="button" class="human" @click=${offline ? this._forms.open : this._handoff}>
              ${offline ? s.leave : s.human}
            </button>`
          : nothing}
        <button type="button" class="close" aria-label=${s.closeChat} @click=${() => this.close()}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
        </button>
      </div>
      <div class="notice" role="status">${notice}</div>
      <div part="log" class="log" role="log" aria-live="polite" aria-labelledby="title">
        ${messages.map((m, i) =>
          renderMessage(m, view, {
            showName: m.author !== 'visitor' && m.author !== messages[i - 1]?.author,
            showSuggestions: i > asked && !c.outbox.length,
            onRate: m.author === 'ai' && m.kind === 'text' ? (helpful) => c.rateAnswer(m, helpful) : undefined,
          }),
        )}
        ${c.outbox.map((item) =>
          renderMessage({ author: 'visitor', kind: 'text', text: item.text }, view, {
            state: item.error ? 'failed' : 'sending',
            // Not stored yet, sent again by itself: say so rather than "try again".
            error: item.error && (item.error === 'store_unavailable' ? s.errStoreRetry : errorText(s, item.error, item.retryAt)),
            onRetry: () => c.retry(item.clientId),
          }),
        )}
        ${c.streams.map((st) =>
          renderMessage({ author: 'ai', kind: 'text', text: st.text }, view, {
            state: 'streaming',
            showName: last?.author !== 'ai',
          }),
        )}
        ${c.aiThinking && !c.streams.length ? renderTyping(s.thinking) : nothing}
        ${c.agentTyping !== null ? renderTyping(format(s.typing, { name: c.agentTyping || s.agent })) : nothing}
      </div>
      <div class="status" role="status">${left ? s.left + nextOpen(c, s, locale) : this._forms.offering ? '' : statusText(s, c.conversation)}</div>
      <div class="alert" role="alert">${this._alertText(c, s)}</div>
      ${this._forms.render(s, locale)}
      <form part="composer" class="composer" ?hidden=${leaving} @submit=${this._submit}>
        <label for="input" class="sr">${s.inputLabel}</label>
        <textarea
          id="input"
          rows="1"
          maxlength=${LIMITS.messageChars}
          placeholder=${s.placeholder}
          @keydown=${this._keydown}
          @input=${this._input}
          @blur=${() => c.setTyping(false)}
        ></textarea>
        <button type="submit" aria-label=${s.send}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2-7z" /></svg>
        </button>
        ${this._left < 200 ? html`<div class="count">${format(s.charsLeft, { n: this._left })}</div>` : nothing}
      </form>
    </div>`;
  }

  /** A refused send already says why next to the message; other failures are said here. */
  private _alertText(c: VisitorConnection, s: Strings): string {
    return c.lastError && !c.outbox.some((i) => i.error) ? errorText(s, c.lastError, c.retryAt) : '';
  }

  /** Full screen on a phone, the page behind is out of sight: Tab goes round the panel. */
  private _keepFocus = (e: KeyboardEvent) => {
    const all = [...this.renderRoot.querySelectorAll<HTMLElement>('.panel :is(a,button,input,textarea)')].filter((el) => el.offsetWidth);
    const ends = [all[0], all.at(-1)];
    if (e.key === 'Tab' && matchMedia('(max-width:480px)').matches && (this.renderRoot as ShadowRoot).activeElement === ends[+!e.shiftKey]) {
      e.preventDefault();
      ends[+e.shiftKey]?.focus();
    }
  };

  private _handoff = async () => {
    if (!this._emit('support-chat-handoff-request', null, true)) return;
    await this._conn?.requestHandoff();
    // The button goes away once a person is asked for: keep focus in the dialog.
    await this.updateComplete;
    this._composer?.focus();
  };

  private _keydown = (e: KeyboardEvent) => {
    // Enter sends, Shift+Enter breaks the line; Enter that ends an IME composition (Chinese
    // input) only confirms the characters.
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      this._submit();
    }
  };

  private _input = (e: Event) => {
    const ta = e.target as HTMLTextAreaElement;
    this._left = LIMITS.messageChars - ta.value.length;
    this._conn?.setTyping(ta.value.trim() !== '');
    ta.style.height = 'auto';
    ta.style.height = `${ta.scrollHeight}px`;
  };

  private _submit = (e?: Event) => {
    e?.preventDefault();
    const ta = this._composer;
    if (ta && this._connection().send(ta.value)) {
      ta.value = '';
      ta.style.height = 'auto';
      this._left = LIMITS.messageChars;
      this._stick = true;
    }
  };
}
