/**
 * An audit entry's details and actor in the console's language: the server records keys and
 * values (`{ changed: ['businessHours'], source: 'rule' }`), and a Chinese admin read them as
 * such. Keys and the values that are words (settings, sources, roles, yes/no) are worded; names,
 * addresses and questions stay as they were written; ids (`toAgentId`) are left out.
 */
import type { AuditEntry } from '@support-chat/shared';
import { fill, t } from './i18n/locale.js';

/** The actor the server records for what a label rule did (server/src/routing/label-rules.ts). */
const RULE_ACTOR_ID = 'routing-rule';

export function auditActorName(entry: Pick<AuditEntry, 'actor'>): string {
  return entry.actor.id === RULE_ACTOR_ID ? t().privacy.detail.routingRule : entry.actor.name;
}

/** A setting an entry is about (`routing`, `welcome`), by its name. */
export function auditSettingName(id: string): string {
  return wordOf(t().privacy.detail.settingNames, id) ?? id;
}

export function auditDetailText(detail: AuditEntry['detail']): string {
  const words = t().privacy.detail;
  return Object.entries(detail)
    .filter(([key]) => !key.endsWith('Id'))
    .map(([key, value]) => fill(words.pair, { key: wordOf(words.keys, key) ?? key, value: valueText(key, value) }))
    .join(' · ');
}

function valueText(key: string, value: unknown): string {
  const words = t().privacy.detail;
  if (Array.isArray(value)) return value.length > 0 ? value.map((v) => valueText(key, v)).join(words.listSeparator) : '—';
  if (typeof value === 'boolean') return value ? words.yes : words.no;
  if (value === null || value === undefined || value === '') return '—';
  const text = String(value);
  if (key === 'password') return words.changedWord;
  if (key === 'role') return wordOf(t().shell.roles, text) ?? text;
  if (key === 'source') return wordOf(words.sources, text) ?? text;
  if (key === 'changed') return wordOf(words.settings, text) ?? wordOf(words.keys, text) ?? text;
  return text;
}

/** `table[key]` for a key the table has (a key from the server may be newer than this console). */
function wordOf(table: Readonly<Record<string, string>>, key: string): string | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
