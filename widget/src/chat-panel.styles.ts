/** The build squeezes whatever is tagged `css`: the tag is `String.raw` here, the rules plain text. */
const css = String.raw;

/**
 * The panel's rules. They come with the chat, after the launcher's (support-chat.styles.ts), whose
 * custom properties (`--_accent`, `--_on-accent`, `--_offset`) and base rules they build on.
 */
export const styles = css`
  :host {
    /* The text size itself, not 1em: a field inside a smaller label (the leave-a-message card's) keeps it. */
    --_field: var(--support-chat-font-size, 15px);
  }
  .panel {
    position: absolute;
    right: 0;
    bottom: 72px;
    display: flex;
    flex-direction: column;
    width: min(380px, calc(100vw - 2 * var(--_offset)));
    /* Above the launcher (72px over the host's corner, itself --_offset from the viewport's): the header stays in view. */
    height: min(600px, calc(100vh - var(--_offset) - 80px));
    background: var(--support-chat-bg, #fff);
    border-radius: calc(var(--support-chat-radius, 14px) + 2px);
    box-shadow: 0 8px 40px rgb(0 0 0 / 0.2);
    overflow: hidden;
  }
  :host([position='bottom-left']) .panel {
    right: auto;
    left: 0;
  }
  :host([launcher='hidden']) .panel {
    bottom: 0;
  }
  .head {
    display: flex;
    align-items: center;
    gap: 8px;
    padding: 12px 8px 12px 16px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  h2 {
    flex: 1;
    margin: 0;
    font-size: 1.05em;
  }
  .head button {
    border: 0;
    background: transparent;
    color: inherit;
    border-radius: 8px;
    padding: 6px;
    display: grid;
  }
  .head .human {
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 4px 10px;
    font-size: 0.85em;
  }
  .notice,
  .status,
  .alert {
    font-size: 0.85em;
    padding: 6px 16px;
    text-align: center;
  }
  .notice {
    background: #fef3c7;
    color: #78350f;
  }
  .status {
    color: var(--support-chat-muted, #6b7280);
  }
  .alert {
    color: var(--support-chat-danger, #dc2626);
  }
  .notice:empty,
  .status:empty,
  .alert:empty {
    display: none;
  }
  .log {
    flex: 1;
    overflow-y: auto;
    display: flex;
    flex-direction: column;
    gap: 10px;
    padding: 16px;
    overscroll-behavior: contain;
  }
  .composer {
    display: flex;
    flex-wrap: wrap;
    align-items: flex-end;
    gap: 8px;
    padding: 10px 12px;
    border-top: 1px solid rgb(0 0 0 / 0.08);
  }
  textarea,
  input {
    flex: 1;
    resize: none;
    max-height: 120px;
    font: inherit;
    font-size: var(--_field);
    color: inherit;
    background: transparent;
    border: 1px solid rgb(0 0 0 / 0.15);
    border-radius: var(--support-chat-radius, 14px);
    padding: 8px 12px;
  }
  .card {
    display: flex;
    flex-direction: column;
    gap: 8px;
    margin: 0 12px 10px;
    padding: 12px;
    border-radius: var(--support-chat-radius, 14px);
    background: var(--support-chat-bubble, #f1f3f5);
  }
  .card p,
  fieldset {
    margin: 0;
    padding: 0;
    border: 0;
  }
  h3,
  legend {
    margin: 0 0 4px;
    padding: 0;
    font-size: 1em;
    font-weight: 600;
  }
  .card label {
    display: flex;
    flex-direction: column;
    gap: 4px;
    font-size: 0.85em;
  }
  .card textarea,
  .card input {
    font-size: var(--_field);
    border-radius: 8px;
    padding: 6px 10px;
    background: var(--support-chat-bg, #fff);
  }
  [aria-invalid='true'] {
    border-color: var(--support-chat-danger, #dc2626);
  }
  .stars {
    display: flex;
    gap: 4px;
  }
  .stars label {
    display: grid;
    cursor: pointer;
    color: var(--support-chat-muted, #6b7280);
  }
  .stars svg {
    width: 30px;
    height: 30px;
    stroke-width: 1.5;
  }
  .stars .on {
    color: var(--_accent);
  }
  .stars .on svg {
    fill: currentColor;
  }
  .stars :focus-visible + svg {
    outline: 2px solid var(--_accent);
    border-radius: 4px;
  }
  .actions {
    display: flex;
    justify-content: flex-end;
    gap: 8px;
  }
  .card button {
    align-self: flex-end;
    border: 1px solid var(--_accent);
    border-radius: 999px;
    padding: 5px 14px;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .actions [type='button'] {
    background: none;
    color: var(--_accent);
  }
  .error:empty {
    display: none;
  }
  .composer button {
    border: 0;
    border-radius: 50%;
    width: 38px;
    height: 38px;
    display: grid;
    place-items: center;
    background: var(--_accent);
    color: var(--_on-accent);
  }
  .composer :disabled {
    opacity: 0.5;
  }
  .composer .attach {
    background: none;
    color: var(--support-chat-muted, #6b7280);
  }
  .count {
    flex-basis: 100%;
    font-size: 0.8em;
    color: var(--support-chat-muted, #6b7280);
  }
  .head :focus-visible {
    outline-color: var(--_on-accent);
  }
  @media (max-width: 480px) {
    /* Less than 16px makes iOS Safari zoom into the page on focus. */
    :host {
      --_field: max(var(--support-chat-font-size, 15px), 16px);
    }
    :host([open]) {
      inset: 0 !important;
    }
    :host([open]) .launcher {
      display: none;
    }
    :host([open]) .panel {
      position: fixed;
      inset: 0;
      width: auto;
      height: auto;
      border-radius: 0;
    }
  }
`;
