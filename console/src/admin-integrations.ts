import { LitElement, css, html, nothing } from 'lit';
import { API_TOKEN_SCOPES, WEBHOOK_EVENTS, type ErrorCode, type ApiToken, type ApiTokenScope, type Webhook, type WebhookDelivery, type WebhookEventType } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { LocaleController, date, errorText, fill, t } from './i18n/locale.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

const when = (at: number | null) => (at === null ? '—' : date(at, { dateStyle: 'medium', timeStyle: 'short' }));

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
  private readonly i18n = new LocaleController(this);

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
    else this.error = errorText(hooks.error);
    if (tokens.ok) this.tokens = tokens.data.tokens;
    else this.error = errorText(tokens.error);
  }

  override render() {
    const s = t().integrations;
    return html`<div class="page">
      <header class="page-head"><h2>${s.title}</h2></header>
      <p class="lead">${s.introBefore} <code>/api/v1</code>${s.introAfter} <a href="/api/v1/openapi.json"><code>openapi.json</code></a>).</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.shown
        ? html`<section class="panel" aria-label=${s.shownOnce}>
            <p><strong>${this.shown.label}</strong> ${s.copyNow}</p>
            <p class="secret">${this.shown.value}</p>
            <button class="btn" type="button" @click=${() => (this.shown = null)}>${s.done}</button>
          </section>`
        : nothing}
      ${this.renderHooks()} ${this.renderTokens()}
    </div>`;
  }

  private renderHooks() {
    const s = t().integrations;
    return html`<section class="panel" aria-labelledby="hooks-title">
      <h3 id="hooks-title">${s.hooks}</h3>
      ${this.hooks.length === 0
        ? html`<p class="muted">${s.noHooks}</p>`
        : html`<table>
            <thead><tr><th scope="col">${s.url}</th><th scope="col">${s.events}</th><th scope="col">${s.state}</th><th scope="col"><span class="sr-only">${s.actions}</span></th></tr></thead>
            <tbody>
              ${this.hooks.map(
                (hook) => html`<tr>
                    <th scope="row"><code>${hook.url}</code>${hook.description ? html`<div class="muted">${hook.description}</div>` : nothing}</th>
                    <td>${hook.events.map((event) => html`<div title=${event}>${s.eventNames[event] ?? event}</div>`)}</td>
                    <td>${hook.active ? s.active : s.paused}</td>
                    <td>
                      <div class="row-actions">
                        <button class="btn" type="button" @click=${() => this.toggleDeliveries(hook)} aria-expanded=${this.open === hook.id ? 'true' : 'false'}>${s.deliveries}</button>
                        <button class="btn" type="button" @click=${() => this.test(hook)}>${s.sendTest}</button>
                        <button class="btn" type="button" @click=${() => this.setActive(hook, !hook.active)}>${hook.active ? s.pause : s.resume}</button>
                        <button class="btn" type="button" @click=${() => this.deleteHook(hook)}>${s.delete}</button>
                      </div>
                    </td>
                  </tr>
                  ${this.open === hook.id ? html`<tr><td colspan="4">${this.renderDeliveries(hook)}</td></tr>` : nothing}`,
              )}
            </tbody>
          </table>`}
      <form @submit=${(e: SubmitEvent) => this.createHook(e)} style="display:grid;gap:10px;margin-top:12px" aria-label=${s.addHook}>
        <div class="field">
          <label for="hook-url">${s.url}</label>
          <input id="hook-url" name="url" type="url" required maxlength="2000" placeholder=${s.urlPlaceholder} />
        </div>
        <fieldset>
          <legend class="field-help">${s.events}</legend>
          ${WEBHOOK_EVENTS.map((event) => html`<label title=${event}><input type="checkbox" name="events" value=${event} checked /> ${s.eventNames[event]}</label>`)}
        </fieldset>
        <div class="field">
          <label for="hook-description">${s.description}</label>
          <input id="hook-description" name="description" maxlength="200" />
        </div>
        <div class="form-actions"><button class="btn primary" type="submit">${s.addHookButton}</button></div>
      </form>
    </section>`;
  }

  private renderDeliveries(hook: Webhook) {
    const s = t().integrations;
    if (this.deliveries.length === 0) return html`<p class="muted">${s.noDeliveries}</p>`;
    return html`<table aria-label=${fill(s.deliveriesTo, { url: hook.url })}>
      <thead><tr><th scope="col">${s.event}</th><th scope="col">${s.status}</th><th scope="col">${s.attempts}</th><th scope="col">${s.lastAnswer}</th><th scope="col">${s.nextAttempt}</th><th scope="col"><span class="sr-only">${s.actions}</span></th></tr></thead>
      <tbody>
        ${this.deliveries.map(
          (d) => html`<tr>
            <td><span title=${d.eventType}>${s.eventNames[d.eventType] ?? d.eventType}</span><div class="muted">${when(d.createdAt)}</div></td>
            <td class=${`status-${d.status}`}>${s.statuses[d.status] ?? d.status}</td>
            <td class="num">${d.attempts}</td>
            <td>${d.lastError ? html`<code>${d.lastError}</code>` : d.lastStatusCode === null ? '—' : html`<code>HTTP ${d.lastStatusCode}</code>`}</td>
            <td>${when(d.nextAttemptAt)}</td>
            <td><button class="btn" type="button" @click=${() => this.retry(hook, d)}>${s.retry}</button></td>
          </tr>`,
        )}
      </tbody>
    </table>`;
  }

  private renderTokens() {
    const s = t().integrations;
    return html`<section class="panel" aria-labelledby="tokens-title">
      <h3 id="tokens-title">${s.tokens}</h3>
      ${this.tokens.length === 0
        ? html`<p class="muted">${s.noTokens}</p>`
        : html`<table>
            <thead><tr><th scope="col">${s.name}</th><th scope="col">${s.scope}</th><th scope="col">${s.token}</th><th scope="col">${s.created}</th><th scope="col">${s.lastUsed}</th><th scope="col"><span class="sr-only">${s.actions}</span></th></tr></thead>
            <tbody>
              ${this.tokens.map(
                (token) => html`<tr>
                  <th scope="row">${token.name}</th>
                  <td>${s.scopeNames[token.scope] ?? token.scope}</td>
                  <td><code>${token.prefix}…</code></td>
                  <td>${when(token.createdAt)}<div class="muted">${token.createdBy.name}</div></td>
                  <td>${when(token.lastUsedAt)}</td>
                  <td>${token.revokedAt === null
                    ? html`<button class="btn" type="button" @click=${() => this.revoke(token)}>${s.revoke}<span class="sr-only"> ${token.name}</span></button>`
                    : fill(s.revoked, { when: when(token.revokedAt) })}</td>
                </tr>`,
              )}
            </tbody>
          </table>`}
      <form @submit=${(e: SubmitEvent) => this.createToken(e)} class="form-grid two" style="margin-top:12px" aria-label=${s.createToken}>
        <div class="field">
          <label for="token-name">${s.name}</label>
          <input id="token-name" name="name" required maxlength="80" placeholder=${s.namePlaceholder} />
        </div>
        <div class="field">
          <label for="token-scope">${s.scope}</label>
          <select id="token-scope" name="scope">${API_TOKEN_SCOPES.map((scope) => html`<option value=${scope}>${s.scopes[scope]}</option>`)}</select>
        </div>
        <div class="form-actions"><button class="btn primary" type="submit">${s.createTokenButton}</button></div>
      </form>
    </section>`;
  }

  /** Shows the server's refusal, or the success message. */
  private done(result: { ok: boolean; error?: { code: ErrorCode; message: string } }, message: string): boolean {
    if (!result.ok) {
      this.error = errorText(result.error!);
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
    const s = t().integrations;
    if (!this.done(result, s.hookAdded) || !result.ok) return;
    this.hooks = [...this.hooks, result.data.webhook];
    this.shown = { label: s.secretFor, value: result.data.secret };
    form.reset();
  }

  private async setActive(hook: Webhook, active: boolean): Promise<void> {
    const result = await this.api.updateWebhook(hook.id, { active });
    if (this.done(result, active ? t().integrations.hookResumed : t().integrations.hookPaused) && result.ok) this.hooks = this.hooks.map((h) => (h.id === hook.id ? result.data.webhook : h));
  }

  private async deleteHook(hook: Webhook): Promise<void> {
    if (!confirm(fill(t().integrations.deleteHookConfirm, { url: hook.url }))) return;
    if (this.done(await this.api.deleteWebhook(hook.id), t().integrations.hookDeleted)) this.hooks = this.hooks.filter((h) => h.id !== hook.id);
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
    else this.error = errorText(result.error);
  }

  private async test(hook: Webhook): Promise<void> {
    if (!this.done(await this.api.testWebhook(hook.id), fill(t().integrations.testQueued, { url: hook.url }))) return;
    this.open = hook.id;
    await this.refreshDeliveries(hook.id);
  }

  private async retry(hook: Webhook, delivery: WebhookDelivery): Promise<void> {
    if (this.done(await this.api.retryDelivery(delivery.id), t().integrations.retrying)) await this.refreshDeliveries(hook.id);
  }

  private async createToken(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const result = await this.api.createApiToken({ name: String(data.get('name') ?? '').trim(), scope: String(data.get('scope')) as ApiTokenScope });
    const s = t().integrations;
    if (!this.done(result, s.tokenCreated) || !result.ok) return;
    this.tokens = [result.data.token, ...this.tokens];
    this.shown = { label: fill(s.tokenLabel, { name: result.data.token.name }), value: result.data.secret };
    form.reset();
  }

  private async revoke(token: ApiToken): Promise<void> {
    if (!confirm(fill(t().integrations.revokeConfirm, { name: token.name }))) return;
    const result = await this.api.revokeApiToken(token.id);
    if (this.done(result, fill(t().integrations.tokenRevoked, { name: token.name })) && result.ok) {
      this.tokens = this.tokens.map((x) => (x.id === token.id ? result.data.token : x));
    }
  }
}
