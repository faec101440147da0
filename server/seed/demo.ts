/**
 * The demo data set loaded into an empty database: the fixtures of demo-fixtures.ts and a few
 * hundred generated users and incidents around them. A seeded PRNG keeps it the same on every machine.
 */
import { sql } from 'drizzle-orm';
import { storageTable } from '../records/sql-values.ts';
import { type UpsertContext, upsertRecords } from '../records/upsert.ts';
import { DEMO_DEVICES, DEMO_INCIDENTS, DEMO_USERS, DEMO_VIEWS } from './demo-fixtures.ts';

const FIRST = [
  'Alice',
  'Bruno',
  'Chen',
  'Dana',
  'Emeka',
  'Fatima',
  'Goran',
  'Hana',
  'Ivan',
  'Julia',
  'Kofi',
  'Lena',
  'Mateo',
  'Nora',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tara',
  'Uma',
  'Victor',
  'Wen',
  'Yusuf',
  'Zoe',
];
const LAST = [
  'Garcia',
  'Nguyen',
  'Okafor',
  'Schmidt',
  'Rossi',
  'Kim',
  'Silva',
  'Novak',
  'Haddad',
  'Larsen',
  'Moreau',
  'Tanaka',
  'Khan',
  'Murphy',
  'Cohen',
  'Ivanova',
];
const DEPARTMENTS = ['Sales', 'IT', 'Finance', 'HR', 'Legal', 'Support', 'Marketing', 'Operations'];
export const AREAS = ['415', '212', '646', '312', '617', '206', '303', '512'];
const SUBJECTS = [
  'Printer jammed',
  'Cannot log in',
  'VPN drops every hour',
  'Monitor flickers',
  'Outlook crashes on start',
  'Need access to shared drive',
  'Phone headset broken',
  'Slow laptop',
  'Wi-Fi unreachable on floor 3',
  'Expense tool error 500',
];
const CATEGORIES = ['inquiry', 'software', 'hardware', 'network', 'database'];

/** mulberry32: tiny, fast and good enough to make demo data repeatable. */
export function prng(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One number written in the many ways directories hold them. */
export function formatPhone(area: string, line: number, style: number, exchange = '555'): string {
  const last = String(line).padStart(4, '0');
  switch (style % 6) {
    case 0:
      return `(${area}) ${exchange}-${last}`;
    case 1:
      return `+1 ${area} ${exchange} ${last}`;
    case 2:
      return `${area}.${exchange}.${last}`;
    case 3:
      return `${area}${exchange}${last}`;
    case 4:
      return `+1-${area}-${exchange}-${last}`;
    default:
      return `1 (${area}) ${exchange} ${last}`;
  }
}

export function generateUsers(count: number, seed = 42) {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  return Array.from({ length: count }, (_, index) => {
    const first = pick(FIRST);
    const last = pick(LAST);
    const id = index + 100;
    return {
      user_name: `${first}.${last}.${id}`.toLowerCase(),
      first_name: first,
      last_name: last,
      name: `${first} ${last}`,
      employee_number: `E${String(id).padStart(5, '0')}`,
      email: `${first}.${last}.${id}@example.com`.toLowerCase(),
      phone: formatPhone(pick(AREAS), 1000 + (index % 9000), index),
      mobile_phone: random() < 0.3 ? formatPhone(pick(AREAS), 2000 + (index % 8000), index + 3) : null,
      department: pick(DEPARTMENTS),
      vip: random() < 0.05,
      active: random() > 0.05,
    };
  });
}

export function generateIncidents(count: number, callers: readonly string[], seed = 7) {
  const random = prng(seed);
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const now = Date.UTC(2026, 0, 1);
  return Array.from({ length: count }, () => {
    const state = pick([1, 2, 3, 6, 7, 7, 7]);
    return {
      caller_id: pick(callers),
      short_description: pick(SUBJECTS),
      category: pick(CATEGORIES),
      contact_type: pick(['phone', 'email', 'self-service']),
      state,
      active: state < 6,
      priority: 1 + Math.floor(random() * 5),
      impact: 1 + Math.floor(random() * 3),
      urgency: 1 + Math.floor(random() * 3),
      opened_at: new Date(now - Math.floor(random() * 90 * 86400_000)).toISOString(),
    };
  });
}

export async function isEmpty(ctx: UpsertContext): Promise<boolean> {
  const users = ctx.dictionary.get('sys_user');
  if (!users) return true;
  const rows = await ctx.database.rows<{ any: boolean }>(
    sql`select exists(select 1 from ${storageTable(users.storage)}) as any`,
  );
  return !rows[0]?.any;
}

export async function loadDemoData(
  ctx: UpsertContext,
  sizes = { users: 300, incidents: 400 },
): Promise<void> {
  const fixtures = DEMO_USERS.map((u) => ({
    active: true,
    vip: false,
    ...u,
    name: `${u.first_name} ${u.last_name}`,
  }));
  const users = await upsertRecords(ctx, 'sys_user', [...fixtures, ...generateUsers(sizes.users)]);
  await upsertRecords(ctx, 'cmn_notif_device', DEMO_DEVICES);
  const callers = users.sysIds.slice(DEMO_USERS.length);
  await upsertRecords(ctx, 'incident', [
    ...DEMO_INCIDENTS.map((incident) => ({
      contact_type: 'phone',
      opened_at: '2026-01-02 09:00:00',
      ...incident,
    })),
    ...generateIncidents(sizes.incidents, callers),
  ]);
  await upsertRecords(ctx, 'sys_ui_view', DEMO_VIEWS);
}
