/**
 * Attachments in the visitor widget (issue 13): sending a file (from the attach button, a paste
 * or a drop), its progress and any refusal, and showing files in the conversation (a picture as a
 * thumbnail that opens full size, anything else as a named download link with its size).
 *
 * Its own lazily loaded file (build.mjs): the panel imports it only when the visitor attaches
 * something or a message with a file is shown, so the chat's size budget holds. It takes Lit's
 * `html` and `nothing` from the panel rather than bundling a second copy of Lit.
 *
 * Pictures and downloads go through signed links (`POST …/links`): an `<img>` or a link cannot
 * send the visitor's token, and a blob: URL would be blocked on every site whose CSP does not
 * allow `blob:`. A link opens one file for a few minutes; one is signed again before it is used
 * past that.
 */
import type { html as litHtml, nothing as litNothing, TemplateResult } from 'lit/html.js';
import {
  HTTP_ROUTES,
  isInlineImage,
  type AckResult,
  type Attachment,
  type AttachmentLinks,
  type AttachmentUpload,
  type ErrorCode,
  type Locale,
} from '@support-chat/shared';
import { adoptStyles } from './adopt-styles.js';
import type { VisitorConnection } from './connection.js';
import { FILE_STRINGS } from './files-i18n.js';
import { fileSize } from '@support-chat/shared/browser/file-size.js';
import { format } from '@support-chat/shared/browser/launcher-i18n.js';
import { uploadFile } from '@support-chat/shared/browser/upload.js';

/** What the module uses of the panel. */
export interface FilesHost {
  readonly renderRoot: ShadowRoot;
  requestUpdate(): void;
  _connection(): VisitorConnection;
  /** The chat server's address, as the panel resolved it. */
  _serverUrl(): string;
}

/** A link is signed again when it has less than this left (ms): time to load or click. */
const RENEW_BEFORE_MS = 60_000;
const PAUSE_AFTER_FAILURE_MS = 10_000;

/** A refusal to show: its code, the file's name, and (too large) the limit. */
interface Refusal {
  code: ErrorCode;
  name: string;
}

export class VisitorFiles {
  /** The file being sent and how far along it is (0–1). */
  private _sending: { name: string; fraction: number } | null = null;
  private _queue: File[] = [];
  private _refusal: Refusal | null = null;
  private readonly _links = new Map<string, { url: string; expiresAt: number }>();
  /** Ids waiting for the next signing request (one request per render). */
  private _wanted = new Set<string>();
  private _signing = false;
  /** After a failed signing, none before this (epoch ms): a refusing server is not asked at every render. */
  private _pausedUntil = 0;

  constructor(
    private readonly _host: FilesHost,
    private readonly html: typeof litHtml,
    private readonly _nothing: typeof litNothing,
  ) {
    adoptStyles(_host.renderRoot, FILE_CSS);
  }

  /** Sends the files one after another; each is one message. */
  send(files: readonly File[]): void {
    this._queue.push(...files);
    this._refusal = null;
    if (!this._sending) void this._next();
    this._host.requestUpdate();
  }

  /** A file in a message: a thumbnail or a download link once its signed link is there, its name until then. */
  view(a: Attachment, locale: Locale): TemplateResult {
    const { html } = this;
    const s = FILE_STRINGS[locale];
    const link = this._link(a.id);
    const size = fileSize(a.size);
    if (!link) return html`<span class="file-name">${a.name}</span>`;
    const renew = () => this._link(a.id, true);
    if (isInlineImage(a.contentType)) {
      return html`<a class="file-thumb" href=${link} target="_blank" rel="noopener" aria-label=${format(s.open, { name: a.name, size })} @focus=${renew} @pointerenter=${renew}>
        <img src=${link} alt=${a.name} />
      </a>`;
    }
    // Named by what it shows (name and size), "Download" said before it to screen readers.
    return html`<a class="file-link" href=${link} download=${a.name} @focus=${renew} @pointerenter=${renew}>
      <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M14 3H6v18h12V7zM14 3v4h4M12 10v7m-3-3 3 3 3-3" /></svg>
      <span class="sr">${s.download} </span><span class="file-name">${a.name}</span> <span class="file-size">${size}</span>
    </a>`;
  }

  /** Above the composer: the upload's progress, or why the last file was refused. */
  status(locale: Locale): TemplateResult | typeof litNothing {
    const { html } = this;
    const s = FILE_STRINGS[locale];
    const sending = this._sending;
    if (sending) {
      const percent = Math.round(sending.fraction * 100);
      return html`<div class="file-status" role="status">
        ${format(s.uploading, { name: sending.name, percent })}
        <progress max="100" value=${percent} aria-hidden="true"></progress>
      </div>`;
    }
    const refusal = this._refusal;
    if (!refusal) return this._nothing;
    return html`<div class="file-status file-error" role="alert">
      ${this._refusalText(refusal, locale)}
      <button type="button" @click=${() => ((this._refusal = null), this._host.requestUpdate())}>${s.dismiss}</button>
    </div>`;
  }

  private _refusalText({ code, name }: Refusal, locale: Locale): string {
    const s = FILE_STRINGS[locale];
    const max = this._host._connection().attachments?.maxBytes;
    if (code === 'too_large') return format(s.tooLarge, { name, limit: max ? fileSize(max) : '' });
    if (code === 'unsupported_type') return format(s.notAllowed, { name });
    if (code === 'too_many') return s.tooMany;
    if (code === 'rate_limited') return s.rateLimited;
    return format(s.failed, { name });
  }

  private async _next(): Promise<void> {
    const file = this._queue.shift();
    if (!file) return void (this._sending = null);
    const conn = this._host._connection();
    const name = file.name || 'file';
    const max = conn.attachments?.maxBytes;
    let res: AckResult<AttachmentUpload>;
    // Said at once rather than after uploading megabytes the server would refuse.
    if (max && file.size > max) res = { ok: false, error: { code: 'too_large', message: '' } };
    else {
      this._sending = { name, fraction: 0 };
      this._host.requestUpdate();
      res = await uploadFile(this._url(HTTP_ROUTES.visitorAttachments), file, `f-${crypto.randomUUID()}`, {
        headers: { Authorization: `Bearer ${conn._visitorToken ?? ''}` },
        onProgress: (fraction) => {
          this._sending = { name, fraction };
          this._host.requestUpdate();
        },
      });
    }
    if (res.ok) conn._received(res.data.message);
    else {
      // The rest waits for the visitor: after a refusal they may want to send something else.
      this._refusal = { code: res.error.code, name };
      this._queue = [];
    }
    this._sending = null;
    this._host.requestUpdate();
    await this._next();
  }

  private _url(path: string): string {
    return this._host._serverUrl().replace(/\/$/, '') + path;
  }

  /** The signed link of a file, or null while it is being signed; asks for one when missing or about to expire. */
  private _link(id: string, soon = false): string | null {
    const link = this._links.get(id);
    if (!link || link.expiresAt - Date.now() < RENEW_BEFORE_MS * (soon ? 3 : 1)) {
      this._wanted.add(id);
      queueMicrotask(() => void this._sign());
    }
    return link ? this._url(link.url) : null;
  }

  private async _sign(): Promise<void> {
    const token = this._host._connection()._visitorToken;
    if (this._signing || !this._wanted.size || !token || Date.now() < this._pausedUntil) return;
    const ids = [...this._wanted].slice(0, 100);
    this._signing = true;
    try {
      const response = await fetch(this._url(`${HTTP_ROUTES.visitorAttachments}/links`), {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify({ ids }),
      });
      const body = (await response.json()) as AckResult<AttachmentLinks>;
      if (!body.ok) throw new Error(body.error.message);
      for (const link of body.data.links) this._links.set(link.id, link);
      for (const id of ids) this._wanted.delete(id);
    } catch {
      // Offline or refused: the names stay shown, and the links are asked for again a little later.
      this._pausedUntil = Date.now() + PAUSE_AFTER_FAILURE_MS;
      setTimeout(() => this._host.requestUpdate(), PAUSE_AFTER_FAILURE_MS);
    } finally {
      this._signing = false;
    }
    this._host.requestUpdate();
  }
}

/** Lit's css`` tag lives in the panel: the build squeezes this literal the same way. */
const css = String.raw;
/**
 * A thumbnail has its size before its picture loads: one that grew as it loaded, at the end of the
 * chat, left the chat short of its end, so the panel stopped following new messages (a probe).
 */
const FILE_CSS = css`
  .bubble:has(> .file-thumb) {
    padding: 4px;
  }
  .file-thumb {
    display: block;
  }
  .file-thumb img {
    display: block;
    width: min(220px, 100%);
    height: 160px;
    object-fit: cover;
    border-radius: 8px;
    background: #fff;
  }
  .file-link {
    display: inline-flex;
    align-items: center;
    gap: 6px;
    color: inherit;
  }
  .file-link svg {
    flex: none;
    width: 20px;
    height: 20px;
    fill: none;
    stroke: currentColor;
    stroke-width: 1.8;
  }
  .file-size {
    opacity: 0.8;
    font-size: 0.85em;
    white-space: nowrap;
  }
  .file-status {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 6px 10px;
    padding: 6px 16px;
    font-size: 0.85em;
  }
  .file-status progress {
    flex: 1 1 100%;
    height: 6px;
    accent-color: var(--_accent);
  }
  .file-error {
    color: var(--support-chat-danger, #dc2626);
  }
  .file-error button {
    font: inherit;
    border: 1px solid currentColor;
    border-radius: 999px;
    padding: 2px 10px;
    background: none;
    color: inherit;
  }
`;
