/**
 * The name a file is shown and downloaded under (issue 13): what the sender called it, made
 * harmless. No directories, no control or bidirectional-override characters (which can make
 * `photo‮gpj.exe` read as `photoexe.jpg`), at most 120 characters, and an extension that matches
 * the type the bytes were found to be.
 */
import type { AttachmentType } from '@support-chat/shared';

const EXTENSIONS: Record<AttachmentType, readonly string[]> = {
  'image/png': ['png'],
  'image/jpeg': ['jpg', 'jpeg'],
  'image/gif': ['gif'],
  'image/webp': ['webp'],
  'application/pdf': ['pdf'],
  'text/plain': ['txt', 'log', 'csv', 'md'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': ['xlsx'],
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': ['pptx'],
  'application/vnd.oasis.opendocument.text': ['odt'],
  'application/vnd.oasis.opendocument.spreadsheet': ['ods'],
};

export const FILE_NAME_MAX_CHARS = 120;

export function cleanFileName(raw: string | undefined, type: AttachmentType): string {
  let name = (raw ?? '').split(/[\\/]/).pop() ?? '';
  name = name
    .normalize('NFC')
    .replace(/[\p{Cc}\p{Cf}\u2028\u2029]/gu, '')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.]+|[\s.]+$/g, '');
  const extensions = EXTENSIONS[type];
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
  let stem = dot > 0 ? name.slice(0, dot) : name;
  const suffix = extensions.includes(ext) ? ext : extensions[0]!;
  if (!extensions.includes(ext) && ext) stem = name;
  stem = [...stem].slice(0, FILE_NAME_MAX_CHARS - suffix.length - 1).join('') || 'file';
  return `${stem}.${suffix}`;
}

/** `Content-Disposition` with an ASCII fallback and the UTF-8 name (RFC 6266 / 5987). */
export function contentDisposition(kind: 'inline' | 'attachment', name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  const encoded = encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
