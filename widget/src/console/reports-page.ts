import { LitElement, html, nothing } from 'lit';
import type { ReportSummary } from '@support-chat/shared';
import type { AdminApi } from './admin-api.js';
import { relativeTime } from './format.js';
import { dailyBars, ring, shareBars } from './report-charts.js';
import { csatRows, fillDays, lastDays, percent, seconds, shares } from './report-model.js';
import { base } from './theme.styles.js';
import { pageStyles } from './page.styles.js';
import { reportStyles } from './reports-page.styles.js';

const RANGES = [7, 30] as const;

/**
 * Reports for admins: how many conversations, how many the AI resolved, how fast people answer,
 * what visitors thought, and what the knowledge base is missing. Charts with a label and a data
 * table toggle.
 */
export class SupportConsoleReports extends LitElement {
  static override styles = [base, pageStyles, reportStyles];
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
    } else this.error = result.error.message;
  }

  override render() {
    const r = this.report;
    return html`<div class="page reports" aria-busy=${this.loading ? 'true' : 'false'}>
      <header class="page-head">
        <h2>Reports</h2>
        <div class="range" role="group" aria-label="Date range">
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
              Last ${d} days
            </button>`,
          )}
        </div>
        <label class="toggle"><input type="checkbox" .checked=${this.tables} @change=${() => (this.tables = !this.tables)} /> Show data tables</label>
        <span class="muted">${this.timeZone}</span>
      </header>
      ${this.error ? html`<p class="error" role="alert">Could not load the report: ${this.error}</p>` : nothing}
      ${r ? this.renderReport(r) : this.loading ? html`<p class="muted">Loading…</p>` : nothing}
    </div>`;
  }

  private renderReport(r: ReportSummary) {
    const t = r.totals;
    const ratings = r.answerRatings;
    return html`
      <section class="cards" aria-label="Summary">
        <div class="card"><span class="big">${t.conversations}</span><span>conversations</span><small>${t.closed} closed</small></div>
        <div class="card with-ring">
          ${ring(t.aiResolutionRate, `AI-resolved share ${percent(t.aiResolutionRate)}`)}
          <div><span class="big">${percent(t.aiResolutionRate)}</span><span>resolved by the AI</span><small>${t.aiResolved} of ${t.closed} closed</small></div>
        </div>
        <div class="card"><span class="big">${percent(t.handoffRate)}</span><span>handed to a person</span><small>${t.handedOff} conversations</small></div>
        <div class="card">
          <span class="big">${seconds(r.firstResponseSeconds.median)}</span><span>first response, median</span>
          <small>p90 ${seconds(r.firstResponseSeconds.p90)} · ${r.firstResponseSeconds.samples} answered</small>
        </div>
        <div class="card">
          <span class="big">${r.csat.average === null ? '—' : r.csat.average.toFixed(1)}<small> / 5</small></span><span>CSAT average</span>
          <small>${r.csat.responses} ${r.csat.responses === 1 ? 'rating' : 'ratings'}</small>
        </div>
      </section>
      <section class="panel wide" aria-labelledby="per-day-h">
        <h3 id="per-day-h">Conversations per day</h3>
        ${dailyBars(fillDays(r.conversationsPerDay, this.range.from, this.range.to), this.tables)}
      </section>
      <div class="panels">
        <section class="panel" aria-labelledby="csat-h">
          <h3 id="csat-h">Visitor ratings (CSAT)</h3>
          ${r.csat.responses
            ? shareBars('Ratings', csatRows(r.csat.distribution), this.tables, (row) => (Number(row.label[0]) >= 4 ? 'good' : Number(row.label[0]) <= 2 ? 'bad' : ''))
            : html`<p class="muted">No ratings in this period.</p>`}
        </section>
        <section class="panel" aria-labelledby="answers-h">
          <h3 id="answers-h">AI answers rated by visitors</h3>
          ${ratings.helpful + ratings.notHelpful
            ? shareBars('Answer ratings', shares([['Helpful', ratings.helpful], ['Not helpful', ratings.notHelpful]]), this.tables, (row) =>
                row.label === 'Helpful' ? 'good' : 'bad',
              )
            : html`<p class="muted">No answer was rated in this period.</p>`}
        </section>
      </div>
      <section class="panel wide" aria-labelledby="gaps-h">
        <h3 id="gaps-h">Knowledge gaps <small class="muted">questions the AI could not answer</small></h3>
        ${r.knowledgeGaps.length
          ? html`<table class="gaps">
              <thead><tr><th scope="col">Question</th><th scope="col" class="num">Asked</th><th scope="col" class="num">Last asked</th></tr></thead>
              <tbody>
                ${r.knowledgeGaps.map(
                  (g) => html`<tr>
                    <td><a href="#c=${g.conversationId}" title="Open the latest conversation">${g.question}</a></td>
                    <td class="num">${g.count}×</td>
                    <td class="num">${relativeTime(g.lastAskedAt, Date.now())}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`
          : html`<p class="muted">None: the AI found an answer to every question.</p>`}
      </section>
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
