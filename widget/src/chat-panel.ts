/**
 * The chat behind `<support-chat>`'s launcher: the connection, the panel and everything a visitor
 * does in it. The element (support-chat.ts) loads this module when it is wanted — hover or focus
 * of the launcher, the first open, an idle moment after the page loaded, a stored session, or a
 * call from the page — and hands itself over with `attachPanel`: from then on every update of the
 * element renders the panel here, into the element's shadow root beside its launcher button
 * (the same button throughout: no flash, focus stays where it was). The script-tag build ships
 * it as its own content-hashed file.
 */
import { html, nothing, render } from 'lit/html.js';
import { LIMITS, type Locale, type VisitorContext } from '@support-chat/shared';
import { VisitorConnection } from './internal/connection.js';
import { errorText, format, pickLanguage, statusText, stringsFor, type Strings } from '@support-chat/shared/browser/i18n.js';
import { messageCss, renderMessage, renderTyping, type MessageViewOptions } from '@support-chat/shared/browser/message-view.js';
import { forgetSession, hasStoredSession, pageStorage, storedOwner } from './internal/session-storage.js';
import { nextOpen, VisitorForms } from './internal/visitor-forms.js';
import { styles } from './chat-panel.styles.js';
import { adoptStyles } from './internal/adopt-styles.js';
import type { SupportChat } from './support-chat.js';
import type { VisitorFiles } from './internal/visitor-files.js';

/** What the element knew before the chat arrived. */
export interface PanelInit {
  /** `setUser()`'s token ('' for an anonymous visitor), if it was called. */
  user: string | undefined;
  /** An emailed link's resume token, taken from the page's address. */
  resume: string | undefined;
  /** `identify()`'s attributes so far. */
  attributes: Record<string, string>;
  /** The element had `open` when it was first connected: the panel must not take focus then. */
  startedOpen: boolean;
}

const clip = (value: string | undefined, max: number) => value?.slice(0, max) || undefined;

/** The user a signed token names (its `sub`, read, not verified: the server verifies); '' if none. */
function subjectOf(token: string): string {
  try {
    return String((JSON.parse(atob(token.split('.')[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: unknown }).sub ?? '');
  } catch {
    return '';
  }
}

/** Takes over `host`'s rendering: its shadow root gets the panel's styles, then the panel. */
export function attachPanel(host: SupportChat, init: PanelInit): ChatPanel {
  adoptStyles(host.shadowRoot!, messageCss + styles);
  return new ChatPanel(host, init);
}

/**
 * The chat of one element. The element calls `update()` at each of its updates (after drawing
 * its launcher), `connected()` / `disconnected()` as it enters and leaves the page, and forwards
 * the methods that need the connection.
 */
export class ChatPanel {
  private _conn: VisitorConnection | null = null;
  /** The page's signed user token; '' when it said the visitor is anonymous, undefined when it said nothing. */
  private _user: string | undefined;
  private readonly _resume: string | undefined;
  private _visitorAttributes: Record<string, string>;
  /** `opened` as the last update saw it; undefined before the first when the page started open. */
  private _wasOpen: boolean | undefined;
  /** `server` as the last update saw it. */
  private _server: string | undefined;
  /** Characters the visitor may still type. */
  private _left: number = LIMITS.messageChars;
  private _stick = true;
  /** The visitor wrote (or tapped a suggestion): the next update scrolls to the end. */
  private _toEnd = false;
  /** Where the newest long message shown from its start begins (scrollTop), so it is done once. */
  private _anchor = -1;
  private _forms = new VisitorForms(this, () => this._connection());
  private _visibility = () => this.requestUpdate();
  /** Another tab wrote the storage (it read the replies): the unread count here follows. */
  private _otherTab = () => this._conn?.readElsewhere();
  /** Attachments (issue 13): their own file, loaded when first needed. */
  private _files: VisitorFiles | undefined;
  private _filesLoading: Promise<VisitorFiles | void> | undefined;

  constructor(
    private readonly _host: SupportChat,
    init: PanelInit,
  ) {
    this._user = init.user;
    this._resume = init.resume;
    this._visitorAttributes = { ...init.attributes };
    this._wasOpen = init.startedOpen ? undefined : false;
  }

  // What VisitorForms and the rendering below use of their host.
  get renderRoot(): ShadowRoot {
    return this._host.shadowRoot!;
  }
  get updateComplete(): Promise<boolean> {
    return this._host.updateComplete;
  }
  requestUpdate(): void {
    this._host.requestUpdate();
  }
  private get opened(): boolean {
    return this._host.opened;
  }
  private close(): void {
    this._host.close();
  }

  /** Replies of the current conversation the visitor has not seen yet. */
  get unread(): number {
    return this._conn?.unread ?? 0;
  }

  /** A connection (and so a panel) exists. */
  get live(): boolean {
    return !!this._conn;
  }

  connected(): void {
    document.addEventListener('visibilitychange', this._visibility);
    addEventListener('storage', this._otherTab);
    this._claim();
    // A returning visitor reconnects at once so replies arrive; a new one stays private.
    if (this.opened || this._returning()) this._connection().start();
  }

  /**
   * A session is stored to resume in the background (for the unread count). A signed-in user's
   * waits for the page to say who is here (`setUser`): a page that says so late (after its own
   * sign-in check) had the previous user's session resumed meanwhile, their visitor id and
   * unread replies told to the page, whoever sat at the device now.
   */
  private _returning(): boolean {
    const storage = pageStorage(), server = this._serverUrl();
    return hasStoredSession(storage, server) && !(this._user === undefined && storedOwner(storage, server));
  }

  disconnected(): void {
    document.removeEventListener('visibilitychange', this._visibility);
    removeEventListener('storage', this._otherTab);
    this._conn?.stop();
  }

  send(text: string): boolean {
    return this._connection().send(text);
  }

  identify(attributes: Record<string, string>): void {
    Object.assign(this._visitorAttributes, attributes);
    this._conn?.identify(attributes);
  }

  setUser(token: string): void {
    const before = this._user ?? '';
    const wasOnline = !!this._conn;
    this._user = token;
    // What a signed user leaves on this device (their visitor token, unsent messages, read mark)
    // is theirs: whoever comes next, anonymous or another user, starts afresh, as after shutdown.
    // A fresh token for the same user (the last one expired) keeps it all.
    if (!this._claim() && token === before) return;
    this._conn?.stop();
    this._conn = null;
    this._seen = null;
    if (wasOnline || this.opened || this._returning()) this._connection().start();
    this.requestUpdate();
  }

  /**
   * Once the page said who the visitor is (`setUser`, called afresh on each page), a session
   * stored for another signed-in user is forgotten before anything uses it. True when it was.
   */
  private _claim(): boolean {
    if (this._user === undefined) return false;
    const owner = storedOwner(pageStorage(), this._serverUrl());
    if (!owner || owner === subjectOf(this._user)) return false;
    // Held here too (the element moved, the user changed): stopped before the storage is
    // emptied, so that nothing it does as it stops writes the other user's session back.
    this._conn?.stop();
    this._conn = null;
    this._seen = null;
    forgetSession(pageStorage(), this._serverUrl());
    return true;
  }

  /** The element already closed the panel. */
  shutdown(): void {
    this._user = undefined;
    // Stopped first: nothing it does as it stops writes the session back.
    this._conn?.stop();
    forgetSession(pageStorage(), this._serverUrl());
    this._conn = null;
    this._visitorAttributes = {};
    this._seen = null;
    this.requestUpdate();
  }

  /** One update of the element: what Lit's willUpdate, render and updated did. */
  update(): void {
    const h = this._host;
    if (this._server !== undefined && h.server !== this._server && this._conn) {
      this._conn.stop();
      this._conn = null;
      this._seen = null; // another server, another visitor: ready again
      if (this.opened || this._returning()) this._connection().start();
    }
    this._server = h.server;
    const was = this._wasOpen;
    this._wasOpen = this.opened;
    // Opened, or open still after a shutdown in the same task (`shutdown(); open()`).
    if (this.opened && (was !== true || !this._conn)) this._connection().start();
    // At the end already, or the visitor just wrote: follow what comes next.
    const acted = this._toEnd;
    this._stick = this._atEnd;
    this._toEnd = false;

    render(this._conn ? this._renderPanel(this._language.locale) : nothing, this.renderRoot, { host: this });

    if ((was ?? false) !== this.opened) {
      this._emit(this.opened ? 'support-chat-open' : 'support-chat-close');
      // The first field (the composer, or the leave-a-message form standing in for it). Not when
      // the page itself starts with `open`: that would steal focus on load.
      // A chat that cannot send (refused) has its close button.
      if (this.opened && was === false) (this.renderRoot.querySelector<HTMLElement>('textarea:enabled') ?? this.renderRoot.querySelector<HTMLElement>('.close'))?.focus();
      this._stick = true;
    }
    const shown = this.renderRoot.querySelector<HTMLElement>('.log');
    if (shown && this._stick) this._scroll(shown, acted);
    if (this._conn) this._see(this._conn, this._stick);
  }

  /** The log shows its end (or there is none yet), or the visitor just wrote: what arrives now is on screen. */
  private get _atEnd(): boolean {
    const log = this.renderRoot.querySelector('.log');
    return this._toEnd || !log || log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  /**
   * Marks what the open panel shows as read, then tells the page what changed (its unread count
   * too). Seen means on screen: not while the page is in a background tab, nor while the visitor
   * reads further up (the agent saw "Seen" under replies still below the fold); scrolling down marks
   * it. A message that arrives with the log at its end is on screen, at least its start (`_scroll`).
   */
  private _see(c: VisitorConnection, onScreen: boolean): void {
    if (this.opened && !document.hidden && onScreen) c.markRead();
    this._announce(c);
  }

  private get _language() {
    return pickLanguage(this._host.getAttribute('lang'), document.documentElement.lang, navigator.language);
  }

  _serverUrl(): string {
    return new URL(this._host.server || location.origin, location.href).href;
  }

  _connection(): VisitorConnection {
    if (!this._conn) {
      this._claim();
      const conn = new VisitorConnection({
        server: this._serverUrl(),
        storage: pageStorage(),
        context: () => this._context(),
        user: this._user || undefined,
        owner: this._user === undefined ? undefined : subjectOf(this._user),
        resume: this._resume,
      });
      conn.identify(this._visitorAttributes);
      conn.onChange = (added) => {
        this.requestUpdate();
        for (const message of added) this._emit('support-chat-message', { message });
        // Read before it is counted: a message arriving in the open panel at its end is never "unread".
        this._see(conn, this._atEnd);
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
    return this._host.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }

  /** What the last `_announce` saw: events fire for changes since, never for what a load finds (but unread replies). */
  private _seen: { id?: string | undefined; status?: string; agent?: string | undefined; rated: boolean } | null = null;
  /** The unread count the page last heard: it starts at 0 on each page, and outlives a change of visitor. */
  private _told = 0;

  /** Turns the connection's changes into the lifecycle events a page listens to. */
  private _announce(c: VisitorConnection): void {
    const conv = c.conversation;
    const now = { id: conv?.id, status: conv?.status, agent: conv?.agentName, rated: !!conv?.rating };
    const was = this._seen;
    if (c.status !== 'online') return;
    this._seen = now;
    if (!was) this._emit('support-chat-ready', { visitorId: c.visitorId });
    // Replies that came while the visitor was away count too, and another visitor's are gone.
    if (c.unread !== this._told) this._emit('support-chat-unread', { count: (this._told = c.unread) });
    if (!was || !conv) return;
    const detail = { conversation: conv };
    if (now.id !== was.id) return void this._emit('support-chat-conversation-started', detail);
    if (now.status !== was.status) {
      const event = { queued: 'handoff', assigned: 'agent-joined', closed: 'closed' }[now.status as string];
      if (event) this._emit(`support-chat-${event}`, detail);
    } else if (now.status === 'assigned' && now.agent !== was.agent) this._emit('support-chat-agent-joined', detail);
    if (now.rated && !was.rated) this._emit('support-chat-rated', detail);
  }

  /**
   * To the end, unless the newest message from the other side is taller than the log: then to
   * its start, once, and no further while it grows, so a long answer is read from its first step.
   * Status lines count as the newest (after one, the end), and the visitor's own act (`acted`:
   * sent, asked for a person) goes to the end: after a long answer, "joined" and the agent's
   * reply came below the fold, unseen (a probe).
   */
  private _scroll(log: HTMLElement, acted: boolean): void {
    const m = [...log.querySelectorAll<HTMLElement>('.msg,.event')].pop();
    const end = log.scrollHeight - log.clientHeight;
    const top = !acted && m?.matches('.mine') === false ? m.offsetTop - log.offsetTop - 8 : end;
    if (top >= end) log.scrollTop = end;
    else if (Math.abs(top - this._anchor) > 2) log.scrollTop = this._anchor = top;
  }

  /** The composer's text field: not the first textarea, which can be a form's above it. */
  private get _composer(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('#input');
  }

  private _renderPanel(locale: Locale) {
    const c = this._conn!;
    const s = stringsFor(locale);
    const view: MessageViewOptions = {
      strings: s,
      self: 'visitor',
      base: this._serverUrl(),
      onSuggestion: (q) => ((this._toEnd = true), c.send(q)),
      // A file's name until the file module is here to show it.
      attachment: (a) => this._files?.view(a, locale) ?? (this._loadFiles(), html`${a.name}`),
    };
    const messages = c.messages.filter((m) => m.kind !== 'note');
    const last = messages[messages.length - 1];
    // Quick replies stay with their question ("Is it one of these?") until the visitor writes
    // again, even when a hand-off line follows them.
    const asked = messages.findLastIndex((m) => m.author === 'visitor');
    const status = c.conversation?.status;
    const notice = c.status === 'connecting' ? s.connecting : c.status === 'reconnecting' ? s.reconnecting : '';
    const { leaving } = this._forms;
    const offline = c.availability?.acceptingChats === false;
    const left = status === 'queued' && c.conversation!.messageLeft;
    // A person can be asked for while the AI answers; while nobody can chat, a message left
    // instead (VisitorForms offers it in place of a queue nobody is coming to).
    // This page is not served (its site not allowed, its user refused): the alert says why, and nothing can be sent.
    const refused = c.status === 'refused';
    const ask = !leaving && (!status || status === 'bot') && !refused && !c._leftPending;
    // The admin's greeting atop the conversation (not a message), its questions until there are some.
    const w = c.welcome?.[locale];
    return html`<div
      id="panel"
      part="panel"
      class="panel"
      role="dialog"
      aria-labelledby="title"
      lang=${locale}
      ?hidden=${!this.opened}
      @keydown=${this._keepFocus}
      @paste=${(e: ClipboardEvent) => this._attach(e, e.clipboardData)}
      @dragover=${(e: DragEvent) => c.attachments && e.dataTransfer?.types.includes('Files') && e.preventDefault()}
      @drop=${(e: DragEvent) => this._attach(e, e.dataTransfer)}
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
      <div part="log" class="log" role="log" aria-live="polite" aria-labelledby="title" tabindex="0" @scroll=${() => this._see(c, this._atEnd)}>
        ${w?.greeting
          ? renderMessage({ author: 'ai', kind: 'text', text: w.greeting, suggestions: w.starters }, view, {
              showName: true,
              showSuggestions: !messages.length && !c.outbox.length,
              plain: true,
            })
          : nothing}
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
      <div class="status" role="status">${left ? s.left + nextOpen(c, s, locale) : leaving || this._forms.offering || c._leftPending ? '' : statusText(s, c.conversation)}</div>
      <div class="alert" role="alert">${this._alertText(c, s)}</div>
      ${this._forms.render(s, locale)} ${this._files?.status(locale) ?? nothing}
      <form part="composer" class="composer" ?hidden=${leaving} @submit=${this._submit}>
        ${c.attachments
          ? html`<button type="button" class="attach" aria-label=${s.attach} @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#file')!.click()}>
                <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M20 11l-8 8a5 5 0 0 1-7-7l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-3-3l8-8" /></svg>
              </button>
              <input
                type="file"
                id="file"
                hidden
                multiple
                accept=${c.attachments.types.join()}
                @change=${(e: Event) => {
                  const input = e.target as HTMLInputElement;
                  this._attach(e, input);
                  input.value = '';
                }}
              />`
          : nothing}
        <label for="input" class="sr">${s.inputLabel}</label>
        <textarea
          id="input"
          dir="auto"
          ?disabled=${refused}
          rows="1"
          maxlength=${LIMITS.messageChars}
          placeholder=${s.placeholder}
          @keydown=${this._keydown}
          @input=${this._input}
          @blur=${() => c.setTyping(false)}
        ></textarea>
        <button type="submit" aria-label=${s.send} ?disabled=${refused}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M4 12l16-8-6 16-2-7z" /></svg>
        </button>
        ${this._left < 200 ? html`<div class="count">${format(s.charsLeft, { n: this._left })}</div>` : nothing}
      </form>
    </div>`;
  }

  /** Files picked, pasted or dropped: sent by the file module (loaded now if need be), when the server takes files. */
  private _attach(e: Event, from: { files: FileList | null } | null): void {
    const files = [...(from?.files ?? [])];
    if (!files.length || !this._conn?.attachments) return;
    e.preventDefault();
    this._toEnd = true;
    void this._loadFiles().then((f) => f?.send(files));
  }

  private _loadFiles(): Promise<VisitorFiles | void> {
    return (this._filesLoading ??= import('./internal/visitor-files.js').then(
      (m) => {
        this.requestUpdate();
        return (this._files = new m.VisitorFiles(this, html, nothing));
      },
      // Not loaded (offline): the next file or render tries again.
      () => void (this._filesLoading = undefined),
    ));
  }

  /** A refused send already says why next to the message; other failures are said here. */
  private _alertText(c: VisitorConnection, s: Strings): string {
    return c.lastError && !c.outbox.some((i) => i.error) ? errorText(s, c.lastError, c.retryAt) : '';
  }

  /** Full screen on a phone, the page behind is out of sight: Tab goes round the panel. */
  private _keepFocus = (e: KeyboardEvent) => {
    const all = [...this.renderRoot.querySelectorAll<HTMLElement>('.panel :is(a,button,input,textarea):not(:disabled)')].filter((el) => el.offsetWidth);
    const ends = [all[0], all.at(-1)];
    if (e.key === 'Tab' && matchMedia('(max-width:480px)').matches && (this.renderRoot as ShadowRoot).activeElement === ends[+!e.shiftKey]) {
      e.preventDefault();
      ends[+e.shiftKey]?.focus();
    }
  };

  private _handoff = async () => {
    if (!this._emit('support-chat-handoff-request', null, true)) return;
    // The visitor acted, as when they send: follow what comes (after a long answer the chat stayed
    // at its start, and the agent's reply came below the fold, unseen: a probe).
    this._toEnd = true;
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
    this.requestUpdate();
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
      this._toEnd = true;
      this.requestUpdate();
    }
  };
}
