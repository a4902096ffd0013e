import { css } from 'lit';

export const consoleAppStyles = css`
  :host {
    display: block;
    height: var(--support-console-height, 100dvh);
    background: var(--support-console-bg);
    overflow: hidden;
  }
  .shell {
    height: 100%;
    display: grid;
    grid-template-rows: auto 1fr;
    /* Never wider than the window, whatever a page's content would like (a phone is 360 px). */
    grid-template-columns: minmax(0, 1fr);
  }
  .notice {
    display: flex;
    align-items: center;
    gap: 12px;
    padding: 8px 16px;
    background: #fdecea;
    color: var(--support-console-danger);
    border-bottom: 1px solid #f5c2bd;
  }
  .notice p {
    margin: 0;
    flex: 1;
  }
  /* Kept in the layout when empty: a live region that is display:none is not reliably announced. */
  .notice:empty {
    padding: 0;
    border: 0;
  }
  .body {
    grid-row: 2;
    min-height: 0;
    overflow: auto;
  }
  .body > support-console-workspace {
    height: 100%;
  }
  .loading {
    height: 100%;
    display: grid;
    place-items: center;
    color: var(--support-console-muted);
  }
`;
