import { LIMITS, type ChatMessage, type VisitorConversation } from '@support-chat/shared';
import type { ChatPanel, PanelInit } from './chat-panel.js';
import { format, LAUNCHER_STRINGS, pickLanguage } from '@support-chat/shared/browser/launcher-i18n.js';
import { elementConnected, elementDisconnected } from './internal/same-server-warning.js';
import { forgetSession, hasStoredSession, pageStorage } from './internal/session-storage.js';
import { launcherStyles } from './support-chat.styles.js';
import { adoptStyles } from './internal/adopt-styles.js';

export interface SupportChatMessageDetail {
  message: ChatMessage;
}
export interface SupportChatUnreadDetail {
  count: number;
}
export interface SupportChatConversationDetail {
  conversation: VisitorConversation;
}

/** The element's events, which bubble to the document (and are typed there too). */
export interface SupportChatEventMap {
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

declare global {
  interface HTMLElementTagNameMap {
    'support-chat': SupportChat;
  }
  // The README's `document.addEventListener('support-chat-unread', (e) => … e.detail.count)`
  // did not compile where only the element's map had them (a developer's probe).
  interface HTMLElementEventMap extends SupportChatEventMap {}
  interface DocumentEventMap extends SupportChatEventMap {}
}


/**
 * The chat, fetched when wanted. The script-tag build points this import at the chat's own
 * content-hashed file beside this one (resolved from this script's URL, so it works from the chat
 * server on any site); a bundler splits it off by itself.
 */
const loadPanel = () => import('./chat-panel.js');

/** How long an idle moment may be waited for after the page loaded before the chat is fetched anyway. */
export const IDLE_TIMEOUT_MS = 5000;

const BUBBLE = 'M4 5h16v11H9l-5 4z';
const CROSS = 'M6 6l12 12M18 6L6 18';

/**
 * Runs `run` at an idle moment (at most IDLE_TIMEOUT_MS later) once the page has loaded and shown
 * its first content. Lighthouse (what PageSpeed shows a site owner) counts a script request that
 * ended before the first contentful paint of the load it watched, and what it came from, into its
 * simulated First Contentful Paint; in its runs `load` and an idle moment can come before that
 * paint, so a chat fetched then cost the page +300 ms in some runs (issue 12). A page that paints
 * nothing (a background tab, a page that is only the chat) goes on IDLE_TIMEOUT_MS after loading;
 * a browser without paint timing, at `load`.
 */
function whenIdle(run: () => void): void {
  let started = false;
  const go = () => started || ((started = true), (window.requestIdleCallback ?? setTimeout)(run, { timeout: IDLE_TIMEOUT_MS } as never));
  const loaded = () => {
    if (!PerformanceObserver.supportedEntryTypes?.includes('paint')) return void go();
    new PerformanceObserver((list, observer) => {
      if (list.getEntriesByName('first-contentful-paint').length) observer.disconnect(), go();
    }).observe({ type: 'paint', buffered: true });
    setTimeout(go, IDLE_TIMEOUT_MS);
  };
  if (document.readyState === 'complete') loaded();
  else addEventListener('load', loaded, { once: true });
}

const svgElement = (tag: string) => document.createElementNS('http://www.w3.org/2000/svg', tag);

/**
 * `<support-chat>`: a customer-support chat. A launcher button opens a panel where the visitor
 * talks to the AI assistant (answers stream in, with their sources, and can be rated) and can ask
 * for a person — or, while nobody can chat, leave a message and an email address. A closed
 * conversation can be rated 1–5. The panel opens on the assistant's greeting and starter questions
 * an admin set (the greeting stays atop the conversation, the questions until it has messages).
 * Nothing is stored and no connection is opened until the visitor first opens it.
 *
 * This element is only the launcher (plain DOM, no Lit): the chat itself (chat-panel.ts, with Lit
 * and the socket) is loaded when the visitor points at or focuses the launcher, opens it, when
 * the page has gone idle after loading, at once for a returning visitor (a stored session) or
 * `open`, and when a method needs it. Methods called before it arrives wait for it, in order.
 *
 * @tag support-chat
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
 *   A system message's `text` is the team's wording: words for the visitor come from its `event`.
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
 * @cssproperty --support-chat-font-size - Text size; the panel's other sizes follow it. Default `15px`.
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
export class SupportChat extends HTMLElement {
  static get observedAttributes(): string[] {
    return ['server', 'position', 'open', 'launcher', 'lang'];
  }

  /** The chat, once loaded. */
  private _panel: ChatPanel | null = null;
  private _loading: Promise<ChatPanel> | null = null;
  /** Calls that need the chat, waiting for it in order. */
  private _waiting: ((panel: ChatPanel) => void)[] = [];
  private _user: string | undefined;
  private _resume: string | undefined;
  private _attributes: Record<string, string> = {};
  private _startedOpen: boolean | undefined;
  /** `opened` as the last update drew it. */
  private _drawnOpen = false;
  private _queued = false;
  private _done: Promise<boolean> = Promise.resolve(true);
  private readonly _button: HTMLButtonElement;

  constructor() {
    super();
    const root = this.attachShadow({ mode: 'open' });
    // Built node by node: a page whose CSP requires Trusted Types refuses any innerHTML.
    const launcher = (this._button = document.createElement('button'));
    launcher.className = 'launcher';
    launcher.setAttribute('part', 'launcher');
    const icon = svgElement('svg');
    icon.setAttribute('viewBox', '0 0 24 24');
    icon.append(svgElement('path'));
    const badge = document.createElement('span');
    badge.className = 'badge';
    for (const decoration of [icon, badge]) decoration.setAttribute('aria-hidden', 'true');
    launcher.append(icon, badge);
    root.append(launcher);
    adoptStyles(root, launcherStyles);
    launcher.onclick = () => this.toggle();
    // Interest: fetch the chat now, so that it is there by the click.
    launcher.onpointerenter = launcher.onfocus = () => void this._load();
    // On the host, so Escape works from the launcher as well as from inside the panel.
    this.addEventListener('keydown', (e) => {
      if (e.key === 'Escape' && this.opened && !e.isComposing) this.close();
    });
  }

  get server(): string {
    return this.getAttribute('server') ?? '';
  }
  set server(value: string) {
    this.setAttribute('server', value);
  }

  /** `bottom-right` (default) or `bottom-left`. */
  get position(): 'bottom-right' | 'bottom-left' {
    return this.getAttribute('position') === 'bottom-left' ? 'bottom-left' : 'bottom-right';
  }
  set position(value: 'bottom-right' | 'bottom-left') {
    this.setAttribute('position', value);
  }

  /** The panel is open (attribute `open`). */
  get opened(): boolean {
    return this.hasAttribute('open');
  }
  set opened(value: boolean) {
    this.toggleAttribute('open', !!value);
  }

  /** `'hidden'` hides the launcher button (attribute `launcher="hidden"`). */
  get launcher(): 'hidden' | undefined {
    return this.getAttribute('launcher') === 'hidden' ? 'hidden' : undefined;
  }
  set launcher(value: 'hidden' | undefined) {
    if (value) this.setAttribute('launcher', value);
    else this.removeAttribute('launcher');
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
    return this._panel?.unread ?? 0;
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
   * device. Empty: back to an anonymous visitor. (Kept for the chat until it is loaded: a page
   * that calls this on every load does not fetch the chat for it.)
   */
  setUser(token: string): void {
    // Anything but a token says nobody is signed in: `setUser(user?.chatToken)` after a logout
    // kept the last user's chat on the screen (a developer's probe), and `setUser(123)` was sent.
    if (typeof token != 'string') token = '';
    if (this._panel) this._panel.setUser(token);
    else this._user = token; // '' too: the page said the visitor is anonymous (see ChatPanel._claim)
  }

  /**
   * Forgets the visitor on this device and closes the chat: call it when your site's user logs
   * out, so the next person on this browser does not see their conversation.
   */
  shutdown(): void {
    this.opened = false;
    this._user = undefined;
    this._attributes = {};
    if (this._panel || this._loading) this._withPanel((panel) => panel.shutdown());
    else forgetSession(pageStorage(), this._serverUrl());
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
    Object.assign(this._attributes, attributes);
    this._panel?.identify(attributes);
  }

  /**
   * Sends a message as the visitor and opens the panel. False when the text is blank or too long.
   * Before the chat has arrived the message waits for it (and its connection), in order.
   */
  send(text: string): boolean {
    const trimmed = typeof text == 'string' ? text.trim() : '';
    // Checked before the panel opens: a message that cannot go opened it all the same (a developer's probe).
    if (!trimmed || trimmed.length > LIMITS.messageChars) return false;
    this.open();
    return this._panel ? this._panel.send(text) : (this._withPanel((panel) => panel.send(text)), true);
  }

  /** Draws the launcher (and the panel, once loaded) after the current task, once for many changes. */
  requestUpdate(): void {
    if (this._queued) return;
    this._queued = true;
    this._done = Promise.resolve().then(() => {
      this._queued = false;
      this._update();
      return true;
    });
  }

  /** Resolves once the last requested update is drawn. */
  get updateComplete(): Promise<boolean> {
    return this._done;
  }

  connectedCallback(): void {
    // Properties a framework set before this element was defined sit on the instance: apply them.
    for (const name of ['server', 'position', 'opened', 'launcher'] as const) {
      if (Object.prototype.hasOwnProperty.call(this, name)) {
        const value = this[name];
        delete (this as Partial<this>)[name];
        (this as Record<typeof name, unknown>)[name] = value;
      }
    }
    // An emailed link (#sc-resume=…): continue that conversation, and take the token out of the
    // address bar so it is not bookmarked or shared (issue 13).
    const resume = location.hash.split('sc-resume=')[1];
    if (resume) {
      this._resume = resume;
      history.replaceState(null, '', location.pathname + location.search);
      this.opened = true;
    }
    this._startedOpen ??= this.opened;
    elementConnected(this, this._serverUrl());
    this.requestUpdate();
    if (this._panel) this._panel.connected();
    else if (this.opened || hasStoredSession(pageStorage(), this._serverUrl())) void this._load();
    else whenIdle(() => this.isConnected && void this._load());
  }

  disconnectedCallback(): void {
    elementDisconnected(this);
    this._panel?.disconnected();
  }

  attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    if (old === value) return;
    if (name === 'open' && value !== null) void this._load();
    if (name === 'server' && this.isConnected) elementConnected(this, this._serverUrl());
    this.requestUpdate();
  }

  private _serverUrl(): string {
    return new URL(this.server || location.origin, location.href).href;
  }

  /** Fetches the chat once and hands this element over to it; a failed fetch is tried again next time. */
  private _load(): Promise<ChatPanel> {
    return (this._loading ??= loadPanel().then(
      ({ attachPanel }) => {
        const init: PanelInit = { user: this._user, resume: this._resume, attributes: this._attributes, startedOpen: !!this._startedOpen };
        const panel = (this._panel = attachPanel(this, init));
        if (this.isConnected) panel.connected();
        this._waiting.splice(0).forEach((call) => call(panel));
        // Drawn before the browser paints again: the panel appears with no frame in between.
        this.requestUpdate();
        return panel;
      },
      (err: unknown) => {
        this._loading = null;
        console.warn('support-chat: could not load the chat', err);
        throw err;
      },
    ));
  }

  private _withPanel(call: (panel: ChatPanel) => void): void {
    if (this._panel) return call(this._panel);
    this._waiting.push(call);
    this._load().catch(() => {
      // Said above; the calls wait for the next attempt (a click, hover or method call).
    });
  }

  private _update(): void {
    const { opened, _button: button } = this;
    const panel = this._panel;
    // Closing with focus inside: give it back to the launcher rather than losing it.
    const refocus = this._drawnOpen && !opened && this.matches(':focus-within');
    this._drawnOpen = opened;
    const s = LAUNCHER_STRINGS[pickLanguage(this.getAttribute('lang'), document.documentElement.lang, navigator.language).locale];
    const unread = opened ? 0 : (panel?.unread ?? 0);
    button.setAttribute('aria-expanded', String(opened));
    button.setAttribute('aria-label', opened ? s.hideChat : unread ? `${s.openChat} (${format(s.unread, { n: unread })})` : s.openChat);
    if (panel?.live) button.setAttribute('aria-controls', 'panel');
    else button.removeAttribute('aria-controls');
    button.querySelector('path')!.setAttribute('d', opened ? CROSS : BUBBLE);
    const badge = button.querySelector('span')!;
    badge.hidden = !unread;
    badge.textContent = unread > 9 ? '9+' : String(unread);
    panel?.update();
    if (refocus) button.focus();
  }
}
