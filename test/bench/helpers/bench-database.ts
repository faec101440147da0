/**
 * The benchmarks' PostgreSQL database of 100k users and 1M incidents (benchDatabaseName,
 * the one pop.bench.ts uses), found or built, and what the load benchmarks need in it: a telephony token
 * whose secret they know, and the phones of real callers. BENCH_DATABASE_URL (or TEST_DATABASE_URL)
 * names the server; BENCH_USERS / BENCH_INCIDENTS resize the data set.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { createAccountService } from '../../../server/accounts/accounts.ts';
import { openDatabase } from '../../../server/db/database.ts';
import { prepareDatabase } from '../../../server/db/prepare.ts';
import { seedBulk } from '../../../server/seed/bulk.ts';

export const BENCH_USERS = Number(process.env.BENCH_USERS ?? 100_000);
export const BENCH_INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 1_000_000);
/** The telephony token the load benchmarks call with (stored, as every token, only as its hash). */
export const BENCH_TOKEN = `cti_bench_${'b'.repeat(36)}`;

/**
 * The data set's database name. Its version changes with what seedBulk writes, so a database seeded by
 * an earlier version is not measured as if it were this one (v2: every bulk user has a number of its own).
 */
export const benchDatabaseName = (): string => `ctihost_bench_v2_${BENCH_USERS}_${BENCH_INCIDENTS}`;

export type BenchDatabase = { url: string; name: string; phones: string[]; notes: string[] };

export function benchServerUrl(): string {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!url)
    throw new Error(
      'this benchmark runs on PostgreSQL: set BENCH_DATABASE_URL (or TEST_DATABASE_URL), e.g. postgres://postgres@127.0.0.1:5432/test',
    );
  return url;
}

/** The data set's database, seeded on first use (about a minute), with the bench token and `phones` callers' numbers. */
export async function openBenchData(phones: number): Promise<BenchDatabase> {
  const server = benchServerUrl();
  const name = benchDatabaseName();
  const admin = postgres(server, { max: 1, onnotice: () => {} });
  const exists = await admin`select 1 from pg_database where datname = ${name}`;
  if (exists.length === 0) await admin.unsafe(`create database ${name}`);
  await admin.end();
  const target = new URL(server);
  target.pathname = `/${name}`;
  const url = target.toString();
  const notes = [`PostgreSQL ${name}`];

  const database = await openDatabase({ kind: 'postgres', url });
  try {
    const { dictionary } = await prepareDatabase(database, { defaultRegion: 'US', demoData: true });
    const [count] = await database.rows<{ n: number }>(sql`select count(*)::int as n from biz.sys_user`);
    if ((count?.n ?? 0) < BENCH_USERS) {
      const started = performance.now();
      await seedBulk(
        database,
        dictionary,
        { users: BENCH_USERS, incidents: BENCH_INCIDENTS },
        {
          region: 'US',
          onProgress: (table, done, total) => process.stderr.write(`  seeding ${table}: ${done}/${total}\r`),
        },
      );
      await database.rows(sql`analyze`);
      notes.push(`seeded in ${((performance.now() - started) / 1000).toFixed(1)} s`);
    }
    const accounts = createAccountService(database.db);
    if (!(await accounts.actorForToken(BENCH_TOKEN)))
      await accounts.issueToken('load-bench', 'bench', BENCH_TOKEN);
    const rows = await database.rows<{ phone: string }>(
      sql`select phone from biz.sys_user where active and phone is not null and user_name like 'bulk.%' order by sys_id limit ${phones}`,
    );
    return { url, name, phones: rows.map((row) => row.phone), notes };
  } finally {
    await database.close();
  }
}
