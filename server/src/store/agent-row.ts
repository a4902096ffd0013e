import { LOCALES, type Locale } from '@support-chat/shared';
import type { AgentRecord } from './types.js';

/** The `agents` table's row, the same in both stores' schemas. */
export interface AgentRow {
  id: string;
  email: string;
  name: string;
  role: string;
  password_hash: string;
  created_at: number;
  capacity: number;
  deactivated_at: number | null;
  /** Added by a later migration (sqlite 14, postgres 8); null: the browser's language. */
  locale: string | null;
}

export function toAgent(row: AgentRow): AgentRecord {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role === 'admin' ? 'admin' : 'agent',
    passwordHash: row.password_hash,
    createdAt: row.created_at,
    capacity: row.capacity,
    deactivatedAt: row.deactivated_at ?? null,
    locale: (LOCALES as readonly string[]).includes(row.locale ?? '') ? (row.locale as Locale) : null,
  };
}
