/**
 * References as people read them: a caller_id shows the user's name, linked to the user's screen;
 * a reference typed on a form ("Abel Tuter", "abel.tuter" or a sys_id) becomes the record's sys_id.
 */
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { normaliseSysId } from '../dictionary/values.ts';
import { encodeCondition } from '../records/encoded-query.ts';
import type { RecordReader, RecordRow } from '../records/types.ts';
import { naturalKey } from '../records/upsert.ts';

export type ReferenceLink = { text: string; href: string };
/** Keyed by `<table>:<sys_id>`. */
export type ReferenceNames = Map<string, ReferenceLink>;

export const referenceKey = (table: string, id: string) => `${table}:${id}`;
export const recordHref = (table: string, id: string) =>
  `/${encodeURIComponent(table)}.do?sys_id=${encodeURIComponent(id)}`;

/** What a record is called: its display field, else its natural key, else its sys_id. */
export function displayOf(table: TableInfo, row: RecordRow): string {
  for (const field of [table.displayField, naturalKey(table), 'sys_id']) {
    const value = field ? row[field] : null;
    if (value !== null && value !== undefined && String(value).trim() !== '') return String(value);
  }
  return '';
}

/** The display values of the referenced records of these rows, one query per referenced table. */
export async function loadReferenceNames(
  reader: RecordReader,
  dictionary: Dictionary,
  columns: readonly ColumnInfo[],
  rows: readonly RecordRow[],
): Promise<ReferenceNames> {
  const wanted = new Map<string, Set<string>>();
  for (const column of columns) {
    if (column.type !== 'reference' || !column.reference) continue;
    for (const row of rows) {
      const id = row[column.name];
      if (typeof id !== 'string' || id === '') continue;
      const set = wanted.get(column.reference) ?? new Set<string>();
      set.add(id);
      wanted.set(column.reference, set);
    }
  }
  const names: ReferenceNames = new Map();
  for (const [tableName, ids] of wanted) {
    const table = dictionary.get(tableName);
    if (!table) continue;
    const found = await reader.select({
      table: tableName,
      query: `sys_idIN${[...ids].join(',')}`,
      limit: ids.size,
    });
    for (const row of found) {
      const id = String(row.sys_id);
      const cls = typeof row.sys_class_name === 'string' && dictionary.has(row.sys_class_name);
      names.set(referenceKey(tableName, id), {
        text: displayOf(table, row),
        href: recordHref(cls ? String(row.sys_class_name) : tableName, id),
      });
    }
  }
  return names;
}

export type ResolvedReference = { ok: true; id: string | null } | { ok: false; message: string };

/**
 * A reference field as typed on a form. `shownId` is the record the form showed (a hidden input):
 * while the text still reads as that record, it is kept; otherwise the text is looked up by sys_id,
 * display value or natural key (a user name, a task number), and must name exactly one record.
 */
export async function resolveReference(
  reader: RecordReader,
  dictionary: Dictionary,
  column: ColumnInfo,
  typed: string,
  shownId: string | null,
): Promise<ResolvedReference> {
  const text = typed.trim();
  const table = column.reference ? dictionary.get(column.reference) : undefined;
  if (text === '') return { ok: true, id: null };
  if (!table) return { ok: false, message: `${column.name}: cannot look up ${text}` };
  const asId = normaliseSysId(text);
  if (asId) return { ok: true, id: asId };
  const kept = shownId ? normaliseSysId(shownId) : null;
  if (kept) {
    const [row] = await reader.select({ table: table.name, query: `sys_id=${kept}`, limit: 1 });
    if (row && displayOf(table, row).trim() === text) return { ok: true, id: kept };
  }
  const fields = [table.displayField, naturalKey(table)].filter(
    (f, i, all): f is string => !!f && f !== 'sys_id' && all.indexOf(f) === i,
  );
  if (fields.length === 0) return { ok: false, message: `${column.name}: enter a sys_id of ${table.label}` };
  const query = fields.map((f) => encodeCondition(f, '=', text)).join('^OR');
  const rows = await reader.select({ table: table.name, query, limit: 2 });
  if (rows.length === 1) return { ok: true, id: String(rows[0]!.sys_id) };
  if (rows.length === 0) return { ok: false, message: `${column.name}: no ${table.label} matches "${text}"` };
  return {
    ok: false,
    message: `${column.name}: several records of ${table.label} match "${text}"; enter a unique ${fields.at(-1)} or the sys_id`,
  };
}
