/**
 * Prepares one migrated, seeded database image per run (STYLE §7): a PGlite data dump on disk, and,
 * with TEST_DATABASE_URL, a PostgreSQL template database. Every suite then clones its own copy.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import postgres from 'postgres';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/db/database.ts';
import { prepareDatabase } from '../../server/db/prepare.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteImage: string;
    postgresTemplate: string | null;
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'ctihost-test-'));
  const image = join(dir, 'image.tar');
  const embedded = await openDatabase({ kind: 'pglite-memory' });
  await prepareDatabase(embedded, { defaultRegion: 'US', demoData: true });
  const dump = await embedded.pglite!.dumpDataDir('none');
  writeFileSync(image, Buffer.from(await dump.arrayBuffer()));
  await embedded.close();
  project.provide('pgliteImage', image);

  const url = process.env.TEST_DATABASE_URL;
  let template: string | null = null;
  if (url) {
    template = `ctihost_tpl_${process.pid}_${Date.now()}`;
    const admin = postgres(url, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${template}`);
    const prepared = await openDatabase({ kind: 'postgres', url: withDatabase(url, template), max: 2 });
    await prepareDatabase(prepared, { defaultRegion: 'US', demoData: true });
    await prepared.close();
    await admin.end();
  }
  project.provide('postgresTemplate', template);

  return async () => {
    rmSync(dir, { recursive: true, force: true });
    if (url && template) {
      const admin = postgres(url, { max: 1, onnotice: () => {} });
      // Suites drop their own copies; this sweeps up after a crashed one as well.
      const stale = await admin<
        { datname: string }[]
      >`select datname from pg_database where datname like ${`ctihost_t%_${process.pid}_%`}`;
      for (const { datname } of stale) await admin.unsafe(`drop database if exists ${datname} with (force)`);
      await admin.unsafe(`drop database if exists ${template} with (force)`);
      await admin.end();
    }
  };
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}
