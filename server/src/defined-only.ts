/**
 * The options that are set: spread over defaults, `{ x: undefined }` would overwrite the default,
 * and config passes every key, set or not.
 */
export function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined)) as Partial<T>;
}
