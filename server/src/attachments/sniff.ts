/**
 * What a file is, from its bytes (issue 13): never the name or type the client sent. Binary
 * formats by their signatures (`file-type`, which also looks inside ZIP containers to tell an
 * Office document from any archive); plain text by being valid UTF-8 without control characters
 * or markup a browser would take for HTML. Anything else, or anything not allowed, is refused.
 */
import type { Readable } from 'node:stream';
import { fileTypeFromBuffer } from 'file-type';
import { ATTACHMENT_TYPES, type AttachmentType } from '@support-chat/shared';

/**
 * How much of a file is read: signatures sit in the first bytes, an Office document's content
 * types in the first entry of its ZIP, and 256 KB of text is enough to know it is text.
 */
const SAMPLE_BYTES = 256 * 1024;

/** The allowed type the bytes are, or null. `read()` gives the file from its start, each call anew. */
export async function sniffAttachmentType(read: () => Readable, allowed: readonly AttachmentType[] = ATTACHMENT_TYPES): Promise<AttachmentType | null> {
  const head = await sample(read(), SAMPLE_BYTES);
  const detected = await fileTypeFromBuffer(head);
  if (detected) return (allowed as readonly string[]).includes(detected.mime) ? (detected.mime as AttachmentType) : null;
  if (!allowed.includes('text/plain')) return null;
  return isPlainText(head) ? 'text/plain' : null;
}

async function sample(stream: Readable, bytes: number): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  let length = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    chunks.push(chunk);
    length += chunk.length;
    if (length >= bytes) break;
  }
  stream.destroy();
  return Buffer.concat(chunks).subarray(0, bytes);
}

/**
 * Markup browsers sniff as HTML (the WHATWG sniffing table's tags), or that runs script, loads
 * or embeds something, or leaves the page (img onerror, meta refresh, object, embed, link, base,
 * form: a security probe's `.txt` of `<img src=x onerror=…>` was taken). Not a boundary: any tag
 * with an event handler would be a longer list, and a pattern for them refused ordinary code
 * (`cat <<EOF` … `only = true`, a re-test); what keeps a file from running is how it is served
 * (text/plain, nosniff, a sandbox CSP, attachment-routes.ts). The one- and two-letter tags
 * (`a`, `b`, `br`, `p`) count closed or with an attribute only: `if (a<b && c>d)` is code. Served as text/plain
 * with nosniff and a sandbox it could not run anyway; refused so nothing uploaded even looks like a page.
 */
const MARKUP = /<(?:!doctype|html|head|script|iframe|h1|div|font|table|style|title|body|svg|img|meta|object|embed|link|base|form|\?xml|!--)[\s>/]|<(?:a|b|br|p)(?:\s*\/?>|\s+[a-z-]+\s*=)/i;

export function isPlainText(bytes: Uint8Array): boolean {
  if (bytes.length === 0) return false;
  let text: string;
  try {
    // `stream: true`: a character cut at the sample's end is not an error.
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
  } catch {
    return false;
  }
  // Control characters other than tab, line feed, form feed and carriage return: binary.
  if (/[\u0000-\u0008\u000B\u000E-\u001F\u007F]/.test(text)) return false;
  return !MARKUP.test(text);
}
