/**
 * Checks of new table definitions against the dictionary, beyond what their zod schema can see:
 * a display field that is a column of the table, and (for one new table) columns its parent has.
 * applyDefinitions checks the rest (parents, references, types, siblings) under its lock.
 */
import { SYSTEM_COLUMNS, type TableDefinition } from '../../dictionary/definition.ts';
import type { Dictionary } from '../../dictionary/model.ts';
import { AppError } from '../../errors.ts';

/** The column names a table will have: from the dictionary when it exists, else from the definitions. */
function columnNames(
  name: string,
  dictionary: Dictionary,
  byName: ReadonlyMap<string, TableDefinition>,
  seen = new Set<string>(),
): Set<string> {
  const existing = dictionary.get(name);
  if (existing) return new Set(existing.columns.keys());
  const definition = byName.get(name);
  if (!definition || seen.has(name)) return new Set(SYSTEM_COLUMNS);
  seen.add(name);
  const inherited = definition.extends
    ? columnNames(definition.extends, dictionary, byName, seen)
    : new Set<string>(SYSTEM_COLUMNS);
  for (const column of definition.columns) inherited.add(column.name);
  return inherited;
}

/** A new table's displayField must name one of its columns (its own, inherited or a system one). */
export function checkDisplayFields(dictionary: Dictionary, definitions: readonly TableDefinition[]): void {
  const byName = new Map(definitions.map((d) => [d.name, d]));
  for (const d of definitions) {
    if (!d.displayField || dictionary.has(d.name)) continue;
    if (!columnNames(d.name, dictionary, byName).has(d.displayField)) {
      throw new AppError('VALIDATION_FAILED', `displayField ${d.displayField} is not a column of ${d.name}`);
    }
  }
}

/** A new table may not declare a column its parent already has: it inherits it. */
export function checkInheritedColumns(dictionary: Dictionary, definition: TableDefinition): void {
  const parent = definition.extends ? dictionary.get(definition.extends) : undefined;
  if (!parent) return;
  for (const column of definition.columns) {
    const inherited = parent.columns.get(column.name);
    if (inherited) {
      throw new AppError(
        'CONFLICT',
        `column ${column.name} is already a column of ${inherited.table}, which ${definition.name} extends`,
      );
    }
  }
}

/** One file declares each table once. */
export function checkUniqueNames(definitions: readonly TableDefinition[]): void {
  const seen = new Set<string>();
  for (const d of definitions) {
    if (seen.has(d.name)) throw new AppError('VALIDATION_FAILED', `table ${d.name} is declared twice`);
    seen.add(d.name);
  }
}
