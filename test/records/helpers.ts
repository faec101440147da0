/** A reader over a suite's own test database, and short ways to ask it for one column. */
import { createRecordReader } from '../../server/records/reader.ts';
import { RecordError, type RecordReader } from '../../server/records/types.ts';
import { DEMO_USERS } from '../../server/seed/demo-fixtures.ts';
import type { TestDatabase } from '../helpers/database.ts';

export const ABEL = DEMO_USERS[0]!.sys_id;

export function readerFor(db: () => TestDatabase): Required<RecordReader> & {
  values(table: string, query: string, field: string, limit?: number): Promise<unknown[]>;
} {
  const reader = createRecordReader({
    database: { rows: (query) => db().database.rows(query) },
    dictionary: () => db().dictionary,
    defaultRegion: 'US',
  });
  return {
    describe: (table) => reader.describe(table),
    select: (request) => reader.select(request),
    count: (request) => reader.count(request),
    dictionaryToken: () => reader.dictionaryToken!(),
    selectWithFollowing: (request, following) => reader.selectWithFollowing!(request, following),
    async values(table, query, field, limit = 1000) {
      const rows = await reader.select({ table, query, limit });
      return rows.map((row) => row[field]);
    },
  };
}

/** The RecordError a call is refused with (anything else, a result included, fails the test). */
export async function refusal(promise: Promise<unknown>): Promise<string> {
  let result: unknown;
  try {
    result = await promise;
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    return error.message;
  }
  throw new Error(`expected a RecordError, got ${JSON.stringify(result)}`);
}
