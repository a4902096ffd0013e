import { LitElement, css, html, nothing } from 'lit';
import { LIMITS, type CannedReply } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { renderMarkdown } from '../internal/markdown.js';
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
  };

  declare api: AdminApi;
  declare replies: CannedReply[];
  /** The reply being edited, or `new` for the add form. */
  declare editing: string | null;
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.replies = [];
    this.editing = null;
    this.message = '';
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api.listCanned().then((result) => {
      if (result.ok) this.replies = sorted(result.data.replies);
      else this.error = result.error.message;
    });
  }

  override render() {
    return html`<div class="page">
      <header class="page-head">
        <h2>Canned replies</h2>
        <span class="muted">${this.replies.length} ${this.replies.length === 1 ? 'reply' : 'replies'}</span>
        <span style="flex:1"></span>
        ${this.editing === 'new' ? nothing : html`<button class="btn primary" type="button" @click=${() => (this.editing = 'new')}>Add a reply</button>`}
      </header>
      <p class="lead">Agents type “/” and the shortcut in the reply box to insert one.</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.editing === 'new' ? html`<section class="panel" aria-label="New reply">${this.renderForm(null)}</section>` : nothing}
      <section class="panel">
        ${this.replies.length === 0
          ? html`<p class="muted">No canned replies yet.</p>`
          : html`<table>
              <thead><tr><th scope="col">Shortcut</th><th scope="col">Text</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
              <tbody>
                ${this.replies.map((r) =>
                  this.editing === r.id
                    ? html`<tr><td colspan="3">${this.renderForm(r)}</td></tr>`
                    : html`<tr>
                        <th scope="row"><code>/${r.shortcut}</code></th>
                        <td class="preview">${renderMarkdown(r.text)}</td>
                        <td>
                          <div class="row-actions">
                            <button class="btn" type="button" @click=${() => (this.editing = r.id)}>Edit<span class="sr-only"> /${r.shortcut}</span></button>
                            <button class="btn" type="button" @click=${() => this.deleteReply(r)}>Delete<span class="sr-only"> /${r.shortcut}</span></button>
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
    return html`<form @submit=${(e: SubmitEvent) => this.save(e, reply)} style="display:grid;gap:10px">
      <div class="field">
        <label for="shortcut">Shortcut</label>
        <input id="shortcut" name="shortcut" required pattern="[a-z0-9][a-z0-9\\-]{0,39}" maxlength="40" .value=${reply?.shortcut ?? ''}
          autocomplete="off" aria-describedby="shortcut-help" />
        <span class="field-help" id="shortcut-help">Lowercase letters, digits and “-”, e.g. refund-time.</span>
      </div>
      <div class="field">
        <label for="text">Text</label>
        <textarea id="text" name="text" required rows="4" maxlength=${LIMITS.messageChars} .value=${reply?.text ?? ''} aria-describedby="text-help"></textarea>
        <span class="field-help" id="text-help">Markdown works: **bold**, [link](https://…).</span>
      </div>
      <div class="form-actions">
        <button class="btn primary" type="submit">${reply ? 'Save' : 'Add'}</button>
        <button class="btn" type="button" @click=${() => (this.editing = null)}>Cancel</button>
      </div>
    </form>`;
  }

  private async save(event: SubmitEvent, reply: CannedReply | null): Promise<void> {
    event.preventDefault();
    const data = new FormData(event.currentTarget as HTMLFormElement);
    const body = { shortcut: String(data.get('shortcut') ?? '').trim().toLowerCase(), text: String(data.get('text') ?? '').trim() };
    const result = reply ? await this.api.updateCanned(reply.id, body) : await this.api.createCanned(body);
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    const saved = result.data.reply;
    this.replies = sorted([...this.replies.filter((r) => r.id !== saved.id), saved]);
    this.editing = null;
    this.error = '';
    this.message = `Saved /${saved.shortcut}.`;
  }

  private async deleteReply(reply: CannedReply): Promise<void> {
    if (!confirm(`Delete the canned reply /${reply.shortcut}?`)) return;
    const result = await this.api.deleteCanned(reply.id);
    if (!result.ok) {
      this.error = result.error.message;
      return;
    }
    this.replies = this.replies.filter((r) => r.id !== reply.id);
    this.error = '';
    this.message = `Deleted /${reply.shortcut}.`;
  }
}

function sorted(replies: CannedReply[]): CannedReply[] {
  return [...replies].sort((a, b) => a.shortcut.localeCompare(b.shortcut));
}
