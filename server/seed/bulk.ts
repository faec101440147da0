/**
 * Large data sets for benchmarks (`ctihost seed --users N --incidents M`, SPEC §4): rows are generated
 * in batches and each batch is ONE statement with ONE parameter (the rows as JSON, expanded by
 * jsonb_to_recordset), which is fast on both drivers and never near PostgreSQL's parameter limit.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.ts';
import type { Dictionary } from '../dictionary/model.ts';
import { e164Column, type TableInfo } from '../dictionary/model.ts';
import { toE164 } from '../records/phone.ts';
import { storageTable } from '../records/sql-values.ts';
import { AREAS, formatPhone, generateIncidents, generateUsers } from './demo.ts';

export type BulkProgress = (table: string, done: number, total: number) => void;

const LINES = 10_000;

/**
 * The numbers of the `at`-th bulk user: its own, as in a real directory, where a number finds one
 * caller. generateUsers' numbers (the demo's few hundred users) repeat every few thousand users: on
 * 100k bulk users nearly every caller shared theirs (a picker, not their screen), and the benchmarks
 * measured that path. Phones take exchanges 200–499 and mobiles 600–899, so the two never meet, nor
 * the demo's 555 numbers (unique up to 24 million users); every style of writing a number is used, as
 * callers' clients do.
 */
export function bulkPhones(at: number, withMobile: boolean): { phone: string; mobile_phone: string | null } {
  const area = AREAS[at % AREAS.length]!;
  const rest = Math.floor(at / AREAS.length);
  const exchange = Math.floor(rest / LINES) % 300;
  return {
    phone: formatPhone(area, rest % LINES, at, String(200 + exchange)),
    mobile_phone: withMobile ? formatPhone(area, rest % LINES, at + 3, String(600 + exchange)) : null,
  };
}

const SQL_TYPE: Record<string, string> = {
  integer: 'integer',
  boolean: 'boolean',
  datetime: 'timestamptz',
  reference: 'uuid',
  journal: 'jsonb',
};

async function insertBatch(
  database: Database,
  table: TableInfo,
  rows: Record<string, unknown>[],
): Promise<void> {
  const names = new Set<string>();
  for (const row of rows) for (const name of Object.keys(row)) names.add(name);
  const columns = [...names].map((name) => {
    const column = table.columns.get(name);
    if (name.endsWith('__e164')) return { name, type: 'text' };
    if (name === 'sys_id') return { name, type: 'uuid' };
    if (!column) throw new Error(`${table.name} has no column ${name}`);
    return { name, type: SQL_TYPE[column.type] ?? 'text' };
  });
  const list = sql.join(
    columns.map((c) => sql.identifier(c.name)),
    sql`, `,
  );
  const shape = sql.join(
    columns.map((c) => sql`${sql.identifier(c.name)} ${sql.raw(c.type)}`),
    sql`, `,
  );
  await database.rows(sql`insert into ${storageTable(table.storage)} (sys_class_name, ${list})
    select ${table.name}, ${list} from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as x(${shape})`);
}

export async function seedBulk(
  database: Database,
  dictionary: Dictionary,
  sizes: { users: number; incidents: number },
  options: { region: string; batch?: number; onProgress?: BulkProgress; seed?: number },
): Promise<{ users: number; incidents: number }> {
  const batch = options.batch ?? 5000;
  const users = dictionary.get('sys_user')!;
  const incidents = dictionary.get('incident')!;
  const seed = options.seed ?? Date.now() % 100_000;
  const userIds: string[] = [];
  for (let done = 0; done < sizes.users; done += batch) {
    const count = Math.min(batch, sizes.users - done);
    const rows = generateUsers(count, seed + done).map((user, index) => {
      const id = crypto.randomUUID();
      userIds.push(id);
      const n = seed * 10_000_000 + done + index;
      const { phone, mobile_phone } = bulkPhones(done + index, user.mobile_phone !== null);
      return {
        ...user,
        sys_id: id,
        user_name: `bulk.${n}`,
        employee_number: `B${n}`,
        email: `bulk.${n}@example.com`,
        phone,
        [e164Column('phone')]: toE164(phone, options.region),
        mobile_phone,
        [e164Column('mobile_phone')]: toE164(mobile_phone, options.region),
      };
    });
    await insertBatch(database, users, rows);
    options.onProgress?.('sys_user', done + count, sizes.users);
  }
  const callers = userIds.length > 0 ? userIds : [];
  const sequence = sql`${`biz.${incidents.numberSequenceOf ?? 'incident'}__number_seq`}::regclass`;
  for (let done = 0; done < sizes.incidents; done += batch) {
    const count = Math.min(batch, sizes.incidents - done);
    const [first] = await database.rows<{ n: number }>(sql`select nextval(${sequence})::int as n`);
    // Reserve a block of numbers with one call: setval past the batch.
    await database.rows(sql`select setval(${sequence}, ${first!.n + count - 1})`);
    const rows = generateIncidents(
      count,
      callers.length ? callers : [null as unknown as string],
      seed + done,
    ).map((incident, i) => ({
      ...incident,
      ...(callers.length ? {} : { caller_id: null }),
      number: `${incidents.numberPrefix}${String(first!.n + i).padStart(7, '0')}`,
    }));
    await insertBatch(database, incidents, rows);
    options.onProgress?.('incident', done + count, sizes.incidents);
  }
  return { users: sizes.users, incidents: sizes.incidents };
}
