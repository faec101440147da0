/**
 * Every database-facing suite runs on PGlite and, when TEST_DATABASE_URL is set, on PostgreSQL:
 * `describeEachDatabase` declares the suite once per driver, each with a fresh copy of the seeded image.
 */
import { readFileSync } from 'node:fs';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, inject } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import type { Dictionary } from '../../server/dictionary/model.ts';
import { loadDictionary } from '../../server/dictionary/repository.ts';
import { withDatabase } from './global-setup.ts';

export type DatabaseKind = 'pglite' | 'postgres';
export const DATABASE_KINDS: DatabaseKind[] = process.env.TEST_DATABASE_URL
  ? ['pglite', 'postgres']
  : ['pglite'];

export type TestDatabase = {
  kind: DatabaseKind;
  database: Database;
  dictionary: Dictionary;
  close(): Promise<void>;
};

let copies = 0;

export async function openTestDatabase(
  kind: DatabaseKind,
  options: { statementTimeoutMs?: number } = {},
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const image = new Blob([readFileSync(inject('pgliteImage'))]);
    const database = await openDatabase({ kind: 'pglite-memory', loadFrom: image });
    return { kind, database, dictionary: await loadDictionary(database.db), close: () => database.close() };
  }
  const url = process.env.TEST_DATABASE_URL!;
  const template = inject('postgresTemplate')!;
  const name = `ctihost_t${copies++}_${template.split('_').slice(2).join('_')}_${process.pid}`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name} template ${template}`);
  await admin.end();
  const database = await openDatabase({
    kind: 'postgres',
    url: withDatabase(url, name),
    max: 4,
    ...(options.statementTimeoutMs !== undefined ? { statementTimeoutMs: options.statementTimeoutMs } : {}),
  });
  return {
    kind,
    database,
    dictionary: await loadDictionary(database.db),
    async close() {
      await database.close();
      const dropper = postgres(url, { max: 1, onnotice: () => {} });
      await dropper.unsafe(`drop database if exists ${name} with (force)`);
      await dropper.end();
    },
  };
}

/** Declares `body` once per database kind; `db()` gives the suite's own fresh copy. */
export function describeEachDatabase(title: string, body: (db: () => TestDatabase) => void): void {
  describe.each(DATABASE_KINDS)(`${title} [%s]`, (kind) => {
    let current: TestDatabase | undefined;
    beforeAll(async () => {
      current = await openTestDatabase(kind);
    });
    afterAll(async () => {
      await current?.close();
    });
    body(() => {
      if (!current) throw new Error('the test database is not open yet');
      return current;
    });
  });
}
