import { LitElement, css, html, nothing } from 'lit';
import { LIMITS, type WelcomeSettings, type WelcomeText } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { LocaleController, consoleLocale, errorText, fill, t } from './i18n/locale.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

/** The widget's languages, each with its own greeting and starters. */
const LANGUAGES = ['en', 'zh-CN'] as const;

type Language = (typeof LANGUAGES)[number];

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
  private readonly i18n = new LocaleController(this);

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
      else this.error = errorText(result.error);
    });
  }

  override render() {
    const s = t().routing.welcome;
    return html`<section class="panel" aria-labelledby="welcome-title">
      <h3 id="welcome-title">${s.title}</h3>
      <p class="muted">${s.intro}</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${this.form ? this.renderForm(this.form) : this.error ? nothing : html`<p class="muted">${s.loading}</p>`}
    </section>`;
  }

  private set(locale: Language, patch: Partial<WelcomeText>): void {
    if (this.form) this.form = { ...this.form, [locale]: { ...this.form[locale], ...patch } };
    this.message = '';
  }

  private renderForm(f: WelcomeSettings) {
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    const s = t().routing.welcome;
    // The fields hold the visitor's language; their labels are in the console's.
    const ui = consoleLocale();
    return html`<form @submit=${this.onSave} novalidate>
      <div class="form-grid two">
        ${LANGUAGES.map((locale) => {
          const name = s.languages[locale];
          return html`<fieldset lang=${locale}>
            <legend lang=${ui}>${name}</legend>
            <div class="field">
              <label for="greeting-${locale}" lang=${ui}>${fill(s.greeting, { language: name })}</label>
              <textarea id="greeting-${locale}" maxlength=${LIMITS.welcomeGreetingChars} .value=${f[locale].greeting}
                @input=${(e: Event) => this.set(locale, { greeting: value(e) })}></textarea>
            </div>
            ${f[locale].starters.map(
              (q, index) => html`<div class="field">
                <label for="starter-${locale}-${index}" lang=${ui}>${fill(s.starter, { n: index + 1, language: name })}</label>
                <input id="starter-${locale}-${index}" maxlength=${LIMITS.welcomeStarterChars} .value=${q}
                  @input=${(e: Event) => this.set(locale, { starters: f[locale].starters.map((old, i) => (i === index ? value(e) : old)) })} />
              </div>`,
            )}
          </fieldset>`;
        })}
      </div>
      <div class="form-actions">
        <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? s.saving : s.save}</button>
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
      this.message = t().routing.welcome.saved;
    } else this.error = errorText(result.error);
  };
}
