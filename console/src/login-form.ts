import { LitElement, html, nothing } from 'lit';
import { LIMITS } from '@support-chat/shared';
import { fire } from './events.js';
import { LocaleController, t } from './i18n/locale.js';
import { base } from './theme.styles.js';
import { loginFormStyles } from './login-form.styles.js';

/**
 * The sign-in form. It only collects credentials; `<support-console>` calls the API and passes
 * back `busy` and `error`.
 *
 * @fires support-console-login-request - `{ email, password }` when the form is submitted.
 */
export class SupportConsoleLogin extends LitElement {
  static override styles = [base, loginFormStyles];
  static override properties = {
    busy: { type: Boolean },
    error: { type: String },
    notice: { type: String },
  };

  declare busy: boolean;
  /** Why the last sign-in failed (marks the fields invalid). */
  declare error: string;
  /** Something to know that is not a mistake, such as "You were signed out". */
  declare notice: string;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.busy = false;
    this.error = '';
    this.notice = '';
  }

  override firstUpdated(): void {
    this.renderRoot.querySelector<HTMLInputElement>('#email')?.focus();
  }

  override updated(changed: Map<string, unknown>): void {
    // After a failed attempt the password is what to retype.
    if (changed.get('busy') === true && !this.busy && this.error) {
      const password = this.renderRoot.querySelector<HTMLInputElement>('#password');
      password?.select();
      password?.focus();
    }
  }

  override render() {
    const invalid = this.error ? 'true' : 'false';
    const s = t().shell;
    return html`
      <main aria-labelledby="title">
        <h1 id="title">${s.productName}</h1>
        <p class="lead">${s.signInLead}</p>
        <form @submit=${this.onSubmit} novalidate>
          <fieldset ?disabled=${this.busy}>
            <label>
              ${s.email}
              <input
                id="email"
                name="email"
                type="email"
                autocomplete="username"
                required
                maxlength=${LIMITS.emailChars}
                aria-invalid=${invalid}
                aria-describedby=${this.error ? 'error' : nothing}
              />
            </label>
            <label>
              ${s.password}
              <input
                id="password"
                name="password"
                type="password"
                autocomplete="current-password"
                required
                maxlength=${LIMITS.passwordMaxChars}
                aria-invalid=${invalid}
                aria-describedby=${this.error ? 'error' : nothing}
              />
            </label>
            ${this.error ? html`<p id="error" class="error" role="alert">${this.error}</p>` : nothing}
            ${this.notice && !this.error ? html`<p class="notice" role="status">${this.notice}</p>` : nothing}
            <button class="btn primary" type="submit">${this.busy ? s.signingIn : s.signIn}</button>
          </fieldset>
        </form>
      </main>
    `;
  }

  private onSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const data = new FormData(form);
    const email = String(data.get('email') ?? '').trim();
    const password = String(data.get('password') ?? '');
    if (!email || !password) {
      this.error = t().shell.enterCredentials;
      return;
    }
    fire(this, 'support-console-login-request', { email, password });
  }
}
