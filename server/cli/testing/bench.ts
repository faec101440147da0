/**
 * Where rule test cases run: a fresh database per case, cloned from one prepared image (migrated,
 * shipped tables, no demo data, and the rules of the directory under test in place of any other).
 * Embedded by default (PGlite in memory, loaded from one dump, as the project's own tests do); with
 * a PostgreSQL URL, a database per case created from a template database and dropped after.
 */
import postgres from 'postgres';
import type { Db } from '../../db/database.ts';
import { type Database, openDatabase } from '../../db/database.ts';
import { prepareDatabase } from '../../db/prepare.ts';
import { rules, ruleVersions } from '../../db/schema.ts';
import { rulesRepository } from '../../rules/repository.ts';
import type { RuleFile } from '../../rules/rule-file.ts';

export type TestBench = {
  fresh(): Promise<{ database: Database; close(): Promise<void> }>;
  close(): Promise<void>;
};

async function prepareImage(database: Database, ruleFiles: RuleFile[], region: string): Promise<void> {
  await prepareDatabase(database, { defaultRegion: region, demoData: false });
  await database.db.transaction(async (tx) => {
    await tx.delete(ruleVersions);
    await tx.delete(rules);
    for (const rule of ruleFiles)
      await rulesRepository.insert(tx as unknown as Db, { ...rule, updatedBy: 'test' });
  });
}

export async function embeddedBench(ruleFiles: RuleFile[], region: string): Promise<TestBench> {
  const prepared = await openDatabase({ kind: 'pglite-memory' });
  let image: Blob;
  try {
    await prepareImage(prepared, ruleFiles, region);
    image = (await prepared.pglite!.dumpDataDir('none')) as Blob;
  } finally {
    await prepared.close();
  }
  return {
    async fresh() {
      const database = await openDatabase({ kind: 'pglite-memory', loadFrom: image });
      return { database, close: () => database.close() };
    },
    async close() {},
  };
}

const onDatabase = (url: string, name: string) => {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
};

export async function postgresBench(url: string, ruleFiles: RuleFile[], region: string): Promise<TestBench> {
  const prefix = `ctihost_rt_${process.pid}_${Date.now().toString(36)}`;
  const template = `${prefix}_tpl`;
  const admin = postgres(url, { max: 1, onnotice: () => {} });
  let copies = 0;
  try {
    await admin.unsafe(`create database ${template}`);
    const prepared = await openDatabase({ kind: 'postgres', url: onDatabase(url, template), max: 2 });
    try {
      await prepareImage(prepared, ruleFiles, region);
    } finally {
      await prepared.close();
    }
  } catch (error) {
    await admin.unsafe(`drop database if exists ${template} with (force)`).catch(() => {});
    await admin.end();
    throw error;
  }
  return {
    async fresh() {
      const name = `${prefix}_${copies++}`;
      await admin.unsafe(`create database ${name} template ${template}`);
      const database = await openDatabase({ kind: 'postgres', url: onDatabase(url, name), max: 4 });
      return {
        database,
        async close() {
          await database.close();
          await admin.unsafe(`drop database if exists ${name} with (force)`);
        },
      };
    },
    async close() {
      await admin.unsafe(`drop database if exists ${template} with (force)`);
      await admin.end();
    },
  };
}
