import { css } from 'lit';

export const conversationViewStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    min-height: 0;
    height: 100%;
    background: var(--support-console-bg);
  }
  header {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 10px 16px;
    background: var(--support-console-surface);
    border-bottom: 1px solid var(--support-console-border);
    min-height: 56px;
  }
  .title {
    flex: 1;
    min-width: 0;
  }
  h2 {
    margin: 0;
    font-size: 16px;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  .sub {
    font-size: 12.5px;
    color: var(--support-console-muted);
    display: flex;
    flex-wrap: wrap;
    gap: 0 8px;
    align-items: center;
  }
  .actions {
    display: flex;
    gap: 8px;
  }
  support-console-transcript {
    flex: 1;
  }
`;

export const factsStyles = css`
  .facts {
    list-style: none;
    margin: 0;
    padding: 6px 16px;
    display: flex;
    flex-wrap: wrap;
    gap: 4px 18px;
    font-size: 12.5px;
    background: var(--support-console-surface-2);
    border-bottom: 1px solid var(--support-console-border);
  }
  .facts strong {
    font-weight: 600;
  }
  .stars {
    color: #d79b00;
    letter-spacing: 1px;
  }
  .muted {
    color: var(--support-console-muted);
    margin-left: 4px;
  }
  .actions {
    flex-wrap: wrap;
    justify-content: flex-end;
  }
`;

/**
 * Narrower screens (the breakpoints of workspace.styles.ts): below 1100 px the visitor panel is
 * behind "Visitor details"; below 720 px the conversation is a screen of its own, with a way back
 * to the list, and the actions go on their own row.
 */
export const narrowStyles = css`
  .back,
  .visitor-toggle {
    display: none;
  }
  .back {
    font-size: 18px;
    line-height: 1;
    padding: 4px 10px;
    min-height: 36px;
  }
  @media (max-width: 1100px) {
    .visitor-toggle {
      display: inline-flex;
    }
  }
  @media (max-width: 720px) {
    header {
      flex-wrap: wrap;
      gap: 8px;
      padding: 8px 10px;
    }
    .back {
      display: inline-flex;
    }
    .actions {
      flex-basis: 100%;
      justify-content: flex-start;
    }
    .facts {
      padding: 6px 10px;
    }
  }
`;
