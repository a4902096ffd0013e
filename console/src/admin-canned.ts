import { LitElement, css, html, nothing, type PropertyValues } from 'lit';
import { CANNED_SHORTCUT_RULE, LIMITS, type CannedReply } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { PLACEHOLDERS, unknownPlaceholders } from './canned.js';
import { LocaleController, errorText, fill, plural, t } from './i18n/locale.js';
import { renderMarkdown } from '@support-chat/shared/browser/markdown.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

/** Admin: the canned replies agents insert with "/" and the shortcut. */
export class SupportConsoleAdminCanned extends LitElement {
  static override styles = [base, pageStyles, css`
    .preview p {
      margin: 0 0 0.4em;
    }
    .preview > :last-child {
      margin-bottom: 0;
    }
  `];
  static override properties = {
    api: { attribute: false },
    replies: { state: true },
    editing: { state: true },
    message: { state: true },
    error: { state: true },
    textError: { state: true },
  };

  declare api: AdminApi;
  declare replies: CannedReply[];
  /** The reply being edited, or `new` for the add form. */
  declare editing: string | null;
  declare message: string;
  declare error: string;
  /** Why the text of the form was not saved (a placeholder it does not know). */
  declare textError: string;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.replies = [];
    this.editing = null;
    this.message = '';
    this.error = '';
    this.textError = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api.listCanned().then((result) => {
      if (result.ok) this.replies = sorted(result.data.replies);
      else this.error = errorText(result.error);
    });
  }

  override willUpdate(changed: PropertyValues<this>): void {
    // Another form (or none): the last one's complaint is not about it.
    if (changed.has('editing')) this.textError = '';
  }

  override render() {
    const s = t().canned;
    return html`<div class="page">
      <header class="page-head">
        <h2>${s.title}</h2>
        <span class="muted">${plural(s.count, this.replies.length)}</span>
        <span style="flex:1"></span>
        ${this.editing === 'new' ? nothing : html`<button class="btn primary" type="button" @click=${() => (this.editing = 'new')}>${s.add}</button>`}
      </header>
      <p class="lead">${s.intro}</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.editing === 'new' ? html`<section class="panel" aria-label=${s.newReply}>${this.renderForm(null)}</section>` : nothing}
      <section class="panel">
        ${this.replies.length === 0
          ? html`<p class="muted">${s.empty}</p>`
          : html`<table>
              <thead><tr><th scope="col">${s.shortcut}</th><th scope="col">${s.text}</th><th scope="col"><span class="sr-only">${s.actions}</span></th></tr></thead>
              <tbody>
                ${this.replies.map((r) =>
                  this.editing === r.id
                    ? html`<tr><td colspan="3">${this.renderForm(r)}</td></tr>`
                    : html`<tr>
                        <th scope="row"><code>/${r.shortcut}</code></th>
                        <td class="preview">${renderMarkdown(r.text)}</td>
                        <td>
                          <div class="row-actions">
                            <button class="btn" type="button" @click=${() => (this.editing = r.id)}>${s.edit}<span class="sr-only"> /${r.shortcut}</span></button>
                            <button class="btn" type="button" @click=${() => this.deleteReply(r)}>${s.delete}<span class="sr-only"> /${r.shortcut}</span></button>
                          </div>
                        </td>
                      </tr>`,
                )}
              </tbody>
            </table>`}
      </section>
    </div>`;
  }

  private renderForm(reply: CannedReply | null) {
    const s = t().canned;
    return html`<form @submit=${(e: SubmitEvent) => this.save(e, reply)} style="display:grid;gap:10px">
      <div class="field">
        <label for="shortcut">${s.shortcut}</label>
        <input id="shortcut" name="shortcut" required pattern=${CANNED_SHORTCUT_RULE.pattern} maxlength=${CANNED_SHORTCUT_RULE.maxLength} .value=${reply?.shortcut ?? ''}
          autocomplete="off" aria-describedby="shortcut-help" />
        <span class="field-help" id="shortcut-help">${s.shortcutHelp} <code>refund-time</code></span>
      </div>
      <div class="field">
        <label for="text">${s.text}</label>
        <textarea id="text" name="text" required rows="4" maxlength=${LIMITS.messageChars} .value=${reply?.text ?? ''}
          aria-invalid=${this.textError ? 'true' : 'false'} aria-describedby=${this.textError ? 'text-error text-help' : 'text-help'}
          @input=${() => (this.textError = '')}></textarea>
        ${this.textError ? html`<span class="field-error" id="text-error">${this.textError}</span>` : nothing}
        <span class="field-help" id="text-help">${fill(s.textHelp, {
          placeholders: PLACEHOLDERS.map((name) => `{{${name}}}`).join(', '),
          example: '{{visitor.first_name | there}}',
        })}</span>
      </div>
      <div class="form-actions">
        <button class="btn primary" type="submit">${reply ? s.save : s.addButton}</button>
        <button class="btn" type="button" @click=${() => (this.editing = null)}>${s.cancel}</button>
      </div>
    </form>`;
  }

  private async save(event: SubmitEvent, reply: CannedReply | null): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const body = { shortcut: String(data.get('shortcut') ?? '').trim().toLowerCase(), text: String(data.get('text') ?? '').trim() };
    // A misspelt placeholder would reach visitors as written: refused here, where it is written.
    const unknown = unknownPlaceholders(body.text);
    if (unknown.length) {
      this.textError = fill(t().canned.unknownPlaceholder, { list: unknown.join(', ') });
      return;
    }
    this.textError = '';
    const result = reply ? await this.api.updateCanned(reply.id, body) : await this.api.createCanned(body);
    if (!result.ok) {
      this.error = errorText(result.error);
      return;
    }
    const saved = result.data.reply;
    this.replies = sorted([...this.replies.filter((r) => r.id !== saved.id), saved]);
    this.editing = null;
    this.error = '';
    this.message = fill(t().canned.saved, { shortcut: saved.shortcut });
  }

  private async deleteReply(reply: CannedReply): Promise<void> {
    if (!confirm(fill(t().canned.deleteConfirm, { shortcut: reply.shortcut }))) return;
    const result = await this.api.deleteCanned(reply.id);
    if (!result.ok) {
      this.error = errorText(result.error);
      return;
    }
    this.replies = this.replies.filter((r) => r.id !== reply.id);
    this.error = '';
    this.message = fill(t().canned.deleted, { shortcut: reply.shortcut });
  }
}

function sorted(replies: CannedReply[]): CannedReply[] {
  return [...replies].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
}
