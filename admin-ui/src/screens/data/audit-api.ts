/** The write audit's shapes as GET /api/audit answers them (server/api/audit/routes.ts). */
import { api } from '../../api.ts';
import { formatValue } from './format.ts';

export type AuditEntry = {
  id: number;
  at: string;
  /** The telephony call id (sysparm_call_id) of the call that wrote, if it had one. */
  callId: string | null;
  /** The rules from the top-level caller down to the one that wrote. */
  chain: string[];
  table: string;
  sysId: string;
  operation: 'insert' | 'update' | 'delete';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
};

export type AuditPage = { entries: AuditEntry[]; total: number; limit: number; offset: number };

export const AUDIT_FILTERS = [
  'table',
  'operation',
  'rule',
  'callId',
  'sysId',
  'from',
  'to',
  'limit',
  'offset',
  'open',
] as const;
export type AuditFilters = Record<(typeof AUDIT_FILTERS)[number], string>;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const isSysId = (value: string) => UUID.test(value.trim());

/** The API's query: `open` is the screen's own, and a sys_id is sent only once it is whole. */
export function auditQuery(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const key of AUDIT_FILTERS) {
    const value = filters[key].trim();
    if (!value || key === 'open') continue;
    if (key === 'sysId' && !isSysId(value)) continue;
    params.set(key, value);
  }
  return params.toString();
}

export const listAudit = (query: string) => api<AuditPage>('GET', `/api/audit${query ? `?${query}` : ''}`);

export type FieldChange = { field: string; before: string; after: string; changed: boolean };

/** Before and after side by side, field by field; changed fields first, then the rest by name. */
export function changesOf(entry: Pick<AuditEntry, 'before' | 'after'>): FieldChange[] {
  const fields = new Set([...Object.keys(entry.before ?? {}), ...Object.keys(entry.after ?? {})]);
  const rows = [...fields].map((field) => {
    const before = entry.before && field in entry.before ? formatValue(entry.before[field]) : '';
    const after = entry.after && field in entry.after ? formatValue(entry.after[field]) : '';
    return { field, before, after, changed: before !== after };
  });
  return rows.sort((a, b) => Number(b.changed) - Number(a.changed) || a.field.localeCompare(b.field));
}
