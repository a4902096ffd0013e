import { LitElement, css, html, nothing } from 'lit';
import { API_TOKEN_SCOPES, WEBHOOK_EVENTS, type ApiToken, type ApiTokenScope, type Webhook, type WebhookDelivery, type WebhookEventType } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

const when = (at: number | null) => (at === null ? '—' : new Date(at).toLocaleString());

/**
 * Admin (issue 13): webhooks (which events go where, each delivery's status, a test event, retry
 * now) and API tokens for the REST API. A hook's secret and a token are shown once, right after
 * they are created.
 */
export class SupportConsoleAdminIntegrations extends LitElement {
  static override styles = [base, pageStyles, css`
    .secret {
      font-family: ui-monospace, monospace;
      word-break: break-all;
      user-select: all;
    }
    fieldset {
      border: 0;
      padding: 0;
      margin: 0;
      display: flex;
      flex-wrap: wrap;
      gap: 6px 14px;
    }
    .status-delivered { color: var(--support-console-ok, #15803d); }
    .status-failed { color: var(--support-console-danger, #b91c1c); }
  `];
  static override properties = {
    api: { attribute: false },
    hooks: { state: true },
    tokens: { state: true },
    deliveries: { state: true },
    open: { state: true },
    shown: { state: true },
    message: { state: true },
    error: { state: true },
  };

  declare api: AdminApi;
  declare hooks: Webhook[];
  declare tokens: ApiToken[];
  /** The deliveries of the hook whose list is open. */
  declare deliveries: WebhookDelivery[];
  declare open: string | null;
  /** A secret or token shown once: what it is and its value. */
  declare shown: { label: string; value: string } | null;
  declare message: string;
  declare error: string;

  constructor() {
    super();
    this.hooks = [];
    this.tokens = [];
    this.deliveries = [];
    this.open = null;
    this.shown = null;
    this.message = '';
    this.error = '';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    const [hooks, tokens] = await Promise.all([this.api.listWebhooks(), this.api.listApiTokens()]);
    if (hooks.ok) this.hooks = hooks.data.webhooks;
    else this.error = hooks.error.message;
    if (tokens.ok) this.tokens = tokens.data.tokens;
    else this.error = tokens.error.message;
  }

  override render() {
    return html`<div class="page">
      <header class="page-head"><h2>Integrations</h2></header>
      <p class="lead">Webhooks tell your systems what happens in chats; API tokens let them read conversations and post messages (REST API at <code>/api/v1</code>, described by <a href="/api/v1/openapi.json">openapi.json</a>).</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.shown
        ? html`<section class="panel" aria-label="Shown once">
            <p><strong>${this.shown.label}</strong> Copy it now: it will not be shown again.</p>
            <p class="secret">${this.shown.value}</p>
            <button class="btn" type="button" @click=${() => (this.shown = null)}>Done</button>
          </section>`
        : nothing}
      ${this.renderHooks()} ${this.renderTokens()}
    </div>`;
  }

  private renderHooks() {
    return html`<section class="panel" aria-labelledby="hooks-title">
      <h3 id="hooks-title">Webhooks</h3>
      ${this.hooks.length === 0
        ? html`<p class="muted">No webhooks yet.</p>`
        : html`<table>
            <thead><tr><th scope="col">URL</th><th scope="col">Events</th><th scope="col">State</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              ${this.hooks.map(
                (hook) => html`<tr>
                    <th scope="row"><code>${hook.url}</code>${hook.description ? html`<div class="muted">${hook.description}</div>` : nothing}</th>
                    <td>${hook.events.join(', ')}</td>
                    <td>${hook.active ? 'Active' : 'Paused'}</td>
                    <td>
                      <div class="row-actions">
                        <button class="btn" type="button" @click=${() => this.toggleDeliveries(hook)} aria-expanded=${this.open === hook.id ? 'true' : 'false'}>Deliveries</button>
                        <button class="btn" type="button" @click=${() => this.test(hook)}>Send test event</button>
                        <button class="btn" type="button" @click=${() => this.setActive(hook, !hook.active)}>${hook.active ? 'Pause' : 'Resume'}</button>
                        <button class="btn" type="button" @click=${() => this.deleteHook(hook)}>Delete</button>
                      </div>
                    </td>
                  </tr>
                  ${this.open === hook.id ? html`<tr><td colspan="4">${this.renderDeliveries(hook)}</td></tr>` : nothing}`,
              )}
            </tbody>
          </table>`}
      <form @submit=${(e: SubmitEvent) => this.createHook(e)} style="display:grid;gap:10px;margin-top:12px" aria-label="Add a webhook">
        <div class="field">
          <label for="hook-url">URL</label>
          <input id="hook-url" name="url" type="url" required maxlength="2000" placeholder="https://crm.example.com/support-chat" />
        </div>
        <fieldset>
          <legend class="field-help">Events</legend>
          ${WEBHOOK_EVENTS.map((event) => html`<label><input type="checkbox" name="events" value=${event} checked /> ${event}</label>`)}
        </fieldset>
        <div class="field">
          <label for="hook-description">Description</label>
          <input id="hook-description" name="description" maxlength="200" />
        </div>
        <div class="form-actions"><button class="btn primary" type="submit">Add webhook</button></div>
      </form>
    </section>`;
  }

  private renderDeliveries(hook: Webhook) {
    if (this.deliveries.length === 0) return html`<p class="muted">No deliveries yet.</p>`;
    return html`<table aria-label=${`Deliveries to ${hook.url}`}>
      <thead><tr><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Next attempt</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
      <tbody>
        ${this.deliveries.map(
          (d) => html`<tr>
            <td>${d.eventType}<div class="muted">${when(d.createdAt)}</div></td>
            <td class=${`status-${d.status}`}>${d.status}</td>
            <td class="num">${d.attempts}</td>
            <td>${d.lastError ?? (d.lastStatusCode === null ? '—' : `HTTP ${d.lastStatusCode}`)}</td>
            <td>${when(d.nextAttemptAt)}</td>
            <td><button class="btn" type="button" @click=${() => this.retry(hook, d)}>Retry now</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderTokens() {
    return html`<section class="panel" aria-labelledby="tokens-title">
      <h3 id="tokens-title">API tokens</h3>
      ${this.tokens.length === 0
        ? html`<p class="muted">No API tokens yet.</p>`
        : html`<table>
            <thead><tr><th scope="col">Name</th><th scope="col">Scope</th><th scope="col">Token</th><th scope="col">Created</th><th scope="col">Last used</th><th scope="col"><span class="sr-only">Actions</span></th></tr></thead>
            <tbody>
              ${this.tokens.map(
                (t) => html`<tr>
                  <th scope="row">${t.name}</th>
                  <td>${t.scope}</td>
                  <td><code>${t.prefix}…</code></td>
                  <td>${when(t.createdAt)}<div class="muted">${t.createdBy.name}</div></td>
                  <td>${when(t.lastUsedAt)}</td>
                  <td>${t.revokedAt === null ? html`<button class="btn" type="button" @click=${() => this.revoke(t)}>Revoke<span class="sr-only"> ${t.name}</span></button>` : html`Revoked ${when(t.revokedAt)}`}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      <form @submit=${(e: SubmitEvent) => this.createToken(e)} class="form-grid two" style="margin-top:12px" aria-label="Create an API token">
        <div class="field">
          <label for="token-name">Name</label>
          <input id="token-name" name="name" required maxlength="80" placeholder="CRM" />
        </div>
        <div class="field">
          <label for="token-scope">Scope</label>
          <select id="token-scope" name="scope">${API_TOKEN_SCOPES.map((scope) => html`<option value=${scope}>${scope === 'read' ? 'read (GET only)' : 'write (also post messages)'}</option>`)}</select>
        </div>
        <div class="form-actions"><button class="btn primary" type="submit">Create token</button></div>
      </form>
    </section>`;
  }

  /** Shows the server's refusal, or the success message. */
  private done(result: { ok: boolean; error?: { message: string } }, message: string): boolean {
    if (!result.ok) {
      this.error = result.error!.message;
      return false;
    }
    this.error = '';
    this.message = message;
    return true;
  }

  private async createHook(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const result = await this.api.createWebhook({
      url: String(data.get('url') ?? '').trim(),
      events: data.getAll('events').map(String) as WebhookEventType[],
      description: String(data.get('description') ?? '').trim(),
    });
    if (!this.done(result, 'Webhook added.') || !result.ok) return;
    this.hooks = [...this.hooks, result.data.webhook];
    this.shown = { label: 'Signing secret for this webhook.', value: result.data.secret };
    form.reset();
  }

  private async setActive(hook: Webhook, active: boolean): Promise<void> {
    const result = await this.api.updateWebhook(hook.id, { active });
    if (this.done(result, active ? 'Webhook resumed.' : 'Webhook paused.') && result.ok) this.hooks = this.hooks.map((h) => (h.id === hook.id ? result.data.webhook : h));
  }

  private async deleteHook(hook: Webhook): Promise<void> {
    if (!confirm(`Delete the webhook to ${hook.url} and its deliveries?`)) return;
    if (this.done(await this.api.deleteWebhook(hook.id), 'Webhook deleted.')) this.hooks = this.hooks.filter((h) => h.id !== hook.id);
  }

  private async toggleDeliveries(hook: Webhook): Promise<void> {
    if (this.open === hook.id) {
      this.open = null;
      return;
    }
    this.open = hook.id;
    await this.refreshDeliveries(hook.id);
  }

  private async refreshDeliveries(hookId: string): Promise<void> {
    const result = await this.api.webhookDeliveries(hookId);
    if (result.ok) this.deliveries = result.data.deliveries;
    else this.error = result.error.message;
  }

  private async test(hook: Webhook): Promise<void> {
    if (!this.done(await this.api.testWebhook(hook.id), `Test event queued for ${hook.url}.`)) return;
    this.open = hook.id;
    await this.refreshDeliveries(hook.id);
  }

  private async retry(hook: Webhook, delivery: WebhookDelivery): Promise<void> {
    if (this.done(await this.api.retryDelivery(delivery.id), 'Sending again now.')) await this.refreshDeliveries(hook.id);
  }

  private async createToken(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const result = await this.api.createApiToken({ name: String(data.get('name') ?? '').trim(), scope: String(data.get('scope')) as ApiTokenScope });
    if (!this.done(result, 'API token created.') || !result.ok) return;
    this.tokens = [result.data.token, ...this.tokens];
    this.shown = { label: `API token “${result.data.token.name}”.`, value: result.data.secret };
    form.reset();
  }

  private async revoke(token: ApiToken): Promise<void> {
    if (!confirm(`Revoke the API token “${token.name}”? Integrations using it stop working at once.`)) return;
    const result = await this.api.revokeApiToken(token.id);
    if (this.done(result, `Revoked “${token.name}”.`) && result.ok) this.tokens = this.tokens.map((t) => (t.id === token.id ? result.data.token : t));
  }
}
