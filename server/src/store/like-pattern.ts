/** `text` taken literally inside `LIKE … ESCAPE '\'` (SQLite) or `ILIKE` (PostgreSQL): `%`, `_` and `\` escaped. */
export function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
