/**
 * Sends one file as an attachment (issue 13), for the console and the widget alike: XHR, not
 * fetch, because only XHR reports upload progress. The body is the file itself; its name rides
 * URI-encoded in `X-File-Name` (headers are Latin-1), and `clientId` makes a retry harmless.
 * Every outcome comes back as an `AckResult`.
 */
import { isErrorCode, type AckResult, type AttachmentUpload } from '@support-chat/shared';

export function uploadFile(
  url: string,
  file: Blob & { name?: string },
  clientId: string,
  { headers = {}, onProgress }: { headers?: Record<string, string>; onProgress?: (fraction: number) => void } = {},
): Promise<AckResult<AttachmentUpload>> {
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('X-File-Name', encodeURIComponent(file.name ?? ''));
    xhr.setRequestHeader('X-Client-Id', clientId);
    for (const [name, value] of Object.entries(headers)) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress?.(e.loaded / e.total);
    const fail = (code: 'unavailable' | 'internal' | 'too_large', message: string) => resolve({ ok: false, error: { code, message } });
    xhr.onerror = () => fail('unavailable', 'Could not reach the server.');
    xhr.onload = () => {
      try {
        const body = JSON.parse(xhr.responseText) as AckResult<AttachmentUpload>;
        if (body.ok || isErrorCode(body.error?.code)) return resolve(body);
      } catch {
        // A proxy's page: only the status is known.
      }
      fail(xhr.status === 413 ? 'too_large' : 'internal', `The server answered ${xhr.status}.`);
    };
    xhr.send(file);
  });
}
