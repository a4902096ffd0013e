import { LitElement, css, html, nothing } from 'lit';
import { LIMITS, type WelcomeSettings, type WelcomeText } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

const LANGUAGES = [
  { locale: 'en', name: 'English' },
  { locale: 'zh-CN', name: 'Chinese (zh-CN)' },
] as const;

type Language = (typeof LANGUAGES)[number]['locale'];

/** The settings with every starter field present (blank ones are left out on save). */
function toForm(settings: WelcomeSettings): WelcomeSettings {
  const pad = (starters: string[]) => [...starters, ...Array<string>(LIMITS.welcomeStarters).fill('')].slice(0, LIMITS.welcomeStarters);
  return { en: { ...settings.en, starters: pad(settings.en.starters) }, 'zh-CN': { ...settings['zh-CN'], starters: pad(settings['zh-CN'].starters) } };
}

function fromForm(form: WelcomeSettings): WelcomeSettings {
  const filled = (starters: string[]) => starters.map((q) => q.trim()).filter(Boolean);
  return { en: { ...form.en, starters: filled(form.en.starters) }, 'zh-CN': { ...form['zh-CN'], starters: filled(form['zh-CN'].starters) } };
}

/**
 * Admin: the first impression (issue 12), a section of the routing page. The greeting and up to
 * four starter questions the widget shows when a visitor first opens it, in each language; the
 * server checks them (`LIMITS`) and says what is wrong.
 */
export class SupportConsoleAdminWelcome extends LitElement {
  static override styles = [
    base,
    pageStyles,
    css`
      :host {
        margin-top: 24px;
      }
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 10px;
        min-width: 0;
      }
      legend {
        font-weight: 600;
        margin-bottom: 6px;
      }
      textarea {
        min-height: 64px;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    form: { state: true },
    message: { state: true },
    error: { state: true },
    saving: { state: true },
  };

  declare api: AdminApi;
  declare form: WelcomeSettings | null;
  declare message: string;
  declare error: string;
  declare saving: boolean;

  constructor() {
    super();
    this.form = null;
    this.message = '';
    this.error = '';
    this.saving = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api.welcome().then((result) => {
      if (result.ok) this.form = toForm(result.data.settings);
      else this.error = result.error.message;
    });
  }

  override render() {
    return html`<section class="panel" aria-labelledby="welcome-title">
      <h3 id="welcome-title">First impression</h3>
      <p class="muted">
        What the chat shows when a visitor first opens it: a greeting from the assistant, and questions they can tap to send. Plain
        text. A language left empty shows the other one's.
      </p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.form ? this.renderForm(this.form) : this.error ? nothing : html`<p class="muted">Loading…</p>`}
    </section>`;
  }

  private set(locale: Language, patch: Partial<WelcomeText>): void {
    if (this.form) this.form = { ...this.form, [locale]: { ...this.form[locale], ...patch } };
    this.message = '';
  }

  private renderForm(f: WelcomeSettings) {
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    return html`<form @submit=${this.onSave} novalidate>
      <div class="form-grid two">
        ${LANGUAGES.map(
          ({ locale, name }) => html`<fieldset lang=${locale}>
            <legend lang="en">${name}</legend>
            <div class="field">
              <label for="greeting-${locale}" lang="en">Greeting, ${name}</label>
              <textarea id="greeting-${locale}" maxlength=${LIMITS.welcomeGreetingChars} .value=${f[locale].greeting}
                @input=${(e: Event) => this.set(locale, { greeting: value(e) })}></textarea>
            </div>
            ${f[locale].starters.map(
              (q, index) => html`<div class="field">
                <label for="starter-${locale}-${index}" lang="en">Starter question ${index + 1}, ${name}</label>
                <input id="starter-${locale}-${index}" maxlength=${LIMITS.welcomeStarterChars} .value=${q}
                  @input=${(e: Event) => this.set(locale, { starters: f[locale].starters.map((old, i) => (i === index ? value(e) : old)) })} />
              </div>`,
            )}
          </fieldset>`,
        )}
      </div>
      <div class="form-actions">
        <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save first impression'}</button>
      </div>
    </form>`;
  }

  private onSave = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    if (!this.form) return;
    this.saving = true;
    const result = await this.api.saveWelcome(fromForm(this.form));
    this.saving = false;
    if (result.ok) {
      this.form = toForm(result.data.settings);
      this.error = '';
      this.message = 'First impression saved.';
    } else this.error = result.error.message;
  };
}
