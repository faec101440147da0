/**
 * SQL as the record reader builds it: text, identifiers and bound values, flattened as it is built.
 *
 * WHY NOT DRIZZLE'S `sql` HERE. A drizzle `sql` template makes an object per chunk, and its
 * constructor asks every chunk whether it is a Table (entity.js `is`, a walk up prototypes). The
 * reader builds a few hundred chunks per query (each condition, alias and cast is a template), and
 * under load that asking was the largest single cost of a pop's queries on the main thread (about a
 * tenth of a pop's CPU with the rendering). This builder keeps the same three kinds of piece: text
 * written in the code, identifiers escaped exactly as drizzle's PgDialect escapes them, and values,
 * always bound. The statement goes to the database as ONE drizzle `sql` of flat chunks (toDrizzle),
 * so the drivers, the prepared-statement path and drizzle's own rendering see what they saw before.
 */
import { type SQL, StringChunk, sql } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

/** What a statement binds: a list goes as JSON text (see jsonb_array_elements_text in the builders). */
export type Bindable = string | number | boolean | null;

/** Text and the values it binds, in order: `parts.length === values.length + 1`. */
export class SqlText {
  readonly parts: readonly string[];
  readonly values: readonly Bindable[];
  constructor(parts: readonly string[], values: readonly Bindable[]) {
    this.parts = parts;
    this.values = values;
  }
}

/**
 * A template of SQL text: a nested SqlText is written in place, any other value is bound. Written
 * into the template, never concatenated from input: identifiers come through `identifier`.
 */
export function sqlText(strings: TemplateStringsArray, ...args: readonly (SqlText | Bindable)[]): SqlText {
  const parts = [strings[0]!];
  const values: Bindable[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg instanceof SqlText) append(parts, values, arg);
    else {
      values.push(arg);
      parts.push('');
    }
    parts[parts.length - 1] += strings[i + 1]!;
  }
  return new SqlText(parts, values);
}

function append(parts: string[], values: Bindable[], text: SqlText): void {
  parts[parts.length - 1] += text.parts[0]!;
  for (let j = 0; j < text.values.length; j++) {
    values.push(text.values[j]!);
    parts.push(text.parts[j + 1]!);
  }
}

/**
 * `text` with the one value it binds that equals `value` and is followed by `followedBy` (a cast)
 * written as `replacement` instead; null unless there is exactly one binding of `value`, so that
 * anything that changed or repeated it while building (a LIKE pattern, a list) is never guessed at.
 */
export function replaceBoundValue(
  text: SqlText,
  value: Bindable,
  followedBy: string,
  replacement: SqlText,
): SqlText | null {
  let at = -1;
  for (let i = 0; i < text.values.length; i++) {
    if (text.values[i] !== value) continue;
    if (at >= 0 || !text.parts[i + 1]!.startsWith(followedBy)) return null;
    at = i;
  }
  if (at < 0) return null;
  const parts = [text.parts[0]!];
  const values: Bindable[] = [];
  for (let i = 0; i < text.values.length; i++) {
    if (i === at) append(parts, values, replacement);
    else {
      values.push(text.values[i]!);
      parts.push('');
    }
    parts[parts.length - 1] += text.parts[i + 1]!;
  }
  return new SqlText(parts, values);
}

/** Text written by the code itself (an operator, a cast), never from input. */
export const rawSql = (text: string): SqlText => new SqlText([text], []);

const dialect = new PgDialect();

/** A name of the dictionary, escaped as drizzle's sql.identifier renders it. */
export const identifier = (name: string): SqlText => rawSql(dialect.escapeName(name));

export function joinSql(items: readonly SqlText[], separator: string): SqlText {
  const parts = [''];
  const values: Bindable[] = [];
  for (let i = 0; i < items.length; i++) {
    if (i > 0) parts[parts.length - 1] += separator;
    append(parts, values, items[i]!);
  }
  return new SqlText(parts, values);
}

/** The statement as drizzle `sql` of flat chunks: text, value, text… (a bare value is bound). */
export function toDrizzle(text: SqlText): SQL {
  const chunks: unknown[] = [new StringChunk(text.parts[0]!)];
  for (let i = 0; i < text.values.length; i++)
    chunks.push(text.values[i], new StringChunk(text.parts[i + 1]!));
  return sql.fromList(chunks as Parameters<typeof sql.fromList>[0]);
}
