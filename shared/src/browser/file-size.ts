/** A file's size as people read it, in either language: "18 B", "850 KB", "1.2 MB" (an 18-byte file read "1 KB"). */
export function fileSize(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} KB`;
}
