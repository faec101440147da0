/**
 * Values coerced the way ServiceNow exports and scripts write them ("2" into an integer is 2,
 * "true" into a boolean, "" is null), validated per column type with zod. What cannot be coerced
 * is refused with a message naming the field.
 */
import { z } from 'zod';
import { toE164 } from '../records/phone.ts';
import type { ColumnInfo } from './model.ts';

export type StoredValue = string | number | boolean | null | JournalEntry[];
export type JournalEntry = { at: string; by: string; text: string };

const blankToNull = (value: unknown) => (value === '' || value === undefined ? null : value);

const integer = z.preprocess(
  (value) => (typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value),
  z
    .number({ message: 'expected a whole number' })
    .int({ message: 'expected a whole number' })
    .min(-2147483648)
    .max(2147483647),
);

const boolean = z.preprocess(
  (value) => {
    if (typeof value !== 'string') return value;
    const text = value.trim().toLowerCase();
    if (text === 'true' || text === '1' || text === 'yes') return true;
    if (text === 'false' || text === '0' || text === 'no') return false;
    return value;
  },
  z.boolean({ message: 'expected true or false' }),
);

/** ISO 8601, or ServiceNow's "2024-03-01 14:05:00" (UTC). */
const datetime = z.preprocess(
  (value) => {
    if (value instanceof Date) return value.toISOString();
    if (typeof value !== 'string') return value;
    const text = value.trim();
    const glide = /^(\d{4}-\d{2}-\d{2}) (\d{2}:\d{2}(:\d{2})?)$/.exec(text);
    const candidate = glide ? `${glide[1]}T${glide[2]}Z` : text;
    const date = new Date(candidate);
    return /^\d{4}-\d{2}-\d{2}/.test(candidate) && !Number.isNaN(date.getTime()) ? date.toISOString() : value;
  },
  z.iso
    .datetime({ message: 'expected a date and time such as 2024-03-01 14:05:00', offset: true })
    // ISO 8601 and JavaScript have a year 0; PostgreSQL has none and refuses the whole statement.
    .refine((value) => !value.startsWith('0000-'), { message: 'expected a date in the year 1 or later' }),
);

/** uuid, or ServiceNow's 32 hex digits, stored as uuid. */
const sysId = z.preprocess(
  (value) =>
    typeof value === 'string' && /^[0-9a-f]{32}$/i.test(value.trim())
      ? value
          .trim()
          .toLowerCase()
          .replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5')
      : typeof value === 'string'
        ? value.trim().toLowerCase()
        : value,
  // guid, not uuid: ServiceNow's ids are 128 random bits without RFC 4122 version bits.
  z.guid({ message: 'expected a sys_id (32 hex digits or a uuid)' }),
);

const text = z
  .union([z.string(), z.number().transform(String)], { message: 'expected text' })
  // PostgreSQL's text cannot hold U+0000: refused here it names the field, not the database's error.
  .pipe(
    z
      .string()
      .max(65536)
      .refine((value) => !value.includes('\u0000'), { message: 'must not contain a NUL character (U+0000)' })
      // A lone UTF-16 surrogate is not text: the driver binds it as U+FFFD into a text column, but a
      // journal's jsonb and the write audit refused it (22P02) and failed the write. Stored as the
      // driver would store it, everywhere.
      .transform((value) => value.toWellFormed()),
  );
const email = text.pipe(z.string().regex(/^[^\s@]+@[^\s@]+$/, { message: 'expected an email address' }));

export const normaliseSysId = (value: unknown): string | null => {
  const parsed = sysId.safeParse(value);
  return parsed.success ? parsed.data : null;
};

/**
 * A column's schema depends only on its type and its choices; building one costs 5–15 µs and a call
 * coerces several values (each condition of a rule's query), so each is built once: per type, and per
 * choices list (the dictionary's own array, the same object until the dictionary is reloaded).
 */
const schemasByType = new Map<string, z.ZodType<StoredValue>>();
const schemasByChoices = new WeakMap<object, Map<string, z.ZodType<StoredValue>>>();

export function columnSchema(column: Pick<ColumnInfo, 'type' | 'choices'>): z.ZodType<StoredValue> {
  const byChoices = column.choices ? schemasByChoices.get(column.choices) : undefined;
  const cached = column.choices ? byChoices?.get(column.type) : schemasByType.get(column.type);
  if (cached) return cached;
  const built = buildColumnSchema(column);
  if (!column.choices) schemasByType.set(column.type, built);
  else if (byChoices) byChoices.set(column.type, built);
  else schemasByChoices.set(column.choices, new Map([[column.type, built]]));
  return built;
}

function buildColumnSchema(column: Pick<ColumnInfo, 'type' | 'choices'>): z.ZodType<StoredValue> {
  const base = ((): z.ZodType<StoredValue> => {
    switch (column.type) {
      case 'integer':
        return integer;
      case 'boolean':
        return boolean;
      case 'datetime':
        return datetime;
      case 'reference':
        return sysId;
      case 'email':
        return email;
      case 'journal':
        return text.transform((entry): JournalEntry[] => [
          { at: new Date().toISOString(), by: 'import', text: entry },
        ]);
      default:
        return text;
    }
  })();
  const choices = column.choices;
  const checked = choices
    ? base.refine((value) => choices.some((c) => String(c.value) === String(value)), {
        message: `expected one of ${choices.map((c) => String(c.value)).join(', ')}`,
      })
    : base;
  return z.preprocess(blankToNull, checked.nullable()) as z.ZodType<StoredValue>;
}

export type Coerced = { ok: true; value: StoredValue } | { ok: false; message: string };

export function coerceValue(column: ColumnInfo, raw: unknown): Coerced {
  const result = columnSchema(column).safeParse(raw);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: `${column.name}: ${result.error.issues[0]?.message ?? 'invalid value'}` };
}

/** The derived E.164 column of a phone value. */
export const phoneE164 = (value: StoredValue, region: string) =>
  typeof value === 'string' ? toE164(value, region) : null;
