/**
 * Files in the console (issue 13): how an attachment shows in the transcript (a picture as a
 * thumbnail that opens full size, anything else as a named chip that downloads) and how the
 * agent sends one. Same origin, so the session cookie goes with `<img>` and links by itself.
 * Its words are the catalog's `attachments` module (i18n/strings/attachments.ts).
 */
import { css, html, type TemplateResult } from 'lit';
import { HTTP_ROUTES, isInlineImage, type AckResult, type Attachment, type AttachmentUpload, type ErrorCode } from '@support-chat/shared';
import { uploadFile } from '../internal/upload.js';
import { errorText, fill, num, t } from './i18n/locale.js';

export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${num(bytes / 1024 / 1024, { minimumFractionDigits: 1, maximumFractionDigits: 1 })} MB` : `${num(Math.max(1, Math.round(bytes / 1024)))} KB`;
}

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
  return html`<a class="file-chip" href=${attachmentUrl(a)} download=${a.name} aria-label=${fill(s.download, { name: a.name, size })}>
    <span aria-hidden="true">📄</span><span class="file-name">${a.name}</span><span class="file-size">${size}</span>
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
