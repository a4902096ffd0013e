import { LitElement, css, html, nothing } from 'lit';
import type { KnowledgeEntryOutcome, KnowledgeReport } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { LocaleController, errorText, fill, num, t } from './i18n/locale.js';
import { ring } from './report-charts.js';
import { percent } from './report-model.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';
import { reportStyles } from './reports-page.styles.js';

/** Rows shown per list; the report holds more (KNOWLEDGE_REPORT_LIMITS) for the data tables. */
const SHOWN = 10;

/** The knowledge part of the admin reports (issue 14), for the range the reports page shows. */
export class SupportConsoleKnowledgeReport extends LitElement {
  static override styles = [
    base,
    pageStyles,
    reportStyles,
    css`
      :host {
        display: block;
        margin-top: 18px;
      }
      .section-title {
        margin: 0 0 10px;
      }
      .plain {
        margin: 0;
        padding-left: 18px;
      }
      .panels {
        margin-top: 14px;
        row-gap: 14px;
      }
      /* Four columns do not fit a phone's panel: the table scrolls sideways, the page does not. */
      .table-wrap {
        overflow-x: auto;
      }
      .table-wrap th {
        white-space: normal;
      }
    `,
  ];
  static override properties = {
    api: { attribute: false },
    from: {},
    to: {},
    tz: {},
    tables: { type: Boolean },
    report: { state: true },
    error: { state: true },
  };

  declare api: AdminApi;
  declare from: string;
  declare to: string;
  declare tz: string;
  declare tables: boolean;
  declare report: KnowledgeReport | null;
  declare error: string;
  private readonly i18n = new LocaleController(this);

  constructor() {
    super();
    this.from = '';
    this.to = '';
    this.tz = 'UTC';
    this.tables = false;
    this.report = null;
    this.error = '';
  }

  override updated(changed: Map<string, unknown>): void {
    if ((changed.has('from') || changed.has('to') || changed.has('tz') || changed.has('api')) && this.api && this.from && this.to) void this.load();
  }

  private async load(): Promise<void> {
    const asked = `${this.from}/${this.to}/${this.tz}`;
    const result = await this.api.knowledgeReport({ from: this.from, to: this.to, tz: this.tz });
    if (asked !== `${this.from}/${this.to}/${this.tz}`) return; // a newer range was asked meanwhile
    if (result.ok) {
      this.report = result.data.report;
      this.error = '';
    } else this.error = errorText(result.error);
  }

  override render() {
    const T = t().knowledgeReport;
    if (this.error) return html`<p class="error" role="alert">${fill(T.loadFailed, { reason: this.error })}</p>`;
    const r = this.report;
    if (!r) return nothing;
    const shown = this.tables ? Infinity : SHOWN;
    return html`
      <h3 class="section-title">${T.heading} <small class="muted">${T.headingNote}</small></h3>
      <section class="cards" aria-label=${T.heading}>
        <div class="card"><span class="big">${num(r.answers)}</span><span>${T.answers}</span></div>
        <div class="card with-ring">
          ${ring(r.acceptedShare, fill(T.acceptedShare, { share: percent(r.acceptedShare) }))}
          <div><span class="big">${percent(r.acceptedShare)}</span><span>${T.accepted}</span><small>${fill(T.acceptedNote, { accepted: r.accepted, answers: r.answers })}</small></div>
        </div>
        <div class="card"><span class="big">${num(r.neverUsed.count)}</span><span>${T.neverUsedCount}</span></div>
      </section>
      <div class="panels">
        <section class="panel" aria-labelledby="kr-entries-h">
          <h3 id="kr-entries-h">${T.perEntry}</h3>
          ${r.perEntry.length ? this.entryTable(r.perEntry.slice(0, shown)) : html`<p class="muted">${T.noAnswers}</p>`}
        </section>
        <section class="panel" aria-labelledby="kr-down-h">
          <h3 id="kr-down-h">${T.mostThumbsDown}</h3>
          ${r.mostThumbsDown.length ? this.entryTable(r.mostThumbsDown.slice(0, shown)) : html`<p class="muted">${T.noThumbsDown}</p>`}
        </section>
        <section class="panel" aria-labelledby="kr-unused-h">
          <h3 id="kr-unused-h">${T.neverUsed}</h3>
          ${r.neverUsed.count
            ? html`<ul class="plain">
                ${r.neverUsed.entries.slice(0, shown).map((e) => html`<li class="entry-title" title=${e.entryId}>${e.title}</li>`)}
              </ul>
              ${r.neverUsed.count > Math.min(shown, r.neverUsed.entries.length)
                ? html`<p class="muted">${fill(T.neverUsedMore, { n: r.neverUsed.count - Math.min(shown, r.neverUsed.entries.length) })}</p>`
                : nothing}`
            : html`<p class="muted">${T.allUsed}</p>`}
        </section>
        <section class="panel" aria-labelledby="kr-gaps-h">
          <h3 id="kr-gaps-h">${T.gapsByWeek}</h3>
          <table class="gaps">
            <thead><tr><th scope="col">${T.weekOf}</th><th scope="col" class="num">${T.gapsColumn}</th></tr></thead>
            <tbody>
              ${r.gapsByWeek.map((w) => html`<tr><td>${w.weekStart}</td><td class="num">${num(w.count)}</td></tr>`)}
            </tbody>
          </table>
        </section>
      </div>
    `;
  }

  private entryTable(rows: readonly KnowledgeEntryOutcome[]) {
    const T = t().knowledgeReport;
    return html`<div class="table-wrap"><table class="gaps">
      <thead>
        <tr>
          <th scope="col">${T.entry}</th>
          <th scope="col" class="num">${T.answersColumn}</th>
          <th scope="col" class="num">${T.acceptedColumn}</th>
          <th scope="col" class="num">${T.thumbsDownColumn}</th>
        </tr>
      </thead>
      <tbody>
        ${rows.map(
          (e) => html`<tr>
            <td class="entry-title" title=${e.entryId}>${e.title ?? e.entryId}</td>
            <td class="num">${num(e.answers)}</td>
            <td class="num">${num(e.accepted)}</td>
            <td class="num">${num(e.notHelpful)}</td>
          </tr>`,
        )}
      </tbody>
    </table></div>`;
  }
}
