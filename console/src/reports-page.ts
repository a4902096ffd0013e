import { LitElement, html, nothing } from 'lit';
import type { ReportSummary } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { relativeTime } from './format.js';
import { LocaleController, errorText, fill, num, plural, t } from './i18n/locale.js';
import { dailyBars, ring, shareBars } from './report-charts.js';
import { labelChip, labelChipStyles } from './conversation-labels.js';
import { countWithShare, csatRows, fillDays, lastDays, percent, seconds, shares } from './report-model.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';
import { reportStyles } from './reports-page.styles.js';

const RANGES = [7, 30] as const;

/**
 * Reports for admins: how many conversations, how many the AI resolved, how fast people answer,
 * what visitors thought, what the knowledge base is missing, and the same figures per conversation
 * label (issue 13). Charts with a label and a data table toggle.
 */
export class SupportConsoleReports extends LitElement {
  static override styles = [base, pageStyles, reportStyles, labelChipStyles];
  static override properties = {
    api: { attribute: false },
    days: { state: true },
    report: { state: true },
    error: { state: true },
    loading: { state: true },
    tables: { state: true },
  };

  declare api: AdminApi;
  declare days: (typeof RANGES)[number];
  declare report: ReportSummary | null;
  declare error: string;
  declare loading: boolean;
  declare tables: boolean;
  private range = { from: '', to: '' };
  private readonly i18n = new LocaleController(this);
  private readonly timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  constructor() {
    super();
    this.days = 7;
    this.report = null;
    this.error = '';
    this.loading = false;
    this.tables = false;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.load();
  }

  private async load(): Promise<void> {
    this.loading = true;
    this.range = lastDays(this.days, Date.now(), this.timeZone);
    const result = await this.api.report({ ...this.range, tz: this.timeZone });
    this.loading = false;
    if (result.ok) {
      this.report = result.data.report;
      this.error = '';
    } else this.error = errorText(result.error);
  }

  override render() {
    const r = this.report;
    const s = t().reports;
    return html`<div class="page reports" aria-busy=${this.loading ? 'true' : 'false'}>
      <header class="page-head">
        <h2>${s.title}</h2>
        <div class="range" role="group" aria-label=${s.range}>
          ${RANGES.map(
            (d) => html`<button
              type="button"
              class="chip"
              aria-pressed=${this.days === d ? 'true' : 'false'}
              @click=${() => {
                this.days = d;
                void this.load();
              }}
            >
              ${fill(s.lastDays, { n: d })}
            </button>`,
          )}
        </div>
        <label class="toggle"><input type="checkbox" .checked=${this.tables} @change=${() => (this.tables = !this.tables)} /> ${s.showTables}</label>
        <span class="muted">${this.timeZone}</span>
      </header>
      ${this.error ? html`<p class="error" role="alert">${fill(s.loadFailed, { reason: this.error })}</p>` : nothing}
      ${r ? this.renderReport(r) : this.loading ? html`<p class="muted">${s.loading}</p>` : nothing}
    </div>`;
  }

  /** Conversations, hand-offs, AI-resolved and the average rating of each label, most used first. */
  private renderLabels(labels: ReportSummary['labels']) {
    const s = t().reports;
    return html`<section class="panel wide" aria-labelledby="labels-h">
      <h3 id="labels-h">${s.labels} <small class="muted">${s.labelsHint}</small></h3>
      ${labels.length
        ? html`<div class="table-wrap"><table class="gaps">
            <thead>
              <tr>
                <th scope="col">${s.label}</th>
                <th scope="col" class="num">${s.labelConversations}</th>
                <th scope="col" class="num">${s.labelHandedOff}</th>
                <th scope="col" class="num">${s.labelAiResolved}</th>
                <th scope="col" class="num">${s.labelRating}</th>
              </tr>
            </thead>
            <tbody>
              ${labels.map(
                (l) => html`<tr>
                  <th scope="row">${labelChip(l.label)}</th>
                  <td class="num">${num(l.conversations)}</td>
                  <td class="num">${countWithShare(l.handedOff, l.conversations)}</td>
                  <td class="num">${countWithShare(l.aiResolved, l.conversations)}</td>
                  <td class="num">${l.csatAverage === null ? '—' : `${num(l.csatAverage, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} / 5`}</td>
                </tr>`,
              )}
            </tbody>
          </table></div>`
        : html`<p class="muted">${s.noLabels}</p>`}
    </section>`;
  }

  private renderReport(r: ReportSummary) {
    const ratings = r.answerRatings;
    const s = t().reports;
    const totals = r.totals;
    return html`
      <section class="cards" aria-label=${s.summary}>
        <div class="card"><span class="big">${num(totals.conversations)}</span><span>${s.conversations}</span><small>${fill(s.closed, { n: totals.closed })}</small></div>
        <div class="card with-ring">
          ${ring(totals.aiResolutionRate, fill(s.aiShare, { percent: percent(totals.aiResolutionRate) }))}
          <div><span class="big">${percent(totals.aiResolutionRate)}</span><span>${s.resolvedByAi}</span><small>${fill(s.ofClosed, { n: totals.aiResolved, closed: totals.closed })}</small></div>
        </div>
        <div class="card"><span class="big">${percent(totals.handoffRate)}</span><span>${s.handedToPerson}</span><small>${plural(s.nConversations, totals.handedOff)}</small></div>
        <div class="card">
          <span class="big">${seconds(r.firstResponseSeconds.median)}</span><span>${s.firstResponse}</span>
          <small>${fill(s.p90, { time: seconds(r.firstResponseSeconds.p90), n: r.firstResponseSeconds.samples })}</small>
        </div>
        <div class="card">
          <span class="big">${r.csat.average === null ? '—' : num(r.csat.average, { minimumFractionDigits: 1, maximumFractionDigits: 1 })}<small> / 5</small></span><span>${s.csatAverage}</span>
          <small>${plural(s.ratings, r.csat.responses)}</small>
        </div>
      </section>
      <section class="panel wide" aria-labelledby="per-day-h">
        <h3 id="per-day-h">${s.perDay}</h3>
        ${dailyBars(fillDays(r.conversationsPerDay, this.range.from, this.range.to), this.tables)}
      </section>
      <div class="panels">
        <section class="panel" aria-labelledby="csat-h">
          <h3 id="csat-h">${s.csat}</h3>
          ${r.csat.responses
            ? shareBars(s.ratingsTitle, csatRows(r.csat.distribution), this.tables, (row) => (Number(row.label[0]) >= 4 ? 'good' : Number(row.label[0]) <= 2 ? 'bad' : ''))
            : html`<p class="muted">${s.noRatings}</p>`}
        </section>
        <section class="panel" aria-labelledby="answers-h">
          <h3 id="answers-h">${s.answers}</h3>
          ${ratings.helpful + ratings.notHelpful
            ? shareBars(s.answerRatings, shares([[s.helpful, ratings.helpful], [s.notHelpful, ratings.notHelpful]]), this.tables, (row) =>
                row.label === s.helpful ? 'good' : 'bad',
              )
            : html`<p class="muted">${s.noAnswerRatings}</p>`}
        </section>
      </div>
      <section class="panel wide" aria-labelledby="gaps-h">
        <h3 id="gaps-h">${s.gaps} <small class="muted">${s.gapsHint}</small></h3>
        ${r.knowledgeGaps.length
          ? html`<table class="gaps">
              <thead><tr><th scope="col">${s.question}</th><th scope="col" class="num">${s.asked}</th><th scope="col" class="num">${s.lastAsked}</th></tr></thead>
              <tbody>
                ${r.knowledgeGaps.map(
                  (g) => html`<tr>
                    <td><a href="#c=${g.conversationId}" title=${s.openLatest}>${g.question}</a></td>
                    <td class="num">${fill(s.times, { n: g.count })}</td>
                    <td class="num">${relativeTime(g.lastAskedAt, Date.now())}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">${s.noGaps}</p>`}
      </section>
      ${this.renderLabels(r.labels ?? [])}
      <support-console-knowledge-report
        .api=${this.api}
        from=${this.range.from}
        to=${this.range.to}
        tz=${this.timeZone}
        ?tables=${this.tables}
      ></support-console-knowledge-report>
    `;
  }
}
