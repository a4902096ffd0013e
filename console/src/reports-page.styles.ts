import { css } from 'lit';

export const reportStyles = css`
  .toggle {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    font-weight: 400;
  }
  .range {
    display: flex;
    gap: 6px;
  }
  .cards {
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(170px, 1fr));
    gap: 12px;
    margin-bottom: 14px;
  }
  .card {
    background: var(--support-console-surface);
    border: 1px solid var(--support-console-border);
    border-radius: var(--support-console-radius);
    padding: 12px 14px;
    display: grid;
    align-content: start;
    gap: 2px;
  }
  .card.with-ring {
    grid-template-columns: 56px 1fr;
    gap: 10px;
    align-items: center;
  }
  .card.with-ring > div {
    display: grid;
    gap: 2px;
  }
  .big {
    font-size: 26px;
    font-weight: 700;
    line-height: 1.1;
    font-variant-numeric: tabular-nums;
  }
  .big small {
    font-size: 14px;
    font-weight: 500;
    color: var(--support-console-muted);
  }
  .card small {
    color: var(--support-console-muted);
  }
  .panels {
    display: grid;
    grid-template-columns: 1fr 1fr;
    gap: 14px;
  }
  .chart {
    width: 100%;
    height: auto;
    display: block;
  }
  .grid {
    stroke: var(--support-console-border);
    stroke-width: 1;
  }
  .tick {
    font-size: 10.5px;
    fill: var(--support-console-muted);
  }
  .seg.aiResolved,
  .swatch.aiResolved {
    fill: #7a5cd6;
    background: #7a5cd6;
  }
  .seg.handedOff,
  .swatch.handedOff {
    fill: #e08a1e;
    background: #e08a1e;
  }
  .seg.other,
  .swatch.other {
    fill: #b8c0cc;
    background: #b8c0cc;
  }
  .legend {
    display: flex;
    flex-wrap: wrap;
    gap: 4px 16px;
    list-style: none;
    padding: 0;
    margin: 6px 0 0;
    font-size: 12.5px;
    color: var(--support-console-muted);
  }
  .swatch {
    display: inline-block;
    width: 10px;
    height: 10px;
    border-radius: 2px;
    margin-right: 6px;
  }
  .hbars {
    display: grid;
    gap: 7px;
  }
  .hbar {
    display: grid;
    grid-template-columns: 90px 1fr 78px;
    gap: 10px;
    align-items: center;
    font-size: 13px;
  }
  .hbar-track {
    height: 14px;
    background: var(--support-console-surface-2);
    border-radius: 4px;
    overflow: hidden;
  }
  .hbar-fill {
    display: block;
    height: 100%;
    background: #6b8fd6;
  }
  .hbar-fill.good {
    background: #2f9e5b;
  }
  .hbar-fill.bad {
    background: #d0573d;
  }
  .hbar-value {
    font-variant-numeric: tabular-nums;
  }
  .hbar-value small {
    color: var(--support-console-muted);
  }
  .ring {
    width: 56px;
    height: 56px;
  }
  .ring-track,
  .ring-fill {
    fill: none;
    stroke-width: 9;
  }
  .ring-track {
    stroke: var(--support-console-surface-2);
  }
  .ring-fill {
    stroke: #7a5cd6;
  }
  .data {
    margin-top: 10px;
    font-size: 12.5px;
  }
  .data td,
  .data thead th:not(:first-child) {
    text-align: right;
    font-variant-numeric: tabular-nums;
  }
  .data {
    max-width: 560px;
  }
  .gaps a {
    color: var(--support-console-text);
  }
  @media (max-width: 900px) {
    .panels {
      grid-template-columns: 1fr;
    }
  }
  /* The per-label table has five columns: on a phone it scrolls sideways, the page does not. */
  .table-wrap {
    overflow-x: auto;
  }
`;
