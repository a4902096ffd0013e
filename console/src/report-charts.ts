/**
 * The report charts as Lit templates: hand-made SVG, each `role="img"` with a label that says
 * what it shows, and each with its numbers as a table (a toggle on the page shows them).
 */
import { html, nothing, svg } from 'lit';
import { fill, num, t } from './i18n/locale.js';
import { dayLabel, labelEvery, stackedBars, type DayRow, type Share } from './report-model.js';

const W = 900;
const H = 230;
const PAD = { left: 34, bottom: 24, top: 8, right: 6 };

const SERIES = [
  { kind: 'aiResolved', label: 'seriesAi' },
  { kind: 'handedOff', label: 'seriesHandedOff' },
  { kind: 'other', label: 'seriesOther' },
] as const;

/** Conversations per day, stacked: resolved by the AI, handed off, the rest. */
export function dailyBars(rows: readonly DayRow[], showTable: boolean) {
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const chart = stackedBars(rows, plotW, plotH);
  const every = labelEvery(rows.length, 10);
  const total = rows.reduce((n, r) => n + r.total, 0);
  const s = t().reports;
  const label = fill(s.chartLabel, { days: rows.length, total });
  return html`
    <svg viewBox="0 0 ${W} ${H}" role="img" aria-label=${label} class="chart">
      <g transform="translate(${PAD.left},${PAD.top})">
        ${chart.ticks.map(
          (tick) => svg`<line class="grid" x1="0" x2=${plotW} y1=${tick.y} y2=${tick.y}></line>
            <text class="tick" x="-6" y=${tick.y + 4} text-anchor="end">${num(tick.value)}</text>`,
        )}
        ${chart.bars.map(
          (b, i) => svg`<g>
            <title>${fill(s.dayTotal, { day: dayLabel(b.day, true), n: b.total })}</title>
            ${b.segments.map((s) => svg`<rect class="seg ${s.kind}" x=${b.x} y=${s.y} width=${b.width} height=${Math.max(0, s.height)} rx="2"></rect>`)}
            ${i % every === 0 || i === rows.length - 1
              ? svg`<text class="tick" x=${b.x + b.width / 2} y=${plotH + 16} text-anchor="middle">${dayLabel(b.day)}</text>`
              : nothing}
          </g>`,
        )}
      </g>
    </svg>
    <ul class="legend">
      ${SERIES.map((series) => html`<li><span class="swatch ${series.kind}"></span>${s[series.label]}</li>`)}
    </ul>
    ${showTable
      ? html`<table class="data">
          <caption class="sr-only">${s.perDay}</caption>
          <thead><tr><th scope="col">${s.day}</th><th scope="col">${s.total}</th><th scope="col">${s.aiResolved}</th><th scope="col">${s.handedOff}</th></tr></thead>
          <tbody>
            ${rows.map(
              (r) => html`<tr><th scope="row">${dayLabel(r.day, true)}</th><td>${r.total}</td><td>${r.aiResolved}</td><td>${r.handedOff}</td></tr>`,
            )}
          </tbody>
        </table>`
      : nothing}
  `;
}

/** Horizontal bars, one per row, each with its count and share: CSAT, answer ratings. */
export function shareBars(title: string, rows: readonly Share[], showTable: boolean, tone: (row: Share) => string = () => '') {
  const label = `${title}: ${rows.map((r) => `${r.label} ${r.value}`).join(', ')}.`;
  return html`
    <div class="hbars" role="img" aria-label=${label}>
      ${rows.map(
        (r) => html`<div class="hbar">
          <span class="hbar-label" aria-hidden="true">${r.label}</span>
          <span class="hbar-track" aria-hidden="true"><span class="hbar-fill ${tone(r)}" style="width:${(r.share * 100).toFixed(1)}%"></span></span>
          <span class="hbar-value" aria-hidden="true">${r.value}<small>${r.value ? ` · ${Math.round(r.share * 100)}%` : ''}</small></span>
        </div>`,
      )}
    </div>
    ${showTable
      ? html`<table class="data">
          <caption class="sr-only">${title}</caption>
          <thead><tr><th scope="col">${title}</th><th scope="col">${t().reports.count}</th><th scope="col">${t().reports.share}</th></tr></thead>
          <tbody>
            ${rows.map((r) => html`<tr><th scope="row">${r.label}</th><td>${r.value}</td><td>${Math.round(r.share * 100)}%</td></tr>`)}
          </tbody>
        </table>`
      : nothing}
  `;
}

/** A ring showing one share (the AI-resolved rate): the number is the label. */
export function ring(share: number | null, label: string) {
  const r = 26;
  const c = 2 * Math.PI * r;
  const filled = share === null ? 0 : Math.max(0, Math.min(1, share)) * c;
  return html`<svg viewBox="0 0 64 64" class="ring" role="img" aria-label=${label}>
    <circle cx="32" cy="32" r=${r} class="ring-track"></circle>
    <circle cx="32" cy="32" r=${r} class="ring-fill" stroke-dasharray="${filled} ${c}" transform="rotate(-90 32 32)"></circle>
  </svg>`;
}
