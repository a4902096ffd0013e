import { LitElement, css, html, nothing } from 'lit';
import type { Weekday } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import {
  DEFAULT_HOURS,
  MAX_RANGES_PER_DAY,
  WEEKDAYS,
  WEEKDAY_NAMES,
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
 * period after a disconnect, the words and visitor attributes that go straight to a person, and
 * business hours (a weekly schedule in one time zone). Below them, the first impression
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
      else this.error = result.error.message;
    });
  }

  override render() {
    const f = this.form;
    return html`<div class="page">
      <header class="page-head"><h2>Routing</h2></header>
      <p class="lead">The AI answers first. These settings decide when a person takes over, and which person.</p>
      <p role="status" class="ok">${this.message}</p>
      ${this.error ? html`<p role="alert" class="error">${this.error}</p>` : nothing}
      ${f ? this.renderForm(f) : this.error ? nothing : html`<p class="muted">Loading…</p>`}
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
    const n = ranges.length + 1;
    void this.updateComplete.then(() =>
      this.renderRoot.querySelector<HTMLInputElement>(`input[aria-label="${WEEKDAY_NAMES[day]} from, hours ${n}"]`)?.focus(),
    );
  }

  private removeRange(day: Weekday, index: number): void {
    const ranges = this.form?.days[day].ranges ?? [];
    this.setDay(day, { ranges: ranges.filter((_, i) => i !== index) });
    void this.updateComplete.then(() => this.renderRoot.querySelector<HTMLButtonElement>(`button[aria-label="Add hours on ${WEEKDAY_NAMES[day]}"]`)?.focus());
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
    return html`<form @submit=${this.onSave} novalidate>
      <section class="panel">
        <fieldset>
          <legend>Assignment</legend>
          <div class="radios" role="radiogroup" aria-label="Assignment">
            <label><input type="radio" name="assignment" .checked=${f.assignment === 'auto'} @change=${() => this.set({ assignment: 'auto' })} />
              Automatic: the least busy online agent</label>
            <label><input type="radio" name="assignment" .checked=${f.assignment === 'manual'} @change=${() => this.set({ assignment: 'manual' })} />
              Manual: agents claim from the queue</label>
          </div>
          <div class="form-grid two">
            <div class="field">
              <label for="capacity">Default capacity</label>
              <input id="capacity" type="number" min="1" max="100" .value=${f.defaultCapacity} aria-invalid=${invalid('defaultCapacity')}
                aria-describedby=${this.describedBy('defaultCapacity', 'capacity-help')} @input=${(e: Event) => this.set({ defaultCapacity: value(e) })} />
              <span class="field-help" id="capacity-help">Open conversations per agent, unless set on the agent.</span>${this.field('defaultCapacity')}
            </div>
            <div class="field">
              <label for="grace">Grace period after a disconnect (seconds)</label>
              <input id="grace" type="number" min="0" max="3600" .value=${f.graceSeconds} aria-invalid=${invalid('graceSeconds')}
                aria-describedby=${this.describedBy('graceSeconds', 'grace-help')} @input=${(e: Event) => this.set({ graceSeconds: value(e) })} />
              <span class="field-help" id="grace-help">Then the agent's conversations go back to the queue, first in line.</span>${this.field('graceSeconds')}
            </div>
          </div>
        </fieldset>
      </section>
      <section class="panel">
        <fieldset>
          <legend>Straight to a person</legend>
          <div class="form-grid two">
            <div class="field">
              <label for="keywords">Hand-off keywords</label>
              <textarea id="keywords" .value=${f.keywords} aria-describedby="keywords-help" @input=${(e: Event) => this.set({ keywords: value(e) })}></textarea>
              <span class="field-help" id="keywords-help">One per line, e.g. refund, complaint, 投诉. Asking for a person always works.</span>
            </div>
            <div class="field">
              <label for="attributes">Visitor attributes</label>
              <textarea id="attributes" .value=${f.attributes} aria-invalid=${invalid('attributes')} aria-describedby=${this.describedBy('attributes', 'attributes-help')}
                @input=${(e: Event) => this.set({ attributes: value(e) })}></textarea>
              <span class="field-help" id="attributes-help">key=value per line, e.g. plan=vip. Only the site's signed-in users' attributes count (identity verification), never what a page sends unsigned.</span>${this.field('attributes')}
            </div>
          </div>
        </fieldset>
      </section>
      <section class="panel">${this.renderHours(f)}</section>
      <div class="form-actions">
        <button class="btn primary" type="submit" ?disabled=${this.saving}>${this.saving ? 'Saving…' : 'Save routing'}</button>
        ${Object.keys(this.errors).length ? html`<span class="field-error">Fix the marked fields.</span>` : nothing}
      </div>
    </form>`;
  }

  private renderHours(f: RoutingForm) {
    return html`<fieldset>
      <legend>Business hours</legend>
      <label class="check"><input type="checkbox" .checked=${f.hoursEnabled} @change=${() => this.set({ hoursEnabled: !f.hoursEnabled })} />
        Only offer a person during business hours (outside them, visitors can leave a message)</label>
      ${f.hoursEnabled
        ? html`<div class="field" style="max-width:320px">
              <label for="tz">Time zone</label>
              <select id="tz" .value=${f.timeZone} aria-invalid=${this.errors.timeZone ? 'true' : 'false'} aria-describedby=${this.describedBy('timeZone')}
                @change=${(e: Event) => this.set({ timeZone: (e.target as HTMLSelectElement).value })}>
                ${timeZones(f.timeZone).map((tz) => html`<option value=${tz} ?selected=${tz === f.timeZone}>${tz.replaceAll('_', ' ')}</option>`)}
              </select>${this.field('timeZone')}
            </div>
            <table class="hours">
              <thead><tr><th scope="col">Day</th><th scope="col">Open</th><th scope="col">Hours</th><th scope="col"></th></tr></thead>
              <tbody>
                ${WEEKDAYS.map((day) => {
                  const d = f.days[day];
                  const name = WEEKDAY_NAMES[day];
                  return html`<tr>
                    <th scope="row">${name}</th>
                    <td class="open"><input type="checkbox" aria-label="Open on ${name}" .checked=${d.open}
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
    const name = WEEKDAY_NAMES[day];
    // The first range keeps the plain names ("Monday from"); further ones say which they are.
    const which = index === 0 ? '' : `, hours ${index + 1}`;
    const time = (e: Event) => (e.target as HTMLInputElement).value;
    return html`<div class="range">
      <input type="time" aria-label="${name} from${which}" aria-describedby=${this.describedBy(day)} .value=${range.start} ?disabled=${!open}
        @input=${(e: Event) => this.setRange(day, index, { start: time(e) })} />
      <span aria-hidden="true">–</span>
      <input type="time" aria-label="${name} until${which}" aria-describedby=${this.describedBy(day)} .value=${range.end} ?disabled=${!open}
        @input=${(e: Event) => this.setRange(day, index, { end: time(e) })} />
      ${runsPastMidnight(range) ? html`<span class="muted">next day</span>` : nothing}
      ${count > 1 && open
        ? html`<button class="btn" type="button" aria-label="Remove ${name} hours ${index + 1}" @click=${() => this.removeRange(day, index)}>Remove</button>`
        : nothing}
      ${open && index === count - 1 && count < MAX_RANGES_PER_DAY
        ? html`<button class="btn" type="button" aria-label="Add hours on ${name}" @click=${() => this.addRange(day)}>Add hours</button>`
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
      this.message = 'Routing saved.';
    } else this.error = result.error.message;
  };
}
