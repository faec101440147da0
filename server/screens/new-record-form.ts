/**
 * The new-record form: its fields (from the view), pre-filled from an encoded query or kept from a
 * submit that failed, each with its control (choices as a list, references by name) and its message.
 */
import type { ColumnInfo, Dictionary, TableInfo } from '../dictionary/model.ts';
import { coerceValue, normaliseSysId, type StoredValue } from '../dictionary/values.ts';
import { parseEncodedQuery } from '../records/encoded-query.ts';
import { RecordError, type RecordReader } from '../records/types.ts';
import { loadReferenceNames, referenceKey } from './references.ts';
import { resolveLayout } from './view-layout.ts';

export type FormOption = { value: string; label: string; selected: boolean };
export type FormField = {
  name: string;
  label: string;
  control: 'input' | 'textarea' | 'select';
  inputType: 'text' | 'email' | 'tel';
  value: string;
  options: FormOption[];
  /** A reference's record as shown (sent back as `<name>__shown`), so its name need not be unique. */
  shownId: string;
  hint: string;
  error: string | null;
};
export type FormModel = {
  table: { name: string; label: string };
  action: string;
  view: string;
  fields: FormField[];
  errors: string[];
};
/** What a form holds: field → text as typed or pre-filled, and the references' shown records. */
export type FormValues = { values: Map<string, string>; shown: Map<string, string> };

/** Fields the host fills in: system columns and the number a numbered table assigns. */
export function isEditable(table: TableInfo, column: ColumnInfo): boolean {
  return !column.system && !(column.name === 'number' && table.numberPrefix);
}

/** A sys_id as a uuid, a choice as its stored value ("01" → "1"); other text as it was written. */
const NORMALISED = new Set<ColumnInfo['type']>(['reference', 'integer', 'boolean']);
const asFormText = (column: ColumnInfo, coerced: StoredValue, raw: string) =>
  NORMALISED.has(column.type) && !Array.isArray(coerced) ? String(coerced) : raw;

/** The `field=value` conditions of the query's first part that fit the table; the rest is ignored. */
export function prefillFromQuery(table: TableInfo, query: string): FormValues {
  const values = new Map<string, string>();
  let parsed: ReturnType<typeof parseEncodedQuery>;
  try {
    parsed = parseEncodedQuery(query);
  } catch (error) {
    if (error instanceof RecordError) return { values, shown: new Map() };
    throw error;
  }
  for (const clause of parsed.groups[0] ?? []) {
    const condition = clause.length === 1 ? clause[0]! : null;
    if (condition?.operator !== '=' || condition.field.includes('.')) continue;
    const column = table.columns.get(condition.field);
    if (!column || !isEditable(table, column)) continue;
    const coerced = coerceValue(column, condition.value);
    if (coerced.ok && coerced.value !== null) {
      values.set(column.name, asFormText(column, coerced.value, condition.value));
    }
  }
  return { values, shown: new Map() };
}

function optionsFor(column: ColumnInfo, value: string): FormOption[] {
  const list: { value: string; label: string }[] = column.choices
    ? column.choices.map((c) => ({ value: String(c.value), label: c.label }))
    : column.type === 'boolean'
      ? [
          { value: 'true', label: 'yes' },
          { value: 'false', label: 'no' },
        ]
      : [];
  const options = [{ value: '', label: '— None —' }, ...list].map((o) => ({
    ...o,
    selected: o.value === value,
  }));
  // A value that is none of the choices (a failed submit) is kept, so the agent sees what was sent.
  if (value !== '' && !options.some((o) => o.selected)) options.push({ value, label: value, selected: true });
  return options;
}

const HINTS: Partial<Record<ColumnInfo['type'], string>> = {
  datetime: 'YYYY-MM-DD HH:MM:SS (UTC)',
  reference: 'name, user name or number, or a sys_id',
  integer: 'a whole number',
};

function formField(column: ColumnInfo, value: string, shownId: string, error: string | null): FormField {
  const select = !!column.choices || column.type === 'boolean';
  return {
    name: column.name,
    label: column.label,
    control: select ? 'select' : column.type === 'journal' ? 'textarea' : 'input',
    inputType: column.type === 'email' ? 'email' : column.type === 'phone' ? 'tel' : 'text',
    value,
    options: select ? optionsFor(column, value) : [],
    shownId,
    hint: select ? '' : (HINTS[column.type] ?? ''),
    error,
  };
}

export async function buildForm(
  reader: RecordReader,
  dictionary: Dictionary,
  table: TableInfo,
  view: string,
  form: FormValues,
  problems: { byField: Map<string, string>; general: string[] } = { byField: new Map(), general: [] },
): Promise<FormModel> {
  const layout = await resolveLayout(reader, dictionary, table, view);
  const columns = layout.fields.filter((c) => isEditable(table, c));
  // A pre-filled or submitted field the view does not show is shown anyway, so nothing is lost.
  for (const name of [...form.values.keys(), ...problems.byField.keys()]) {
    const column = table.columns.get(name);
    if (column && isEditable(table, column) && !columns.includes(column)) columns.push(column);
  }
  const referenced = columns.filter((c) => c.type === 'reference');
  const ids = new Map(
    referenced.flatMap((c) => {
      const id = normaliseSysId(form.values.get(c.name) ?? '');
      return id ? [[c.name, id] as const] : [];
    }),
  );
  const names = await loadReferenceNames(reader, dictionary, referenced, [Object.fromEntries(ids)]);
  const fields = columns.map((column) => {
    const raw = form.values.get(column.name) ?? '';
    const id = ids.get(column.name);
    const name = id && column.reference ? names.get(referenceKey(column.reference, id)) : undefined;
    return formField(
      column,
      name ? name.text : raw,
      name && id ? id : (form.shown.get(column.name) ?? ''),
      problems.byField.get(column.name) ?? null,
    );
  });
  return {
    table: { name: table.name, label: table.label },
    action: `/${table.name}.do`,
    view,
    fields,
    errors: problems.general,
  };
}
