import { LitElement, html, nothing, type PropertyValues } from 'lit';
import { live } from 'lit/directives/live.js';
import { LIMITS, type CannedReply, type Source } from '@support-chat/shared';
import { renderMarkdown, safeHref } from '@support-chat/shared/browser/markdown.js';
import type { DraftState } from './agent-connection.js';
import { cycle, fillPlaceholders, insertCanned, matchCanned, slashQueryAt, type PlaceholderValues, type SlashQuery } from './canned.js';
import { fire } from './events.js';
import { LocaleController, fill, plural, t } from './i18n/locale.js';
import { base } from './theme.styles.js';
import { composerStyles } from './composer.styles.js';
import { consoleDrafts } from './draft-store.js';
import { paperclipIcon, sendAttachment, uploadErrorText, uploadingText } from './attachments.js';

type Mode = 'text' | 'note';

/**
 * The reply box. Markdown; Enter sends, Shift+Enter breaks the line (Enter that confirms an IME
 * composition does not send). "/" and a name offers canned replies (arrows + Enter insert). "AI
 * draft" asks for a reply to edit. "Internal note" mode writes for the team only. Drafts (with
 * their mode) are kept per conversation, through reloads of the tab (draft-store.ts). Disabled
 * with a visible reason when the agent may not write.
 *
 * @fires support-console-send - `{ text, kind }` (`kind: 'note'` for an internal note).
 * @fires support-console-typing - `{ typing }` on each keystroke of a reply (`false` once cleared).
 * @fires support-console-draft - asks the AI for a draft.
 * @fires support-console-draft-taken - the draft is in the box (or failed and was seen).
 */
export class SupportConsoleComposer extends LitElement {
  static override styles = [base, composerStyles];
  static override properties = {
    conversationId: { type: String },
    mine: { type: Boolean },
    replyBlocked: { type: String },
    noteBlocked: { type: String },
    canned: { attribute: false },
    placeholders: { attribute: false },
    draft: { attribute: false },
    text: { state: true },
    mode: { state: true },
    slash: { state: true },
    pick: { state: true },
    sources: { state: true },
    preview: { state: true },
    uploading: { state: true },
    uploadError: { state: true },
  };

  declare conversationId: string;
  /** The open conversation is assigned to this agent. */
  declare mine: boolean;
  /** Why the agent may not reply (empty when they may). */
  declare replyBlocked: string;
  declare noteBlocked: string;
  declare canned: readonly CannedReply[];
  /** What `{{visitor.name}}` and the other placeholders of a canned reply stand for here. */
  declare placeholders: PlaceholderValues;
  declare draft: DraftState | null;
  declare text: string;
  declare mode: Mode;
  declare slash: SlashQuery | null;
  declare pick: number;
  /** What the AI draft in the box was based on. */
  declare sources: readonly Source[];
  /** Show the reply as the visitor will see it (Markdown rendered). */
  declare preview: boolean;
  /** A file on its way (issue 13): its name and how much has gone. */
  declare uploading: { name: string; fraction: number } | null;
  /** Why the last file was refused. */
  declare uploadError: string;
  private readonly drafts = consoleDrafts;
  private caret: number | null = null;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.conversationId = '';
    this.mine = false;
    this.replyBlocked = '';
    this.noteBlocked = '';
    this.canned = [];
    this.placeholders = {};
    this.draft = null;
    this.text = '';
    this.mode = 'text';
    this.slash = null;
    this.pick = 0;
    this.sources = [];
    this.preview = false;
    this.uploading = null;
    this.uploadError = '';
  }

  override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('conversationId')) {
      const previous = changed.get('conversationId');
      if (previous) this.keepDraft(previous);
      const kept = this.drafts.get(this.conversationId);
      this.text = kept?.text ?? '';
      this.sources = kept?.sources ?? [];
      // The draft's own mode: a note left in one conversation never goes out as a reply in another.
      this.mode = kept?.mode ?? 'text';
      this.slash = null;
    }
    // Never into a note: a draft is a reply, and Enter would send the note's words with it to the
    // visitor. One that arrives while the box holds a note (asked for before) is dropped.
    if (changed.has('draft') && this.draft?.status === 'ready' && this.writingNote) {
      fire(this, 'support-console-draft-taken', null);
    } else if (changed.has('draft') && this.draft?.status === 'ready') {
      this.mode = 'text';
      this.text = this.text.trim() ? `${this.text.trimEnd()}\n\n${this.draft.text}` : this.draft.text;
      this.sources = this.draft.sources;
      this.caret = this.text.length;
      this.keepDraft(this.conversationId);
      fire(this, 'support-console-draft-taken', null);
    }
  }

  override updated(changed: PropertyValues<this>): void {
    // Claiming enables the box: put the cursor where the agent will type next. Not on moving to
    // another conversation (j / k, a click): the keys must keep going to the shortcuts. Nor when
    // the connection comes back: the box unblocks then too, but the agent may be typing elsewhere
    // (a note, the search), and a reconnect must not pull the keys away from them.
    const claimed = changed.has('mine') && changed.get('mine') === false && this.mine;
    if (claimed && !changed.has('conversationId') && !this.claimedByKey) this.focus();
    if (claimed || changed.has('conversationId')) this.claimedByKey = false;
    if (this.caret !== null) {
      const box = this.box;
      box?.focus();
      box?.setSelectionRange(this.caret, this.caret);
      this.caret = null;
    }
  }

  override focus(): void {
    this.box?.focus();
  }

  /** A reply is written and not sent: closing the conversation now would keep it from the visitor. */
  get unsentReply(): boolean {
    return this.mode === 'text' && this.text.trim() !== '';
  }

  /**
   * The `c` shortcut is claiming: the box stays where it is. An agent working by keys goes on with
   * keys (`r` to reply); taken into the box, their `r` went to the visitor as a stray letter.
   */
  claimingByKey(): void {
    this.claimedByKey = true;
  }
  private claimedByKey = false;

  /** The `r` and `n` shortcuts. */
  write(mode: Mode): void {
    this.mode = mode;
    this.keepDraft(this.conversationId);
    void this.updateComplete.then(() => this.focus());
  }

  /** A note is half-written in the box. */
  private get writingNote(): boolean {
    return this.mode === 'note' && this.text.trim() !== '';
  }

  /** What the box holds now is `conversationId`'s draft (kept across conversations and reloads). */
  private keepDraft(conversationId: string): void {
    if (conversationId) this.drafts.set(conversationId, { text: this.text, sources: this.sources, mode: this.mode });
  }

  private get box(): HTMLTextAreaElement | null {
    return this.renderRoot.querySelector('textarea');
  }

  private get blocked(): string {
    return this.mode === 'note' ? this.noteBlocked : this.replyBlocked;
  }

  private get suggestions(): CannedReply[] {
    return this.slash ? matchCanned(this.canned, this.slash.query) : [];
  }

  override render() {
    const blocked = this.blocked;
    const note = this.mode === 'note';
    const left = LIMITS.messageChars - this.text.length;
    const matches = this.suggestions;
    const menu = matches.length > 0;
    const drafting = this.draft?.status === 'loading';
    const s = t().transcript;
    return html`
      <div class="modes" role="group" aria-label=${s.write}>
        <button type="button" class="mode" aria-pressed=${note ? 'false' : 'true'} @click=${() => this.write('text')}>${s.reply}</button>
        <button type="button" class="mode note" aria-pressed=${note ? 'true' : 'false'} @click=${() => this.write('note')}>
          ${s.note}
        </button>
        <span class="spacer"></span>
        <input id="file" class="sr-only" type="file" tabindex="-1" aria-hidden="true" @change=${this.onFilePicked} />
        <button
          type="button"
          class="btn attach"
          ?disabled=${!!this.replyBlocked || !!this.uploading}
          title=${this.replyBlocked || t().attachments.attachHint}
          aria-label=${t().attachments.attach}
          @click=${() => this.renderRoot.querySelector<HTMLInputElement>('#file')?.click()}
        >
          ${paperclipIcon} ${t().attachments.attach}
        </button>
        <label class="preview-toggle"><input type="checkbox" .checked=${this.preview} @change=${() => (this.preview = !this.preview)} /> ${s.preview}</label>
        <button
          type="button"
          class="btn ai"
          ?disabled=${drafting || !!this.replyBlocked || this.writingNote}
          title=${this.replyBlocked || (this.writingNote ? s.draftNotInNote : s.draftHint)}
          @click=${() => fire(this, 'support-console-draft', null)}
        >
          ${drafting ? s.drafting : s.aiDraft}
        </button>
      </div>
      ${this.preview && this.text.trim()
        ? html`<div class="preview ${note ? 'note' : ''}" aria-label=${s.preview} role="region">${renderMarkdown(this.text)}</div>`
        : nothing}
      <div class="upload" role="status">${this.uploading ? uploadingText(this.uploading.name, this.uploading.fraction) : nothing}</div>
      ${this.uploadError
        ? html`<div class="upload-error" role="alert">
            ${this.uploadError}
            <button type="button" class="link" @click=${() => (this.uploadError = '')}>${t().attachments.dismiss}</button>
          </div>`
        : nothing}
      <form class=${note ? 'note' : ''} @submit=${this.onSubmit} @dragover=${this.onDragOver} @drop=${this.onDrop}>
        <label class="sr-only" for="reply">${note ? s.noteLabel : s.replyLabel}</label>
        <textarea
          id="reply"
          dir="auto"
          rows="2"
          maxlength=${LIMITS.messageChars}
          placeholder=${blocked ? '' : note ? s.notePlaceholder : s.replyPlaceholder}
          aria-describedby="hint"
          aria-autocomplete="list"
          aria-controls=${menu ? 'canned' : nothing}
          aria-activedescendant=${menu ? `canned-${this.pick}` : nothing}
          ?disabled=${!!blocked}
          .value=${live(this.text)}
          @input=${this.onInput}
          @keydown=${this.onKeyDown}
          @click=${this.onCaret}
          @paste=${this.onPaste}
          @blur=${() => (this.slash = null)}
        ></textarea>
        <button class="btn primary" type="submit" ?disabled=${!!blocked || !this.text.trim()}>${note ? s.addNote : s.send}</button>
        ${menu ? this.renderMenu(matches) : nothing}
        <div class="hint" id="hint">${this.renderHint(blocked, left)}</div>
      </form>
    `;
  }

  private onFilePicked = (e: Event) => {
    const input = e.target as HTMLInputElement;
    const file = input.files?.[0];
    input.value = '';
    if (file) void this.sendFile(file);
  };

  private onPaste = (e: ClipboardEvent) => {
    const file = e.clipboardData?.files[0];
    if (!file || this.replyBlocked) return;
    e.preventDefault();
    void this.sendFile(file);
  };

  private onDragOver = (e: DragEvent) => {
    if (e.dataTransfer?.types.includes('Files') && !this.replyBlocked) e.preventDefault();
  };

  private onDrop = (e: DragEvent) => {
    const file = e.dataTransfer?.files[0];
    if (!file || this.replyBlocked) return;
    e.preventDefault();
    void this.sendFile(file);
  };

  /** Sends a file to the visitor; the message comes back over the socket like any reply. */
  private async sendFile(file: File): Promise<void> {
    if (this.uploading || this.replyBlocked) return;
    this.uploadError = '';
    this.uploading = { name: file.name, fraction: 0 };
    const result = await sendAttachment(this.conversationId, file, (fraction) => (this.uploading = { name: file.name, fraction }));
    this.uploading = null;
    if (!result.ok) this.uploadError = uploadErrorText(result.error.code, result.error.message);
  }

  private renderMenu(matches: readonly CannedReply[]) {
    return html`<ul id="canned" role="listbox" aria-label=${t().transcript.cannedLabel}>
      ${matches.map(
        (r, i) => html`<li
          id="canned-${i}"
          role="option"
          aria-selected=${i === this.pick ? 'true' : 'false'}
          @mousedown=${(e: Event) => {
            e.preventDefault();
            this.insert(r);
          }}
        >
          <span class="shortcut">/${r.shortcut}</span><span class="text">${r.text}</span>
        </li>`,
      )}
    </ul>`;
  }

  private renderHint(blocked: string, left: number) {
    const draft = this.draft;
    const s = t().transcript;
    return html`
      ${blocked
        ? html`<span class="reason">${blocked}</span>`
        : draft?.status === 'failed'
          ? html`<span class="reason">${fill(s.noDraft, { reason: draft.error ?? '' })}</span>`
          : this.sources.length
            ? html`<span class="draft-sources">${s.draftBasedOn} ${this.sources.map((s, i) => {
                const href = s.url ? safeHref(s.url) : null;
                return html`${i ? ', ' : ''}${href ? html`<a href=${href} target="_blank" rel="noopener noreferrer">${s.title}</a>` : s.title}`;
              })}${s.checkDraft}</span>`
            : this.slash && this.canned.length === 0
              ? html`<span>${s.noCannedYet}</span>`
              : html`<span>${this.mode === 'note' ? s.noteOnly : s.enterToSend}</span>`}
      ${left <= 0
        ? html`<span class="over">${s.atLimit}</span>`
        : left < 500
          ? html`<span>${plural(s.charsLeft, left)}</span>`
          : nothing}
    `;
  }

  private onInput(event: InputEvent): void {
    const box = event.target as HTMLTextAreaElement;
    this.text = box.value;
    if (!this.text.trim()) this.sources = [];
    this.keepDraft(this.conversationId);
    this.onCaret();
    if (this.mode === 'text') fire(this, 'support-console-typing', { typing: this.text.trim() !== '' });
  }

  private onCaret(): void {
    const box = this.box;
    const slash = box && box.selectionStart === box.selectionEnd ? slashQueryAt(box.value, box.selectionStart) : null;
    if (slash?.query !== this.slash?.query) this.pick = 0;
    this.slash = slash;
  }

  private onKeyDown(event: KeyboardEvent): void {
    const matches = this.suggestions;
    if (matches.length) {
      if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
        event.preventDefault();
        this.pick = cycle(this.pick, event.key === 'ArrowDown' ? 1 : -1, matches.length);
        return;
      }
      if ((event.key === 'Enter' || event.key === 'Tab') && !event.isComposing) {
        event.preventDefault();
        this.insert(matches[this.pick] ?? matches[0]!);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        this.slash = null;
        return;
      }
    }
    // Out of the box with the keyboard, so the shortcuts (which never fire in a field) work again.
    if (event.key === 'Escape' && !event.isComposing) {
      event.preventDefault();
      this.box?.blur();
      return;
    }
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || event.keyCode === 229) return;
    event.preventDefault();
    this.submit();
  }

  private insert(reply: CannedReply): void {
    if (!this.slash) return;
    const next = insertCanned(this.text, this.slash, { text: fillPlaceholders(reply.text, this.placeholders) });
    this.text = next.text;
    this.caret = next.caret;
    this.keepDraft(this.conversationId);
    this.slash = null;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    this.submit();
  }

  private submit(): void {
    const text = this.text.trim();
    if (!text || this.blocked) return;
    fire(this, 'support-console-send', { text, kind: this.mode });
    this.text = '';
    this.sources = [];
    this.slash = null;
    this.drafts.delete(this.conversationId);
  }
}
