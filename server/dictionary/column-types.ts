/**
 * The column types of the data dictionary (SPEC §4). No imports: the console (admin-ui) bundles this
 * very list for its table forms, so the two can never disagree.
 */
export const COLUMN_TYPES = [
  'string',
  'integer',
  'boolean',
  'datetime',
  'reference',
  'phone',
  'email',
  'choice',
  'journal',
] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];
