/**
 * Processes starting at once on one empty PostgreSQL (compose starts two): exactly one seeds the demo
 * data, loads the shipped rules and creates the first admin and telephony token; the others find
 * them and start too. Each "process" here is a pool of its own on the same fresh database.
 */
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase } from '../../server/db/database.ts';
import { firstStart } from '../../server/ops/first-start.ts';
import { DEMO_USERS } from '../../server/seed/demo-fixtures.ts';
import { withDatabase } from '../helpers/global-setup.ts';

const url = process.env.TEST_DATABASE_URL;
const STARTS = 3;

describe.runIf(url)('first start of several processes at once [postgres]', () => {
  const name = `ctihost_race_${process.pid}_${Date.now().toString(36)}`;
  const databases: Database[] = [];
  beforeAll(async () => {
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    for (let i = 0; i < STARTS; i++)
      databases.push(await openDatabase({ kind: 'postgres', url: withDatabase(url!, name), max: 4 }));
  });
  afterAll(async () => {
    for (const database of databases) await database.close();
    const admin = postgres(url!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  });

  it('seeds once, creates one admin and one token, and every process starts', async () => {
    const said: string[] = [];
    const logger = { info: (m: string) => said.push(m), warn: (m: string) => said.push(m) };
    const config = { defaultRegion: 'US', adminPassword: undefined, ctiToken: undefined };
    const started = await Promise.allSettled(
      databases.map((database) => firstStart(config, database, logger)),
    );
    expect(started.map((start) => start.status)).toEqual(Array(STARTS).fill('fulfilled'));

    const [database] = databases;
    const count = async (query: ReturnType<typeof sql>) => (await database!.rows<{ n: number }>(query))[0]?.n;
    expect(await count(sql`select count(*)::int as n from accounts`)).toBe(1);
    expect(await count(sql`select count(*)::int as n from api_tokens`)).toBe(1);
    // Seeded once: every demo user once (a second seeding would repeat them).
    expect(await count(sql`select count(*)::int as n from biz.sys_user`)).toBeGreaterThanOrEqual(
      DEMO_USERS.length,
    );
    expect(
      await count(sql`select count(*)::int - count(distinct user_name)::int as n from biz.sys_user`),
    ).toBe(0);
    expect(
      await count(
        sql`select count(*)::int as n from biz.sys_user where sys_id = ${DEMO_USERS[0]!.sys_id}::uuid`,
      ),
    ).toBe(1);
    expect(await count(sql`select count(*)::int as n from rules where name = 'CTIProcessing'`)).toBe(1);
    // The one-time secrets are told once, by the one process that made them.
    expect(said.filter((line) => line.includes('created account "admin"'))).toHaveLength(1);
    expect(said.filter((line) => line.includes('issued the telephony API token'))).toHaveLength(1);
    expect(said.filter((line) => line.includes('demo data loaded'))).toHaveLength(1);
  });
});
