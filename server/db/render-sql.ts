/**
 * SQL text and parameters of a drizzle `sql` statement, for the hot path's queries. drizzle's own
 * `sqlToQuery` handles every kind of chunk (tables, columns, views, subqueries, placeholders...) and
 * asks each chunk, in turn, whether it is each of them; for the record reader's statements, built
 * only of text, identifiers, nested `sql` and bound values, that walk cost more CPU per pop than
 * everything else the main thread does for the query. This renders those four kinds with
 * `instanceof` in one pass, to exactly what PgDialect renders (test/records/render-sql.test.ts holds it
 * to that), and hands any statement holding another kind of chunk to drizzle.
 */
import { Name, Param, SQL, StringChunk } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';

export type RenderedSql = { sql: string; params: unknown[] };

const dialect = new PgDialect();

/** A chunk this renderer does not know: the whole statement goes to drizzle. */
const UNKNOWN = Symbol('unknown chunk');

export function renderSql(statement: SQL): RenderedSql {
  return renderKnown(statement) ?? dialect.sqlToQuery(statement);
}

/** The rendering, or null when the statement holds a chunk only drizzle renders. */
export function renderKnown(statement: SQL): RenderedSql | null {
  const params: unknown[] = [];
  const text = renderChunks(statement, params);
  return text === UNKNOWN ? null : { sql: text, params };
}

function renderChunks(statement: SQL, params: unknown[]): string | typeof UNKNOWN {
  // Private in drizzle's types; set by `.inlineParams()`, which asks for values written into the text.
  if ((statement as unknown as { shouldInlineParams: boolean }).shouldInlineParams) return UNKNOWN;
  let out = '';
  for (const chunk of statement.queryChunks as unknown[]) {
    if (chunk instanceof StringChunk) out += chunk.value.join('');
    else if (chunk instanceof SQL) {
      const inner = renderChunks(chunk, params);
      if (inner === UNKNOWN) return UNKNOWN;
      out += inner;
    } else if (chunk instanceof Name) out += dialect.escapeName(chunk.value);
    else if (chunk === undefined) continue;
    else if (chunk === null || typeof chunk !== 'object') {
      // A value written straight into the template: bound, as drizzle binds it.
      params.push(chunk);
      out += dialect.escapeParam(params.length - 1);
    } else if (chunk instanceof Param && !(chunk.value instanceof Object)) {
      const value = chunk.value === null ? null : chunk.encoder.mapToDriverValue(chunk.value);
      if (value !== null && typeof value === 'object') return UNKNOWN;
      params.push(value);
      out += dialect.escapeParam(params.length - 1);
    } else return UNKNOWN;
  }
  return out;
}
