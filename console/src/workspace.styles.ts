import { css } from 'lit';

export const workspaceStyles = css`
  /* main (the inbox list and the conversation) beside the visitor panel. */
  :host {
    display: grid;
    grid-template-columns: minmax(0, 1fr) minmax(240px, 300px);
    grid-template-rows: minmax(0, 1fr);
    min-height: 0;
    height: 100%;
  }
  main {
    display: grid;
    grid-template-columns: minmax(300px, 360px) minmax(0, 1fr);
    grid-template-rows: minmax(0, 1fr);
    min-height: 0;
    min-width: 0;
  }
  nav {
    border-right: 1px solid var(--support-console-border);
    min-height: 0;
    display: flex;
    flex-direction: column;
    background: var(--support-console-surface);
  }
  support-console-inbox {
    flex: 1;
    min-height: 0;
  }
  .conversation {
    min-height: 0;
    min-width: 0;
  }
  /* The visitor's details and their earlier conversations scroll as one column. */
  aside {
    border-left: 1px solid var(--support-console-border);
    min-height: 0;
    min-width: 0;
    display: flex;
    flex-direction: column;
    overflow-y: auto;
    background: var(--support-console-surface);
  }
  support-console-visitor {
    flex: none;
  }
  .placeholder {
    height: 100%;
    display: grid;
    place-content: center;
    text-align: center;
    color: var(--support-console-muted);
    gap: 4px;
  }
  .placeholder strong {
    color: var(--support-console-text);
    font-size: 16px;
  }
  kbd {
    font-family: ui-monospace, monospace;
    border: 1px solid var(--support-console-border);
    border-bottom-width: 2px;
    border-radius: 4px;
    padding: 0 5px;
    background: var(--support-console-surface);
  }
  .back-to-conversation {
    display: none;
  }
  /* Narrower: the visitor is behind "Visitor details" and takes the conversation's place. */
  @media (max-width: 1100px) {
    :host {
      grid-template-columns: minmax(0, 1fr);
    }
    main {
      grid-template-columns: minmax(280px, 320px) minmax(0, 1fr);
    }
    aside {
      display: none;
      border-left: 0;
    }
    :host([screen='visitor']) {
      grid-template-columns: minmax(280px, 320px) minmax(0, 1fr);
    }
    :host([screen='visitor']) main {
      grid-template-columns: minmax(0, 1fr);
    }
    :host([screen='visitor']) .conversation {
      display: none;
    }
    :host([screen='visitor']) aside {
      display: flex;
    }
    .back-to-conversation {
      display: inline-flex;
      gap: 6px;
      align-self: flex-start;
      margin: 10px 12px 0;
    }
  }
  /*
   * A phone (from 360 px): one column, the list and the open conversation are two screens. On the
   * visitor's, main stays in the page (its landmark) with nothing in it.
   */
  @media (max-width: 720px) {
    main,
    :host([screen='visitor']) {
      grid-template-columns: minmax(0, 1fr);
    }
    :host([screen='visitor']) {
      grid-template-rows: 0 minmax(0, 1fr);
    }
    nav {
      border-right: 0;
    }
    :host(:not([screen='list'])) nav,
    :host([screen='list']) .conversation,
    :host([screen='visitor']) .conversation {
      display: none;
    }
  }
`;
