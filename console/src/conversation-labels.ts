import { LitElement, css, html, nothing } from 'lit';
import { LABEL_LIMITS, labelHue, normaliseLabel, type LabelCount } from '@support-chat/shared';
import { LocaleController, fill, t } from './i18n/locale.js';
import { labelIssue, labelIssueText } from './label-rules-form.js';
import { base } from './theme.styles.js';

/** Each label keeps one colour (its hue from its name), dark enough on its tint for AA contrast. */
export function labelChip(label: string, extra: unknown = nothing) {
  const hue = labelHue(label);
  return html`<span class="label-chip" style="--label-hue:${hue}">${label}${extra}</span>`;
}

export const labelChipStyles = css`
  .label-chip {
    display: inline-flex;
    align-items: center;
    gap: 2px;
    max-width: 100%;
    padding: 1px 8px;
    border-radius: 999px;
    font-size: 12px;
    line-height: 18px;
    background: hsl(var(--label-hue) 70% 92%);
    color: hsl(var(--label-hue) 70% 22%);
    border: 1px solid hsl(var(--label-hue) 45% 70%);
    overflow-wrap: anywhere;
  }
  .labels {
    grid-column: 1 / -1;
    display: flex;
    flex-wrap: wrap;
    gap: 4px;
  }
`;

/**
 * The open conversation's labels: a chip per label with its remove button, and a field (with
 * the labels in use as suggestions) that adds one on Enter. Keyboard only works throughout.
 */
export class SupportConsoleLabels extends LitElement {
  static override styles = [
    base,
    labelChipStyles,
    css`
      :host {
        display: block;
        padding: 6px 16px;
        border-bottom: 1px solid var(--support-console-border);
      }
      .row {
        display: flex;
        flex-wrap: wrap;
        gap: 6px;
        align-items: center;
      }
      h3 {
        font-size: 12px;
        margin: 0;
        color: var(--support-console-muted);
        font-weight: 600;
      }
      ul {
        display: contents;
        list-style: none;
      }
      .label-chip button {
        border: 0;
        background: none;
        color: inherit;
        font: inherit;
        padding: 0 2px;
        cursor: pointer;
        border-radius: 4px;
      }
      form {
        display: inline-flex;
        gap: 4px;
      }
      input {
        font: inherit;
        font-size: 12px;
        width: 9em;
        padding: 2px 6px;
        border: 1px solid var(--support-console-border);
        border-radius: 6px;
        background: var(--support-console-surface-2);
      }
      .btn {
        font-size: 12px;
        padding: 2px 8px;
      }
      .error {
        flex-basis: 100%;
        color: var(--support-console-danger, #b42318);
        font-size: 12px;
      }
    `,
  ];
  static override properties = {
    labels: { attribute: false },
    suggestions: { attribute: false },
    disabled: { type: Boolean },
    error: { state: true },
  };

  declare labels: readonly string[];
  declare suggestions: readonly LabelCount[];
  declare disabled: boolean;
  declare error: string;
  /** Set by the workspace: sends the change; resolves false when it failed (the notice says why). */
  onChange: (change: { add: string[]; remove: string[] }) => Promise<boolean> = async () => false;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.labels = [];
    this.suggestions = [];
    this.disabled = false;
    this.error = '';
  }

  override render() {
    const offered = this.suggestions.filter((s) => !this.labels.includes(s.label));
    const s = t().tagging;
    return html`<section aria-labelledby="labels-heading" class="row">
      <h3 id="labels-heading">${s.labels}</h3>
      ${this.labels.length
        ? html`<ul>
            ${this.labels.map(
              (label) => html`<li>
                ${labelChip(
                  label,
                  html`<button type="button" aria-label=${fill(s.remove, { label })} title=${fill(s.remove, { label })} ?disabled=${this.disabled}
                    @click=${() => void this.change({ add: [], remove: [label] })}>×</button>`,
                )}
              </li>`,
            )}
          </ul>`
        : html`<span class="muted">${s.none}</span>`}
      <form @submit=${this.onSubmit}>
        <input name="label" aria-label=${s.addLabel} placeholder=${s.placeholder} list="label-suggestions"
          maxlength=${LABEL_LIMITS.chars * 2} autocomplete="off" ?disabled=${this.disabled} />
        <datalist id="label-suggestions">${offered.map((s) => html`<option value=${s.label}></option>`)}</datalist>
        <button class="btn" type="submit" ?disabled=${this.disabled}>${s.add}</button>
      </form>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : nothing}
    </section>`;
  }

  private async onSubmit(event: SubmitEvent): Promise<void> {
    event.preventDefault();
    const form = event.currentTarget as HTMLFormElement;
    const input = form.querySelector('input')!;
    const label = normaliseLabel(input.value);
    if (!label) return;
    const issue = labelIssue(label);
    if (issue) {
      this.error = fill(t().tagging.invalid, { text: input.value.trim(), problem: labelIssueText(issue) });
      return;
    }
    if (!this.labels.includes(label) && this.labels.length >= LABEL_LIMITS.perConversation) {
      this.error = fill(t().tagging.full, { n: LABEL_LIMITS.perConversation });
      return;
    }
    if (await this.change({ add: [label], remove: [] })) {
      input.value = '';
      input.focus();
    }
  }

  private async change(change: { add: string[]; remove: string[] }): Promise<boolean> {
    this.error = '';
    return this.onChange(change);
  }
}

/** Filters the inbox to one label (a search by label, kept live); "All labels" shows the inbox again. */
export class SupportConsoleLabelFilter extends LitElement {
  static override styles = [
    base,
    css`
      :host {
        display: block;
        padding: 0 10px 6px;
        background: var(--support-console-surface);
        border-bottom: 1px solid var(--support-console-border);
      }
      label {
        display: flex;
        gap: 6px;
        align-items: center;
        font-size: 12px;
        color: var(--support-console-muted);
      }
      select {
        font: inherit;
        flex: 1;
        min-width: 0;
        padding: 3px 6px;
        border: 1px solid var(--support-console-border);
        border-radius: 8px;
        background: var(--support-console-surface-2);
        color: var(--support-console-text, inherit);
      }
    `,
  ];
  static override properties = { labels: { attribute: false }, value: { type: String } };

  declare labels: readonly LabelCount[];
  /** The label filtered by, or '' for none. */
  declare value: string;
  onPick: (label: string) => void = () => {};
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.labels = [];
    this.value = '';
  }

  override render() {
    const known = this.value && !this.labels.some((l) => l.label === this.value) ? [{ label: this.value, conversations: 0 }, ...this.labels] : this.labels;
    return html`<label>
      ${t().tagging.filter}
      <select @change=${(e: Event) => this.onPick((e.target as HTMLSelectElement).value)} .value=${this.value}>
        <option value="" ?selected=${!this.value}>${t().tagging.allLabels}</option>
        ${known.map((l) => html`<option value=${l.label} ?selected=${l.label === this.value}>${l.label}${l.conversations ? ` (${l.conversations})` : ''}</option>`)}
      </select>
    </label>`;
  }
}
