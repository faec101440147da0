/**
 * Rows of the hot path's queries as prepared statements, on PostgreSQL. drizzle's `execute` never
 * prepares, so PostgreSQL plans every query afresh, and planning a lookup on a table with an index
 * per column costs several times its execution (0.7 ms against 0.2 ms for a sys_user phone lookup).
 * postgres-js keeps one prepared statement per query text and connection, so the record reader's
 * queries, whose text depends only on their shape, are planned once. PGlite gets the plain path.
 */
import type { SQL } from 'drizzle-orm';
import type postgres from 'postgres';
import type { Database, Row } from './database.ts';
import { renderSql } from './render-sql.ts';

export function preparedRows(database: Database): Pick<Database, 'rows'> {
  const client = (database.db as unknown as { $client?: postgres.Sql }).$client;
  if (database.kind !== 'postgres' || !client?.unsafe) return database;
  return {
    async rows<T extends Row = Row>(query: SQL, on?: Database['db']): Promise<T[]> {
      if (on && on !== database.db) return database.rows<T>(query, on);
      return preparedStatementRows<T>(client, query);
    },
  };
}

/** The statement on `client`'s pool as a prepared statement (one per query text and connection). */
export async function preparedStatementRows<T extends Row = Row>(
  client: postgres.Sql,
  query: SQL,
): Promise<T[]> {
  const compiled = renderSql(query);
  const rows = await client.unsafe(compiled.sql, compiled.params as postgres.ParameterOrJSON<never>[], {
    prepare: true,
  });
  return rows as unknown as T[];
}
