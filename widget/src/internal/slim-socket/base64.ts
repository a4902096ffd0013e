/**
 * Stands in for engine.io-parser's `contrib/base64-arraybuffer.js` in the widget bundle (see
 * build.mjs): long-polling carries binary messages base64-encoded, and `atob` decodes them. The
 * visitor protocol sends no binary (json-parser.ts refuses it), so this only has to be correct.
 */
export function decode(base64: string): ArrayBuffer {
  return Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)).buffer;
}

