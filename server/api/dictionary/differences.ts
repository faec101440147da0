/**
 * What a dictionary file says differently about tables and columns that exist already. Pushing a
 * file only adds, so these are left as they are: a label, a prefix, a display field or choices are
 * reported; a different parent or a reference to another table cannot be honoured and get 409
 * (a column's type is checked by applyDefinitions, with the same answer).
 */
import type { DictionaryFile } from '../../dictionary/definition.ts';
import type { Choice, Dictionary } from '../../dictionary/model.ts';
import { AppError } from '../../errors.ts';

/** Choices as `value label` pairs: stored as jsonb, their keys may come back in another order. */
const choiceText = (choices: readonly Choice[] | null | undefined) =>
  JSON.stringify((choices ?? []).map((c) => [c.value, c.label]));

export function differencesOf(dictionary: Dictionary, file: DictionaryFile): string[] {
  const notes: string[] = [];
  const note = (what: string, here: unknown, there: unknown) =>
    notes.push(
      `${what} is ${JSON.stringify(here)} here, ${JSON.stringify(there)} in the file; left as it is`,
    );
  for (const definition of file.tables) {
    const table = dictionary.get(definition.name);
    if (!table) continue;
    // A file that leaves `extends` out only adds columns to the table, whatever it extends.
    if (definition.extends !== undefined && definition.extends !== table.extends) {
      const here = table.extends ? `extends ${table.extends}` : 'extends no table';
      throw new AppError(
        'CONFLICT',
        `table ${table.name} ${here}, but the file says it extends ${definition.extends}; ctihost never changes a table's parent`,
      );
    }
    if (definition.label !== undefined && definition.label !== table.label)
      note(`${table.name}: label`, table.label, definition.label);
    if (definition.numberPrefix !== undefined && definition.numberPrefix !== table.numberPrefix)
      note(`${table.name}: numberPrefix`, table.numberPrefix ?? null, definition.numberPrefix);
    if (definition.displayField !== undefined && definition.displayField !== table.displayField)
      note(`${table.name}: displayField`, table.displayField, definition.displayField);
    for (const column of definition.columns) {
      const existing = table.columns.get(column.name);
      if (!existing || existing.type !== column.type) continue;
      const name = `${table.name}.${column.name}`;
      if (column.reference !== undefined && column.reference !== existing.reference) {
        throw new AppError(
          'CONFLICT',
          `column ${name} refers to ${existing.reference}, but the file says ${column.reference}; ctihost never changes a reference`,
        );
      }
      if (column.label !== undefined && column.label !== existing.label)
        note(`${name}: label`, existing.label, column.label);
      if (column.choices !== undefined && choiceText(column.choices) !== choiceText(existing.choices))
        note(`${name}: choices`, existing.choices ?? null, column.choices);
    }
  }
  return notes;
}
