import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { LIMITS } from '@support-chat/shared';
import { fire } from './events.js';
import { base } from './theme.styles.js';
import { composerStyles } from './composer.styles.js';

/**
 * The reply box. Enter sends, Shift+Enter breaks the line (and Enter that confirms an IME
 * composition, as when typing Chinese, does not send). Drafts are kept per conversation.
 * Disabled with a visible reason when the agent may not reply.
 *
 * @fires support-console-send - `{ text }` to send a reply.
 * @fires support-console-typing - `{ typing }` on each keystroke (`false` once cleared).
 */
export class SupportConsoleComposer extends LitElement {
  static override styles = [base, composerStyles];
  static override properties = {
    conversationId: { type: String },
    disabledReason: { type: String },
    draft: { state: true },
  };

  declare conversationId: string;
  /** Empty when the agent may reply. */
  declare disabledReason: string;
  declare draft: string;
  private readonly drafts = new Map<string, string>();

  constructor() {
    super();
    this.conversationId = '';
    this.disabledReason = '';
    this.draft = '';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      const previous = changed.get('conversationId');
      if (previous) this.drafts.set(previous, this.draft);
      this.draft = this.drafts.get(this.conversationId) ?? '';
    }
  }

  override updated(changed: PropertyValues<this>): void {
    // Claiming enables the box: put the cursor where the agent will type next.
    if (changed.has('disabledReason') && changed.get('disabledReason') && !this.disabledReason) {
      this.focus();
    }
  }

  override focus(): void {
    this.renderRoot.querySelector('textarea')?.focus();
  }

  override render() {
    const disabled = this.disabledReason !== '';
    const left = LIMITS.messageChars - this.draft.length;
    return html`
      <form @submit=${this.onSubmit}>
        <label class="sr-only" for="reply">Reply to the visitor</label>
        <textarea
          id="reply"
          rows="1"
          maxlength=${LIMITS.messageChars}
          placeholder=${disabled ? '' : 'Write a reply… (Enter to send, Shift+Enter for a new line)'}
          aria-describedby="hint"
          ?disabled=${disabled}
          .value=${live(this.draft)}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
        ></textarea>
        <button class="btn primary" type="submit" ?disabled=${disabled || !this.draft.trim()}>Send</button>
        <div class="hint" id="hint">
          ${disabled ? html`<span class="reason">${this.disabledReason}</span>` : html`<span></span>`}
          ${left < 500 ? html`<span class=${left <= 0 ? 'over' : ''}>${left} characters left</span>` : nothing}
        </div>
      </form>
    `;
  }

  private onInput(event: InputEvent): void {
    this.draft = (event.target as HTMLTextAreaElement).value;
    fire(this, 'support-console-typing', { typing: this.draft.trim() !== '' });
  }

  private onKeyDown(event: KeyboardEvent): void {
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.submit();
  }

  private submit(): void {
    const text = this.draft.trim();
    if (!text || this.disabledReason) return;
    fire(this, 'support-console-send', { text });
    this.draft = '';
    this.drafts.delete(this.conversationId);
  }
}
