import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import type { AgentProfile } from '@support-chat/shared';
import { messageStyles, renderTyping } from '@support-chat/shared/browser/message-view.js';
import { attachmentStyles } from './attachments.js';
import { fire } from './events.js';
import { LocaleController, fill, t as words } from './i18n/locale.js';
import { renderItem, renderPending, renderStream } from './message-item.js';
import type { TranscriptState, TypingPerson } from './transcript-state.js';
import { base } from './theme.styles.js';
import { transcriptStyles } from './transcript-view.styles.js';

/**
 * The open conversation's messages (a `role="log"`), answers still streaming, replies not yet
 * acknowledged, and who is typing. Keeps to the bottom while the agent is at the bottom.
 *
 * @fires support-console-retry - `{ clientId }` to re-send a failed reply.
 * @fires support-console-discard - `{ clientId }` to drop a failed reply.
 */
export class SupportConsoleTranscript extends LitElement {
  static override styles = [base, messageStyles, transcriptStyles, attachmentStyles];
  static override properties = {
    transcript: { attribute: false },
    agent: { attribute: false },
    seenSeq: { attribute: false },
  };

  declare transcript: TranscriptState | null;
  declare agent: AgentProfile;
  /** The message after which "Seen" shows (the visitor has read up to it). */
  declare seenSeq: number | null;
  /** The agent is at the end of the log (or just opened it): new content keeps it there. */
  private stickToEnd = true;
  /** The log also changes size without an update (the composer appears, fonts load). */
  private resizeObserver: ResizeObserver | null = null;
  private observedLog: Element | null = null;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.transcript = null;
    this.seenSeq = null;
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // Only another conversation goes back to the end: a moved "Seen" marker leaves the agent be.
    if (changed.has('transcript') && changed.get('transcript')?.conversationId !== this.transcript?.conversationId) {
      this.stickToEnd = true;
    }
  }

  override updated(): void {
    const log = this.log;
    if (log && log !== this.observedLog) {
      this.resizeObserver ??= new ResizeObserver(() => this.keepAtEnd());
      this.resizeObserver.disconnect();
      this.resizeObserver.observe(log);
      const list = log.querySelector('ol');
      if (list) this.resizeObserver.observe(list);
      this.observedLog = log;
    }
    this.keepAtEnd();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.resizeObserver?.disconnect();
    this.observedLog = null;
  }

  private keepAtEnd(): void {
    const log = this.log;
    if (this.stickToEnd && log) log.scrollTop = log.scrollHeight;
  }

  private onScroll(): void {
    const log = this.log;
    if (log) this.stickToEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 48;
  }

  private get log(): HTMLElement | null {
    return this.renderRoot.querySelector<HTMLElement>('.log');
  }

  override render() {
    const t = this.transcript;
    if (!t) return nothing;
    const empty = t.loaded && t.messages.length + t.streams.length + t.pending.length === 0;
    const s = words().transcript;
    return html`
      <div class="log" role="log" aria-label=${s.label} tabindex="0" @scroll=${this.onScroll}>
        ${t.loaded ? nothing : html`<p class="loading">${s.loading}</p>`}
        ${empty ? html`<p class="empty">${s.empty}</p>` : nothing}
        <ol>
          ${repeat(t.messages, (m) => m.id, (m) => renderItem(m, m.seq === this.seenSeq))}
          ${repeat(t.streams, (s) => s.streamId, (s) => renderStream(s))}
          ${repeat(
            t.pending,
            (p) => p.clientId,
            (p) =>
              renderPending(
                p,
                this.agent,
                () => fire(this, 'support-console-retry', { clientId: p.clientId }),
                () => fire(this, 'support-console-discard', { clientId: p.clientId }),
              ),
          )}
        </ol>
      </div>
      <div class="status">${t.typing.length ? this.renderTypingLine(t.typing) : nothing}</div>
    `;
  }

  private renderTypingLine(people: readonly TypingPerson[]) {
    const s = words().transcript;
    const names = people.map((p) => (p.author === 'visitor' ? s.theVisitor : (p.name ?? s.aColleague)));
    const label = fill(names.length > 1 ? s.typing.other : s.typing.one, { names: names.join(s.and) });
    return html`${renderTyping(label)}<span class="who-types" aria-hidden="true">${label}</span>`;
  }
}
