import { css } from 'lit';

export const inboxListStyles = css`
  :host {
    container-type: inline-size;
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
    background: var(--support-console-surface);
  }
  [role='tablist'] {
    display: grid;
    grid-template-columns: repeat(6, 1fr);
    border-bottom: 1px solid var(--support-console-border);
    padding: 6px 6px 0;
    gap: 2px;
  }
  [role='tab'] {
    position: relative;
    min-width: 0;
    border: 0;
    background: none;
    padding: 6px 2px 8px;
    border-bottom: 3px solid transparent;
    display: grid;
    justify-items: center;
    gap: 1px;
    color: var(--support-console-muted);
    border-radius: 6px 6px 0 0;
  }
  [role='tab']:hover {
    background: var(--support-console-surface-2);
  }
  [role='tab'][aria-selected='true'] {
    color: var(--support-console-text);
    border-bottom-color: var(--support-console-accent);
  }
  .count {
    font-size: 18px;
    font-weight: 650;
    line-height: 1.1;
    font-variant-numeric: tabular-nums;
  }
  .count.alert {
    color: var(--support-console-warn);
  }
  .tab-label {
    font-size: 11px;
    white-space: nowrap;
    letter-spacing: -0.01em;
  }
  .tab-short {
    display: none;
    font-size: 11px;
  }
  /* Six tabs in a narrow column: "AI-handled" reads "AI" (its full name stays for screen readers). */
  @container (max-width: 340px) {
    .tab-short {
      display: block;
    }
    .tab-short + .tab-label,
    .tab-label:has(+ .tab-short) {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0, 0, 0, 0);
    }
  }
  .tab-unread {
    position: absolute;
    top: 5px;
    right: 6px;
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--support-console-danger);
  }
  .results {
    flex: 1;
    overflow-y: auto;
    min-height: 0;
  }
  .summary {
    margin: 0;
    padding: 8px 16px;
    font-size: 12.5px;
    color: var(--support-console-muted);
    border-bottom: 1px solid var(--support-console-border);
  }
  [role='tabpanel'] {
    flex: 1;
    overflow-y: auto;
    min-height: 0;
  }
  ul {
    list-style: none;
    margin: 0;
    padding: 0;
  }
  li + li {
    border-top: 1px solid var(--support-console-border);
  }
  .row {
    width: 100%;
    text-align: left;
    border: 0;
    background: none;
    padding: 10px 14px 11px 16px;
    display: grid;
    grid-template-columns: 1fr auto;
    gap: 2px 8px;
    position: relative;
  }
  .row:hover {
    background: var(--support-console-surface-2);
  }
  .row[aria-current='true'] {
    background: var(--support-console-accent-soft);
    box-shadow: inset 3px 0 0 var(--support-console-accent);
  }
  .row:focus-visible {
    outline-offset: -2px;
  }
  .who {
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .when {
    color: var(--support-console-muted);
    font-size: 12px;
    white-space: nowrap;
    font-variant-numeric: tabular-nums;
  }
  .when.waiting {
    color: var(--support-console-warn);
    font-weight: 600;
  }
  .preview {
    color: var(--support-console-muted);
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    font-size: 13px;
  }
  .unread-dot {
    position: absolute;
    left: 6px;
    top: 16px;
    width: 7px;
    height: 7px;
    border-radius: 50%;
    background: var(--support-console-warn);
  }
  .empty {
    padding: 28px 16px;
    color: var(--support-console-muted);
    text-align: center;
  }
  .more {
    display: block;
    width: calc(100% - 24px);
    margin: 8px 12px 16px;
    padding: 8px;
    border: 1px solid var(--support-console-border);
    border-radius: 6px;
    background: none;
    color: var(--support-console-muted);
  }
  .more:hover {
    background: var(--support-console-surface-2);
  }
`;
