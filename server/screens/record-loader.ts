/**
 * Finding the record a screen shows: by sys_id, or by the first match of `sysparm_query`
 * (`number=INC0000001`), read as its own class (an incident reached through /task.do shows its
 * incident fields). Journals are read with their authors and times, which the reader flattens.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { type JournalEntry, normaliseSysId } from '../dictionary/values.ts';
import { encodeCondition } from '../records/encoded-query.ts';
import { storageTable } from '../records/sql-values.ts';
import { RecordError, type RecordReader, type RecordRow } from '../records/types.ts';

export type LoadedRecord = { table: TableInfo; row: RecordRow };

async function first(reader: RecordReader, table: string, query: string): Promise<RecordRow | null> {
  try {
    const [row] = await reader.select({ table, query, limit: 1 });
    return row ?? null;
  } catch (error) {
    // A query naming an unknown field finds nothing, like an unknown sys_id.
    if (error instanceof RecordError) return null;
    throw error;
  }
}

export async function loadRecord(
  reader: RecordReader,
  dictionary: Dictionary,
  table: TableInfo,
  find: { sysId: string } | { query: string },
): Promise<LoadedRecord | null> {
  let row: RecordRow | null;
  if ('sysId' in find) {
    const id = normaliseSysId(find.sysId);
    row = id ? await first(reader, table.name, encodeCondition('sys_id', '=', id)) : null;
  } else {
    row = await first(reader, table.name, find.query);
  }
  if (!row) return null;
  const cls = typeof row.sys_class_name === 'string' ? dictionary.get(row.sys_class_name) : undefined;
  if (cls && cls !== table && table.classes.includes(cls.name)) {
    const own = await first(reader, cls.name, encodeCondition('sys_id', '=', String(row.sys_id)));
    if (own) return { table: cls, row: own };
  }
  return { table, row };
}

/** "2024-03-01T14:05:00.000Z" → "2024-03-01 14:05:00", as the reader writes datetimes. */
const glideTime = (iso: string) =>
  /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(iso) ? iso.slice(0, 19).replace('T', ' ') : iso;

const asEntries = (raw: unknown): JournalEntry[] => {
  const parsed: unknown = typeof raw === 'string' ? JSON.parse(raw) : raw;
  if (!Array.isArray(parsed)) return [];
  return parsed
    .filter((e): e is Record<string, unknown> => e !== null && typeof e === 'object')
    .map((e) => ({ at: glideTime(String(e.at ?? '')), by: String(e.by ?? ''), text: String(e.text ?? '') }))
    .reverse();
};

/** The entries of the journal columns among `columns`, newest first. */
export async function loadJournals(
  database: Pick<Database, 'rows'>,
  table: TableInfo,
  sysId: string,
  columns: readonly ColumnInfo[],
): Promise<Map<string, JournalEntry[]>> {
  const journals = columns.filter((c) => c.type === 'journal');
  const result = new Map<string, JournalEntry[]>();
  if (journals.length === 0) return result;
  // Column names come from the dictionary, never from the request.
  const list = sql.join(
    journals.map((c) => sql`${sql.identifier(c.name)}::text as ${sql.identifier(c.name)}`),
    sql`, `,
  );
  const [row] = await database.rows(
    sql`select ${list} from ${storageTable(table.storage)} where sys_id = ${sysId}::uuid`,
  );
  for (const column of journals) result.set(column.name, asEntries(row?.[column.name] ?? null));
  return result;
}
