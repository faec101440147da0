/** The data dictionary's shapes as the table and dictionary API answers them (server/api/tables, server/api/dictionary). */

// The server's own list (a module with no imports), bundled as it is.
import { COLUMN_TYPES, type ColumnType } from '../../../../server/dictionary/column-types.ts';
import { api } from '../../api.ts';

export { COLUMN_TYPES, type ColumnType };

export type Choice = { value: string | number; label: string };

export type TableSummary = {
  name: string;
  label: string;
  extends: string | null;
  numberPrefix: string | null;
  columnCount: number;
};

export type ColumnView = {
  name: string;
  type: ColumnType;
  label: string;
  /** The table that declared it: this one, or the parent it is inherited from. */
  table: string;
  reference: string | null;
  choices: Choice[] | null;
  system: boolean;
};

export type TableView = TableSummary & { displayField: string; extendedBy: string[]; columns: ColumnView[] };

export type ColumnDefinition = {
  name: string;
  type: ColumnType;
  label?: string;
  reference?: string;
  choices?: Choice[];
};

export type TableDefinition = { name: string; label?: string; extends?: string; columns: ColumnDefinition[] };

export type DictionaryImport = { tablesAdded: string[]; columnsAdded: string[]; differences: string[] };

export const listTables = () => api<{ tables: TableSummary[] }>('GET', '/api/tables');
export const getTable = (name: string) => api<TableView>('GET', `/api/tables/${encodeURIComponent(name)}`);
export const createTable = (definition: TableDefinition) => api<TableView>('POST', '/api/tables', definition);
export const addColumn = (table: string, column: ColumnDefinition) =>
  api<TableView>('POST', `/api/tables/${encodeURIComponent(table)}/columns`, column);
export const exportDictionary = () => api<unknown>('GET', '/api/dictionary');
export const importDictionary = (file: unknown) => api<DictionaryImport>('PUT', '/api/dictionary', file);

/** A column as the form holds it: every input is text until it is sent. */
export type ColumnDraft = {
  name: string;
  type: ColumnType;
  label: string;
  reference: string;
  choices: string;
};

export const emptyColumn = (): ColumnDraft => ({
  name: '',
  type: 'string',
  label: '',
  reference: '',
  choices: '',
});

/** Types whose choices the form offers (the API also takes them on string columns). */
export const takesChoices = (type: ColumnType) => type === 'choice' || type === 'integer';

/**
 * `1=Critical, 2=High` or one `value=label` per line; a bare value is its own label. Integer
 * columns get numbers where the value is one, so the server names a value that is not.
 */
export function parseChoices(text: string, type: ColumnType): Choice[] | undefined {
  const items = text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0) return undefined;
  return items.map((item) => {
    const at = item.indexOf('=');
    const raw = (at < 0 ? item : item.slice(0, at)).trim();
    const label = (at < 0 ? item : item.slice(at + 1)).trim() || raw;
    const value = type === 'integer' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
    return { value, label };
  });
}

export function formatChoices(choices: Choice[] | null): string {
  return (choices ?? [])
    .map((c) => (String(c.value) === c.label ? c.label : `${c.value}=${c.label}`))
    .join(', ');
}

export function toDefinition(draft: ColumnDraft): ColumnDefinition {
  const choices = takesChoices(draft.type) ? parseChoices(draft.choices, draft.type) : undefined;
  return {
    name: draft.name.trim(),
    type: draft.type,
    ...(draft.label.trim() ? { label: draft.label.trim() } : {}),
    ...(draft.type === 'reference' && draft.reference ? { reference: draft.reference } : {}),
    ...(choices ? { choices } : {}),
  };
}

/** The field of a column form that a validation path (`columns.0.choices.1.value`, `name`) belongs to. */
export function columnFieldOf(path: string, prefix: string): keyof ColumnDraft | null {
  if (prefix && !path.startsWith(`${prefix}.`)) return null;
  const head = (prefix ? path.slice(prefix.length + 1) : path).split('.')[0];
  return head === 'name' || head === 'type' || head === 'label' || head === 'reference' || head === 'choices'
    ? head
    : null;
}
