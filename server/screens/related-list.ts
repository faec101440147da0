/**
 * The related list of a view (`incident.caller_id^active=true`): the records of another table that
 * refer to this one, narrowed by the view's encoded query, each linked to its own screen.
 */
import type { Dictionary, TableInfo } from '../dictionary/model.ts';
import { encodeQuery, parseEncodedQuery } from '../records/encoded-query.ts';
import { RecordError, type RecordReader } from '../records/types.ts';
import { displayText } from './record-format.ts';
import { loadReferenceNames, recordHref } from './references.ts';

export const RELATED_LIMIT = 50;
/** The columns a related list shows, when its table has them. */
const PREFERRED = ['number', 'short_description', 'state', 'priority', 'opened_at'];

export type RelatedList = {
  title: string;
  columns: string[];
  rows: { href: string; cells: string[] }[];
  total: number;
};

const SPEC = /^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)(?:\^([\s\S]*))?$/;

const activeOnly = (extra: string) => /(^|\^)active=true(\^|$)/.test(extra);

function listColumns(table: TableInfo) {
  const preferred = PREFERRED.flatMap((name) => table.columns.get(name) ?? []);
  if (preferred.length >= 2) return preferred;
  const own = [...table.columns.values()].filter((c) => !c.system && c.type !== 'journal');
  const display = table.columns.get(table.displayField);
  return [...new Set([...(display ? [display] : []), ...own])].slice(0, 5);
}

/** The list, or null when the view's spec does not name a reference of a business table. */
export async function loadRelatedList(
  reader: RecordReader,
  dictionary: Dictionary,
  spec: string,
  sysId: string,
): Promise<RelatedList | null> {
  const match = SPEC.exec(spec.trim());
  const table = match ? dictionary.get(match[1]!) : undefined;
  const field = match && table ? table.columns.get(match[2]!) : undefined;
  if (!match || !table || field?.type !== 'reference') return null;
  let query: string;
  try {
    const extra = parseEncodedQuery(match[3] ?? '');
    const own = [{ field: field.name, operator: '=' as const, value: sysId }];
    // Each OR'd query (^NQ) is narrowed to this record, so none can list other records' rows.
    const groups = (extra.groups.length > 0 ? extra.groups : [[]]).map((g) => [own, ...g]);
    const orderBy =
      extra.orderBy.length > 0 ? extra.orderBy : [{ field: 'sys_created_on', descending: true }];
    query = encodeQuery({ groups, orderBy });
  } catch (error) {
    if (error instanceof RecordError) return null;
    throw error;
  }
  const columns = listColumns(table);
  let rows: Awaited<ReturnType<RecordReader['select']>>;
  let total: number;
  try {
    rows = await reader.select({ table: table.name, query, limit: RELATED_LIMIT });
    total = await reader.count({ table: table.name, query });
  } catch (error) {
    if (error instanceof RecordError) return null;
    throw error;
  }
  const names = await loadReferenceNames(reader, dictionary, columns, rows);
  return {
    title: `${activeOnly(match[3] ?? '') ? 'Open ' : ''}${table.label} records`,
    columns: columns.map((c) => (c.name === 'opened_at' ? 'Opened' : c.label)),
    rows: rows.map((row) => {
      const cls = typeof row.sys_class_name === 'string' && dictionary.has(row.sys_class_name);
      return {
        href: recordHref(cls ? String(row.sys_class_name) : table.name, String(row.sys_id)),
        cells: columns.map((c) =>
          // A record opened without opened_at (an import) was opened when it was created.
          c.name === 'opened_at' && row[c.name] == null
            ? String(row.sys_created_on ?? '')
            : displayText(c, row[c.name] ?? null, names),
        ),
      };
    }),
    total,
  };
}
