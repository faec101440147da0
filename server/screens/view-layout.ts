/**
 * Which fields a screen shows, from `sys_ui_view`: the row for (view, table), else the view of the
 * parent table (and its parent…), else the `default` view the same way, else every non-system column.
 */
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { RecordError, type RecordReader } from '../records/types.ts';

export type Layout = {
  fields: ColumnInfo[];
  /** `incident.caller_id^active=true`, as the view row holds it; null without one. */
  relatedList: string | null;
};

/** The table and its ancestors, nearest first. */
export function ancestry(dictionary: Dictionary, table: TableInfo): TableInfo[] {
  const chain: TableInfo[] = [];
  for (let t: TableInfo | undefined = table; t && !chain.includes(t); ) {
    chain.push(t);
    t = t.extends ? dictionary.get(t.extends) : undefined;
  }
  return chain;
}

type ViewRow = { name: string; table: string; fields: string; relatedList: string | null };

async function viewRows(reader: RecordReader, tables: string[]): Promise<ViewRow[]> {
  try {
    const rows = await reader.select({
      table: 'sys_ui_view',
      // Table names are dictionary identifiers, so the list needs no escaping.
      query: `view_tableIN${tables.join(',')}`,
      limit: 500,
    });
    return rows.map((row) => ({
      name: String(row.name ?? '').trim(),
      table: String(row.view_table ?? '').trim(),
      fields: String(row.fields ?? ''),
      relatedList: typeof row.related_list === 'string' && row.related_list.trim() ? row.related_list : null,
    }));
  } catch (error) {
    // A dictionary without sys_ui_view (or without one of its columns) has no views: every page falls back.
    if (error instanceof RecordError) return [];
    throw error;
  }
}

export function columnsOf(table: TableInfo, fields: string): ColumnInfo[] {
  const columns: ColumnInfo[] = [];
  for (const name of fields.split(',').map((f) => f.trim())) {
    const column = table.columns.get(name);
    if (column && !columns.includes(column)) columns.push(column);
  }
  return columns;
}

export async function resolveLayout(
  reader: RecordReader,
  dictionary: Dictionary,
  table: TableInfo,
  view: string,
): Promise<Layout> {
  const chain = ancestry(dictionary, table);
  const rows = await viewRows(
    reader,
    chain.map((t) => t.name),
  );
  for (const name of view === 'default' ? ['default'] : [view, 'default']) {
    for (const t of chain) {
      const row = rows.find((r) => r.name === name && r.table === t.name);
      const fields = row ? columnsOf(table, row.fields) : [];
      if (row && fields.length > 0) return { fields, relatedList: row.relatedList };
    }
  }
  return { fields: [...table.columns.values()].filter((c) => !c.system), relatedList: null };
}
