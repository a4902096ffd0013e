import { LitElement, css, html, nothing } from 'lit';
import type { Weekday } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { LABEL_LIMITS } from '@support-chat/shared';
import { LocaleController, errorText, fill, t } from './i18n/locale.js';
import { LABEL_RULE_LIMITS, blankRule, type LabelRuleRow } from './label-rules-form.js';
import {
  DEFAULT_HOURS,
  MAX_RANGES_PER_DAY,
  WEEKDAYS,
  fromForm,
  runsPastMidnight,
  timeZones,
  toForm,
  type HoursForm,
  type RoutingForm,
  type RoutingFormErrors,
} from './routing-form.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';

/**
 * Admin: who gets which conversation. Automatic or manual assignment, default capacity, the grace
 * period after a disconnect, the words and visitor attributes that go straight to a person, the
 * rules that label conversations (issue 13), and business hours (a weekly schedule in one time zone). Below them, the first impression
 * (`<support-console-admin-welcome>`, saved on its own).
 */
export class SupportConsoleAdminRouting extends LitElement {
  static override styles = [
    base,
    pageStyles,
    css`
      fieldset {
        border: 0;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 12px;
      }
      legend {
        font-weight: 600;
        font-size: 15px;
        margin-bottom: 8px;
      }
      .radios {
        display: flex;
        gap: 18px;
      }
      .radios label,
      .check {
        display: inline-flex;
        grid-template-columns: none;
        align-items: center;
        gap: 6px;
        font-weight: 400;
      }
      .hours td,
      .hours th {
        padding: 4px 8px;
      }
      .hours {
        width: auto;
      }
      .hours input[type='time'] {
        min-width: 9em;
      }
      /* Day, checkbox and the first range on one line, further ranges below. */
      .hours tbody th,
      .hours td {
        vertical-align: top;
      }
      .hours tbody th,
      .hours td.open {
        padding-top: 12px;
      }
      .range {
        display: flex;
        align-items: center;
        gap: 8px;
        margin-bottom: 4px;
      }
      .range .muted {
        font-size: 13px;
      }
      textarea {
        min-height: 90px;
      }
      .rules {
        list-style: none;
        margin: 0;
        padding: 0;
        display: grid;
        gap: 8px;
      }
      .rule {
        display: flex;
        flex-wrap: wrap;
        align-items: center;
        gap: 6px 8px;
      }
      .rule input {
        width: 10em;
        min-width: 0;
      }
      .rule .field-error {
        flex-basis: 100%;
      }
      /* At phone width each part of a rule gets its own line. */
      @media (max-width: 520px) {
        .rule > * {
          flex: 1 1 100%;
        }
        .rule input {
          width: 100%;
        }
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    form: { state: true },
    errors: { state: true },
    message: { state: true },
    error: { state: true },
    saving: { state: true },
  };

  declare api: AdminApi;
  declare form: RoutingForm | null;
  declare errors: RoutingFormErrors;
  declare message: string;
  declare error: string;
  declare saving: boolean;
  private readonly localZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.form = null;
    this.errors = {};
    this.message = '';
    this.error = '';
    this.saving = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.api.routing().then((result) => {
      if (result.ok) this.form = toForm(result.data.settings, this.localZone);
      else this.error = errorText(result.error);
    });
  }

  override render() {
    const f = this.form;
    const s = t().routing;
    return html`<div class="page">
      <header class="page-head"><h2>${s.title}</h2></header>
      <p class="lead">${s.intro}</p>
      ${f ? this.renderForm(f) : this.error ? html`<p role="alert" class="error">${this.error}</p>` : html`<p class="muted">${s.loading}</p>`}
      <support-console-admin-welcome .api=${this.api}></support-console-admin-welcome>
    </div>`;
  }

  private set(patch: Partial<RoutingForm>): void {
    if (this.form) this.form = { ...this.form, ...patch };
    this.message = '';
    this.clearErrors(Object.keys(patch));
  }

  private setDay(day: Weekday, patch: Partial<RoutingForm['days'][Weekday]>): void {
    if (this.form) this.set({ days: { ...this.form.days, [day]: { ...this.form.days[day], ...patch } } });
    this.clearErrors([day]);
  }

  /** An edited field's error goes: it described the value the agent just changed. */
  private clearErrors(fields: string[]): void {
    if (!fields.some((field) => field in this.errors)) return;
    this.errors = Object.fromEntries(Object.entries(this.errors).filter(([field]) => !fields.includes(field)));
  }

  private setRange(day: Weekday, index: number, patch: Partial<HoursForm>): void {
    const ranges = this.form?.days[day].ranges ?? [];
    this.setDay(day, { ranges: ranges.map((r, i) => (i === index ? { ...r, ...patch } : r)) });
  }

  private addRange(day: Weekday): void {
    const ranges = this.form?.days[day].ranges ?? [];
    // After the last range: a lunch break is the usual reason (9–12, then 13–17).
    const last = ranges[ranges.length - 1];
    const next = last && last.end < '23:00' ? { start: last.end, end: last.end < '17:00' ? '17:00' : '23:59' } : { ...DEFAULT_HOURS };
    this.setDay(day, { ranges: [...ranges, next] });
    const n = ranges.length;
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input[data-from="${day}-${n}"]`)?.focus());
  }

  private removeRange(day: Weekday, index: number): void {
    const ranges = this.form?.days[day].ranges ?? [];
    this.setDay(day, { ranges: ranges.filter((_, i) => i !== index) });
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>(`button[data-add="${day}"]`)?.focus());
  }

  private field(name: keyof RoutingFormErrors) {
    const error = this.errors[name];
    return error ? html`<span class="field-error" id="${name}-error">${error}</span>` : nothing;
  }

  /** The field's help and, while it has one, its error: both read out with the field. */
  private describedBy(name: keyof RoutingFormErrors, help?: string) {
    return [help, this.errors[name] && `${name}-error`].filter(Boolean).join(' ') || nothing;
  }

  private renderForm(f: RoutingForm) {
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    const invalid = (name: keyof RoutingFormErrors) => (this.errors[name] ? 'true' : 'false');
    const s = t().routing;
    return html`<form @submit=${this.onSave} novalidate>
      <section class="panel">
        <fieldset>
          <legend>${s.assignment}</legend>
          <div class="radios" role="radiogroup" aria-label=${s.assignment}>
            <label><input type="radio" name="assignment" .checked=${f.assignment === 'auto'} @change=${() => this.set({ assignment: 'auto' })} />
              ${s.auto}</label>
            <label><input type="radio" name="assignment" .checked=${f.assignment === 'manual'} @change=${() => this.set({ assignment: 'manual' })} />
              ${s.manual}</label>
          </div>
          <div class="form-grid two">
            <div class="field">
              <label for="capacity">${s.capacity}</label>
              <input id="capacity" type="number" min="1" max="100" .value=${f.defaultCapacity} aria-invalid=${invalid('defaultCapacity')}
                aria-describedby=${this.describedBy('defaultCapacity', 'capacity-help')} @input=${(e: Event) => this.set({ defaultCapacity: value(e) })} />
              <span class="field-help" id="capacity-help">${s.capacityHelp}</span>${this.field('defaultCapacity')}
            </div>
            <div class="field">
              <label for="grace">${s.grace}</label>
              <input id="grace" type="number" min="0" max="3600" .value=${f.graceSeconds} aria-invalid=${invalid('graceSeconds')}
                aria-describedby=${this.describedBy('graceSeconds', 'grace-help')} @input=${(e: Event) => this.set({ graceSeconds: value(e) })} />
              <span class="field-help" id="grace-help">${s.graceHelp}</span>${this.field('graceSeconds')}
            </div>
          </div>
        </fieldset>
      </section>
      <section class="panel">
        <fieldset>
          <legend>${s.straight}</legend>
          <div class="form-grid two">
            <div class="field">
              <label for="keywords">${s.keywords}</label>
              <textarea id="keywords" .value=${f.keywords} aria-describedby="keywords-help" @input=${(e: Event) => this.set({ keywords: value(e) })}></textarea>
              <span class="field-help" id="keywords-help">${s.keywordsHelp}</span>
            </div>
            <div class="field">
              <label for="attributes">${s.attributes}</label>
              <textarea id="attributes" .value=${f.attributes} aria-invalid=${invalid('attributes')} aria-describedby=${this.describedBy('attributes', 'attributes-help')}
                @input=${(e: Event) => this.set({ attributes: value(e) })}></textarea>
              <span class="field-help" id="attributes-help">${s.attributesHelp}</span>${this.field('attributes')}
            </div>
          </div>
        </fieldset>
      </section>
      <section class="panel">${this.renderLabelRules(f.labelRules)}</section>
      <section class="panel">${this.renderHours(f)}</section>
      <div class="form-actions">
        <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? s.saving : s.save}</button>
        ${Object.keys(this.errors).length ? html`<span class="field-error">${s.fixMarked}</span>` : nothing}
        <!-- Beside the button, not atop the page: the form is taller than a screen, and "saved" up
             there went unseen (a support team's probe). -->
        <span role="status" class="ok">${this.message}</span>
        ${this.error ? html`<span role="alert" class="error">${this.error}</span>` : nothing}
      </div>
    </form>`;
  }

  private setRules(rows: LabelRuleRow[]): void {
    this.set({ labelRules: rows });
    // Rule errors are by position: any change of the list makes them stale.
    this.clearErrors(Object.keys(this.errors).filter((field) => field.startsWith('rule')));
  }

  /** A row per rule: when (a keyword, or a signed user's attribute) → which label; Remove; Add below. */
  private renderLabelRules(rows: LabelRuleRow[]) {
    const s = t().routing.labelRules;
    const value = (e: Event) => (e.target as HTMLInputElement).value;
    const update = (index: number, patch: Partial<LabelRuleRow>) => this.setRules(rows.map((row, i) => (i === index ? { ...row, ...patch } : row)));
    return html`<fieldset>
      <legend>${s.legend}</legend>
      <p class="field-help" id="rules-help">${s.help}</p>
      ${rows.length === 0
        ? html`<p class="muted">${s.empty}</p>`
        : html`<ol class="rules">
            ${rows.map((row, index) => {
              const n = index + 1;
              const error = this.errors[`rule${index}`];
              const describedBy = error ? `rule${index}-error` : nothing;
              const invalid = (field: string) => (error && this.ruleField(row) === field ? 'true' : 'false');
              return html`<li class="rule">
                <select aria-label=${fill(s.whenOf, { n })} .value=${row.when}
                  @change=${(e: Event) => update(index, { when: (e.target as HTMLSelectElement).value === 'attribute' ? 'attribute' : 'keyword' })}>
                  <option value="keyword" ?selected=${row.when === 'keyword'}>${s.keyword}</option>
                  <option value="attribute" ?selected=${row.when === 'attribute'}>${s.attribute}</option>
                </select>
                ${row.when === 'keyword'
                  ? html`<input aria-label=${fill(s.keywordOf, { n })} data-rule=${index} .value=${row.keyword} maxlength=${LABEL_RULE_LIMITS.keywordChars}
                      aria-invalid=${invalid('keyword')} aria-describedby=${describedBy} @input=${(e: Event) => update(index, { keyword: value(e) })} />`
                  : html`<input aria-label=${fill(s.keyOf, { n })} data-rule=${index} placeholder=${s.keyPlaceholder} .value=${row.key}
                        maxlength=${LABEL_RULE_LIMITS.keyChars} aria-invalid=${invalid('key')} aria-describedby=${describedBy}
                        @input=${(e: Event) => update(index, { key: value(e) })} />
                      <span>${s.equals}</span>
                      <input aria-label=${fill(s.valueOf, { n })} placeholder=${s.valuePlaceholder} .value=${row.value} maxlength=${LABEL_RULE_LIMITS.valueChars}
                        aria-invalid=${invalid('value')} aria-describedby=${describedBy} @input=${(e: Event) => update(index, { value: value(e) })} />`}
                <span>${s.then}</span>
                <input aria-label=${fill(s.labelOf, { n })} .value=${row.label} maxlength=${LABEL_LIMITS.chars * 2}
                  aria-invalid=${invalid('label')} aria-describedby=${describedBy} @input=${(e: Event) => update(index, { label: value(e) })} />
                <button class="btn" type="button" aria-label=${fill(s.removeOf, { n })} @click=${() => this.removeRule(rows, index)}>${s.remove}</button>
                ${error ? html`<span class="field-error" id="rule${index}-error">${error}</span>` : nothing}
              </li>`;
            })}
          </ol>`}
      ${rows.length < LABEL_RULE_LIMITS.rules
        ? html`<div><button class="btn" type="button" data-add-rule @click=${() => this.addRule(rows)}>${s.add}</button></div>`
        : nothing}
    </fieldset>`;
  }

  /** Which input of a rule its error is about (the same order of checks as `fromRuleRows`). */
  private ruleField(row: LabelRuleRow): string {
    if (row.when === 'keyword' ? !row.keyword.trim() || row.keyword.trim().length > LABEL_RULE_LIMITS.keywordChars : !row.key.trim() || row.key.trim().length > LABEL_RULE_LIMITS.keyChars) {
      return row.when === 'keyword' ? 'keyword' : 'key';
    }
    if (row.when === 'attribute' && row.value.trim().length > LABEL_RULE_LIMITS.valueChars) return 'value';
    return 'label';
  }

  private addRule(rows: LabelRuleRow[]): void {
    this.setRules([...rows, blankRule()]);
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLInputElement>(`input[data-rule="${rows.length}"]`)?.focus());
  }

  private removeRule(rows: LabelRuleRow[], index: number): void {
    this.setRules(rows.filter((_, i) => i !== index));
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>('button[data-add-rule]')?.focus());
  }

  private renderHours(f: RoutingForm) {
    const s = t().routing;
    return html`<fieldset>
      <legend>${s.hours}</legend>
      <label class="check"><input type="checkbox" .checked=${f.hoursEnabled} @change=${() => this.set({ hoursEnabled: !f.hoursEnabled })} />
        ${s.hoursOnly}</label>
      ${f.hoursEnabled
        ? html`<div class="field" style="max-width:320px">
              <label for="tz">${s.timeZone}</label>
              <select id="tz" .value=${f.timeZone} aria-invalid=${this.errors.timeZone ? 'true' : 'false'} aria-describedby=${this.describedBy('timeZone')}
                @change=${(e: Event) => this.set({ timeZone: (e.target as HTMLSelectElement).value })}>
                ${timeZones(f.timeZone).map((tz) => html`<option value=${tz} ?selected=${tz === f.timeZone}>${tz.replaceAll('_', ' ')}</option>`)}
              </select>${this.field('timeZone')}
            </div>
            <table class="hours">
              <thead><tr><th scope="col">${s.day}</th><th scope="col">${s.open}</th><th scope="col">${s.hoursColumn}</th><th scope="col"></th></tr></thead>
              <tbody>
                ${WEEKDAYS.map((day) => {
                  const d = f.days[day];
                  const name = s.weekdays[day];
                  return html`<tr>
                    <th scope="row">${name}</th>
                    <td class="open"><input type="checkbox" aria-label=${fill(s.openOn, { day: name })} .checked=${d.open}
                      @change=${() => this.setDay(day, { open: !d.open })} /></td>
                    <td>${d.ranges.map((range, i) => this.renderRange(day, range, i, d.open, d.ranges.length))}</td>
                    <td>${this.field(day)}</td>
                  </tr>`;
                })}
              </tbody>
            </table>`
        : nothing}
    </fieldset>`;
  }

  /** One range: from, until, a Remove button while the day has more than one, and Add after the last. */
  private renderRange(day: Weekday, range: HoursForm, index: number, open: boolean, count: number) {
    const s = t().routing;
    const name = s.weekdays[day];
    // The first range keeps the plain names ("Monday from"); further ones say which they are.
    const which = (label: string) => (index === 0 ? label : fill(s.nth, { label, n: index + 1 }));
    const time = (e: Event) => (e.target as HTMLInputElement).value;
    return html`<div class="range">
      <input type="time" data-from="${day}-${index}" aria-label=${which(fill(s.from, { day: name }))} aria-describedby=${this.describedBy(day)} .value=${range.start} ?disabled=${!open}
        @input=${(e: Event) => this.setRange(day, index, { start: time(e) })} />
      <span aria-hidden="true">–</span>
      <input type="time" aria-label=${which(fill(s.until, { day: name }))} aria-describedby=${this.describedBy(day)} .value=${range.end} ?disabled=${!open}
        @input=${(e: Event) => this.setRange(day, index, { end: time(e) })} />
      ${runsPastMidnight(range) ? html`<span class="muted">${s.nextDay}</span>` : nothing}
      ${count > 1 && open
        ? html`<button class="btn" type="button" aria-label=${fill(s.removeHours, { day: name, n: index + 1 })} @click=${() => this.removeRange(day, index)}>${s.remove}</button>`
        : nothing}
      ${open && index === count - 1 && count < MAX_RANGES_PER_DAY
        ? html`<button class="btn" type="button" data-add=${day} aria-label=${fill(s.addHoursOn, { day: name })} @click=${() => this.addRange(day)}>${s.addHours}</button>`
        : nothing}
    </div>`;
  }

  private onSave = async (event: SubmitEvent): Promise<void> => {
    event.preventDefault();
    if (!this.form) return;
    const checked = fromForm(this.form);
    if (!checked.ok) {
      this.errors = checked.errors;
      return;
    }
    this.errors = {};
    this.saving = true;
    const result = await this.api.saveRouting(checked.settings);
    this.saving = false;
    if (result.ok) {
      this.form = toForm(result.data.settings, this.localZone);
      this.error = '';
      this.message = t().routing.saved;
    } else this.error = errorText(result.error);
  };
}
