/**
 * Files in the console (issue 13): how an attachment shows in the transcript (a picture as a
 * thumbnail that opens full size, anything else as a named chip that downloads) and how the
 * agent sends one. Same origin, so the session cookie goes with `<img>` and links by itself.
 * Its words are the catalog's `attachments` module (i18n/strings/attachments.ts).
 */
import { css, html, svg, type TemplateResult } from 'lit';
import { HTTP_ROUTES, isInlineImage, type AckResult, type Attachment, type AttachmentUpload, type ErrorCode } from '@support-chat/shared';
import { fileSize } from '@support-chat/shared/browser/file-size.js';
import { uploadFile } from '@support-chat/shared/browser/upload.js';
import { errorText, fill, t } from './i18n/locale.js';

export { fileSize };

/**
 * Icons drawn, not emoji: a machine without an emoji font (many Linux desktops, headless
 * browsers) shows 📎 and 📄 as empty boxes.
 */
const icon = (path: TemplateResult<2>) =>
  html`<svg class="icon" viewBox="0 0 24 24" width="16" height="16" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round">${path}</svg>`;
const documentIcon = icon(svg`<path d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8z"/><path d="M14 3v5h5"/>`);
export const paperclipIcon = icon(svg`<path d="M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l8.6-8.6a3.3 3.3 0 0 1 4.7 4.7l-8.6 8.6a1.7 1.7 0 0 1-2.4-2.4l7.9-7.9"/>`);

export function attachmentUrl(a: Pick<Attachment, 'id'>): string {
  return `${HTTP_ROUTES.attachments}/${encodeURIComponent(a.id)}`;
}

/** In the transcript, in place of the message's text. */
export function renderAttachment(a: Attachment): TemplateResult {
  const s = t().attachments;
  const size = fileSize(a.size);
  if (isInlineImage(a.contentType)) {
    return html`<a class="file-thumb" href=${attachmentUrl(a)} target="_blank" rel="noopener" aria-label=${fill(s.open, { name: a.name, size })}>
      <img src=${attachmentUrl(a)} alt=${a.name} loading="lazy" />
    </a>`;
  }
  // Named by what it shows (an aria-label that differs from the visible text fails WCAG 2.5.3).
  return html`<a class="file-chip" href=${attachmentUrl(a)} download=${a.name}>
    ${documentIcon}<span class="sr-only">${s.download} </span><span class="file-name">${a.name}</span>
    <span class="file-size">${size}</span>
  </a>`;
}

/** What the agent reads when a file was refused. */
export function uploadErrorText(code: ErrorCode, message: string): string {
  const s = t().attachments;
  if (code === 'too_large') return s.tooLarge;
  if (code === 'unsupported_type') return s.notAllowed;
  if (code === 'too_many') return s.tooMany;
  if (code === 'rate_limited') return s.rateLimited;
  return fill(s.failed, { reason: errorText({ code, message }) });
}

export function uploadingText(name: string, fraction: number): string {
  return fill(t().attachments.uploading, { name, percent: Math.round(fraction * 100) });
}

/** Sends `file` into the conversation; the message arrives over the socket like any other. */
export function sendAttachment(conversationId: string, file: File, onProgress: (fraction: number) => void): Promise<AckResult<AttachmentUpload>> {
  const clientId = `f-${crypto.randomUUID()}`;
  return uploadFile(`${HTTP_ROUTES.attachments}?conversationId=${encodeURIComponent(conversationId)}`, file, clientId, { onProgress });
}

export const attachmentStyles = css`
  .file-thumb {
    display: block;
  }
  .file-thumb img {
    display: block;
    max-width: min(240px, 100%);
    max-height: 240px;
    border-radius: 8px;
    object-fit: contain;
    background: #fff;
  }
  .file-chip {
    display: inline-flex;
    gap: 8px;
    align-items: center;
    padding: 6px 10px;
    border-radius: 8px;
    background: rgb(0 0 0 / 0.06);
    color: inherit;
    text-decoration: none;
    max-width: 100%;
  }
  .file-chip .icon {
    flex: none;
  }
  .file-chip:hover .file-name {
    text-decoration: underline;
  }
  .file-name {
    overflow-wrap: anywhere;
  }
  .file-size {
    opacity: 0.75;
    font-size: 0.85em;
    white-space: nowrap;
  }
`;
