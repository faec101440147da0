/**
 * Turns an incoming record (an import row, later a write of the privileged service) into values
 * for the table's columns, or into the list of what is wrong with it, field by field.
 */
import type { TableInfo } from '../dictionary/model.ts';
import { coerceValue, normaliseSysId, type StoredValue } from '../dictionary/values.ts';

export type FieldProblem = { field: string; message: string };
export type ValidatedRecord = {
  sysId: string | null;
  values: Map<string, StoredValue>;
  problems: FieldProblem[];
};

/** Fields an import may carry but the host sets itself: ignored rather than refused (exports contain them). */
export const HOST_SET = new Set([
  'sys_class_name',
  'sys_created_on',
  'sys_updated_on',
  'sys_created_by',
  'sys_updated_by',
  'sys_mod_count',
]);

export function validateRecord(table: TableInfo, raw: unknown): ValidatedRecord {
  const values = new Map<string, StoredValue>();
  const problems: FieldProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    return {
      sysId: null,
      values,
      problems: [{ field: '(record)', message: 'expected an object of field names and values' }],
    };
  }
  let sysId: string | null = null;
  for (const [field, value] of Object.entries(raw as Record<string, unknown>)) {
    if (field === 'sys_id') {
      if (value === '' || value == null) continue;
      sysId = normaliseSysId(value);
      if (!sysId) problems.push({ field, message: 'expected a sys_id (32 hex digits or a uuid)' });
      continue;
    }
    if (HOST_SET.has(field)) continue;
    const column = table.columns.get(field);
    if (!column) {
      problems.push({ field, message: `${table.name} has no field ${field}` });
      continue;
    }
    if (column.type === 'reference' && value !== null && typeof value === 'object') {
      // ServiceNow's JSON exports write references as {"value": sys_id, "link": …}.
      const inner = (value as { value?: unknown }).value;
      const coerced = coerceValue(column, inner);
      if (coerced.ok) values.set(field, coerced.value);
      else problems.push({ field, message: coerced.message });
      continue;
    }
    const coerced = coerceValue(column, value);
    if (!coerced.ok) problems.push({ field, message: coerced.message });
    // A blank journal value (a form's empty work-notes box, an export's "") adds no entry: written,
    // its null would empty the journal, a column that is never null (dictionary/ddl.ts).
    else if (column.type !== 'journal' || coerced.value !== null) values.set(field, coerced.value);
  }
  return { sysId, values, problems };
}
