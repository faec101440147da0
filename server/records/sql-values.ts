/** Bound parameters with explicit casts, so both drivers send every value as what its column holds. */
import { type SQL, sql } from 'drizzle-orm';
import { type ColumnType, PG_TYPES } from '../dictionary/definition.ts';
import { BUSINESS_SCHEMA } from '../dictionary/model.ts';
import type { StoredValue } from '../dictionary/values.ts';
import { identifier, rawSql, type SqlText, sqlText, toDrizzle } from './sql-text.ts';

const CASTS: Record<ColumnType | 'uuid', string> = { ...PG_TYPES, uuid: 'uuid' };

export function bindValue(type: ColumnType | 'uuid', value: StoredValue): SQL {
  if (value === null) return sql`null`;
  const bound = Array.isArray(value) ? JSON.stringify(value) : value;
  return sql`${bound}::${sql.raw(CASTS[type])}`;
}

/** A business table's storage, schema-qualified, for the reader's SqlText (query-builder.ts). */
export const storageText = (storage: string): SqlText =>
  sqlText`${identifier(BUSINESS_SCHEMA)}.${identifier(storage)}`;

export const storageTable = (storage: string): SQL => toDrizzle(storageText(storage));

/**
 * `column in (…)` for a list bound as ONE parameter (drizzle would expand a JS array into a tuple,
 * and the two drivers serialise arrays differently): the list travels as JSON text.
 */
export function inListText(values: readonly (string | number)[], type: 'text' | 'uuid' | 'integer'): SqlText {
  return sqlText`(select jsonb_array_elements_text(${JSON.stringify(values)}::jsonb)::${rawSql(type)})`;
}

export const inList = (values: readonly (string | number)[], type: 'text' | 'uuid' | 'integer'): SQL =>
  toDrizzle(inListText(values, type));
