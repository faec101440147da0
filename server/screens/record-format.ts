/**
 * A stored value as an agent reads it: choices by their label, booleans as yes/no, references by
 * the referenced record's name (linked), journals as their entries, newest first.
 */
import type { ColumnInfo } from '../dictionary/model.ts';
import type { JournalEntry } from '../dictionary/values.ts';
import type { FieldValue } from '../records/types.ts';
import { type ReferenceNames, recordHref, referenceKey } from './references.ts';

export type FieldView = {
  name: string;
  label: string;
  text: string;
  href: string | null;
  entries: JournalEntry[] | null;
};

export function choiceLabel(column: ColumnInfo, value: FieldValue): string | null {
  const choice = column.choices?.find((c) => String(c.value) === String(value));
  return choice ? choice.label : null;
}

/** The plain text of a value (no link): what a list cell or a card shows. */
export function displayText(column: ColumnInfo, value: FieldValue, names: ReferenceNames): string {
  if (value === null || value === '') return '';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (column.choices) return choiceLabel(column, value) ?? String(value);
  if (column.type === 'reference' && column.reference) {
    return names.get(referenceKey(column.reference, String(value)))?.text ?? String(value);
  }
  return String(value);
}

export function fieldView(
  column: ColumnInfo,
  value: FieldValue,
  names: ReferenceNames,
  journals: ReadonlyMap<string, JournalEntry[]>,
): FieldView {
  const base = { name: column.name, label: column.label };
  if (column.type === 'journal') {
    return { ...base, text: '', href: null, entries: journals.get(column.name) ?? [] };
  }
  let href: string | null = null;
  if (column.type === 'reference' && column.reference && typeof value === 'string' && value !== '') {
    href = names.get(referenceKey(column.reference, value))?.href ?? recordHref(column.reference, value);
  }
  return { ...base, text: displayText(column, value, names), href, entries: null };
}
