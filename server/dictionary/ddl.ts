/**
 * DDL for business tables, built from validated dictionary definitions. Identifiers go through
 * `sql.identifier` after the zod checks of definition.ts; nothing from input is ever spliced raw.
 */
import { createHash } from 'node:crypto';
import { type SQL, sql } from 'drizzle-orm';
import { type ColumnType, PG_TYPES } from './definition.ts';
import { BUSINESS_SCHEMA, e164Column } from './model.ts';

const ident = (name: string) => sql.identifier(name);
const physical = (storage: string) => sql`${ident(BUSINESS_SCHEMA)}.${ident(storage)}`;

/** PostgreSQL cuts names at 63 bytes; long pairs get a short hash instead of a silent, colliding cut. */
export function indexName(storage: string, column: string): string {
  const name = `${storage}__${column}__idx`;
  if (name.length <= 63) return name;
  return `ix_${createHash('sha256').update(name).digest('hex').slice(0, 40)}`;
}

/** A journal is never null: entries are appended to it. */
const columnType = (type: ColumnType) =>
  type === 'journal' ? "jsonb not null default '[]'::jsonb" : PG_TYPES[type];

/** Column types compared without regard to case (`name=abel tuter` finds Abel Tuter). */
export const CASE_INSENSITIVE = new Set<ColumnType>(['string', 'email', 'choice']);

export const createSchema = () => sql`create schema if not exists ${ident(BUSINESS_SCHEMA)}`;

export function createStorageTable(storage: string): SQL[] {
  return [
    sql`create table ${physical(storage)} (
      sys_id uuid primary key default gen_random_uuid(),
      sys_class_name text not null,
      sys_created_on timestamptz not null default now(),
      sys_updated_on timestamptz not null default now()
    )`,
    sql`create index ${ident(indexName(storage, 'sys_class_name'))} on ${physical(storage)} (sys_class_name)`,
  ];
}

export const numberSequence = (table: string) => `${table}__number_seq`;

export function createNumberSequence(table: string): SQL {
  return sql`create sequence if not exists ${ident(BUSINESS_SCHEMA)}.${ident(numberSequence(table))} start 10001`;
}

export function addColumn(storage: string, column: string, type: ColumnType): SQL[] {
  const statements = [
    sql`alter table ${physical(storage)} add column ${ident(column)} ${sql.raw(columnType(type))}`,
  ];
  if (type === 'journal') return statements;
  if (column === 'number') {
    statements.push(
      sql`create unique index ${ident(indexName(storage, column))} on ${physical(storage)} (${ident(column)})`,
    );
  } else if (CASE_INSENSITIVE.has(type)) {
    // Text matches ignore case, as on the original platform: the index is on lower(column).
    statements.push(
      sql`create index ${ident(indexName(storage, column))} on ${physical(storage)} (lower(${ident(column)}))`,
    );
  } else {
    statements.push(
      sql`create index ${ident(indexName(storage, column))} on ${physical(storage)} (${ident(column)})`,
    );
  }
  if (type === 'phone') {
    const e164 = e164Column(column);
    statements.push(sql`alter table ${physical(storage)} add column ${ident(e164)} text`);
    statements.push(
      sql`create index ${ident(indexName(storage, e164))} on ${physical(storage)} (${ident(e164)})`,
    );
  }
  return statements;
}
