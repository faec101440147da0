/**
 * The shapes of the data dictionary at its boundary (API bodies, dictionary files), as zod schemas.
 * A definition that passes here is safe to turn into DDL: every identifier has been checked.
 */
import { z } from 'zod';

import { COLUMN_TYPES, type ColumnType } from './column-types.ts';

export { COLUMN_TYPES, type ColumnType };

/** The PostgreSQL type that stores each column type: one table for the DDL and for bound values. */
export const PG_TYPES: Record<ColumnType, string> = {
  string: 'text',
  email: 'text',
  choice: 'text',
  phone: 'text',
  integer: 'integer',
  boolean: 'boolean',
  datetime: 'timestamptz',
  reference: 'uuid',
  journal: 'jsonb',
};

/** Columns every business table has; the service sets them, never a script or an import. */
export const SYSTEM_COLUMNS = ['sys_id', 'sys_class_name', 'sys_created_on', 'sys_updated_on'] as const;

/** Names a business table may never take: the system tables and PostgreSQL's own catalogs. */
export const RESERVED_TABLE_NAMES = new Set([
  'dict_tables',
  'dict_columns',
  'rules',
  'rule_versions',
  'call_log',
  'write_audit',
  'accounts',
  'sessions',
  'api_tokens',
  'sys_db_object',
  'sys_dictionary',
  'sys_script',
]);

/**
 * Lower-case identifiers as ServiceNow writes them (`hr_case`, `u_caller_authenticated`). A double
 * underscore is kept for the columns the host derives (`phone__e164`), and 63 bytes is PostgreSQL's limit.
 */
export const identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, { message: 'must start with a lower-case letter and hold only a-z, 0-9 and _' })
  .max(60, { message: 'must be at most 60 characters' })
  .refine((name) => !name.includes('__'), {
    message: 'must not contain a double underscore (kept for derived columns)',
  })
  .refine((name) => !name.startsWith('pg_'), { message: 'must not start with pg_ (kept by PostgreSQL)' });

export const tableName = identifier.refine((name) => !RESERVED_TABLE_NAMES.has(name), {
  message: 'is the name of a system table',
});

const choice = z.object({ value: z.union([z.string().min(1), z.number().int()]), label: z.string().min(1) });

export const columnDefinition = z
  .object({
    name: identifier.refine((name) => !(SYSTEM_COLUMNS as readonly string[]).includes(name), {
      message: 'is a system field every table already has',
    }),
    type: z.enum(COLUMN_TYPES),
    label: z.string().trim().min(1).max(80).optional(),
    reference: tableName.optional(),
    choices: z.array(choice).min(1).max(500).optional(),
  })
  .strict()
  .superRefine((column, ctx) => {
    if (column.type === 'reference' && !column.reference) {
      ctx.addIssue({
        code: 'custom',
        path: ['reference'],
        message: 'a reference column must name the table it refers to',
      });
    }
    if (column.type !== 'reference' && column.reference) {
      ctx.addIssue({ code: 'custom', path: ['reference'], message: 'only a reference column names a table' });
    }
    if (column.choices && column.type !== 'choice' && column.type !== 'integer' && column.type !== 'string') {
      ctx.addIssue({
        code: 'custom',
        path: ['choices'],
        message: 'only choice, integer and string columns take choices',
      });
    }
    if (column.type === 'integer' && column.choices?.some((c) => typeof c.value !== 'number')) {
      ctx.addIssue({
        code: 'custom',
        path: ['choices'],
        message: 'the choices of an integer column must be integers',
      });
    }
  });
export type ColumnDefinition = z.output<typeof columnDefinition>;

export const tableDefinition = z
  .object({
    name: tableName,
    label: z.string().trim().min(1).max(80).optional(),
    extends: tableName.optional(),
    /** Prefix of the `number` column of task-like tables (INC, HRC); inherited from the parent when absent. */
    numberPrefix: z
      .string()
      .regex(/^[A-Z]{2,8}$/, { message: 'must be 2 to 8 upper-case letters' })
      .optional(),
    displayField: identifier.optional(),
    columns: z.array(columnDefinition).max(400).default([]),
  })
  .strict()
  .superRefine((table, ctx) => {
    const seen = new Set<string>();
    table.columns.forEach((column, index) => {
      if (seen.has(column.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['columns', index, 'name'],
          message: `column ${column.name} is declared twice`,
        });
      }
      seen.add(column.name);
    });
    if (table.extends === table.name) {
      ctx.addIssue({ code: 'custom', path: ['extends'], message: 'a table cannot extend itself' });
    }
  });
export type TableDefinition = z.output<typeof tableDefinition>;
export type TableDefinitionInput = z.input<typeof tableDefinition>;

/** The exported dictionary: the format of `GET/PUT /api/dictionary` and `ctihost dictionary pull|push`. */
export const dictionaryFile = z
  .object({
    tables: z.array(tableDefinition).max(2000),
  })
  .strict();
export type DictionaryFile = z.output<typeof dictionaryFile>;
