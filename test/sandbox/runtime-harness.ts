/**
 * A tiny host for the runtime's tests: one isolate and context per run, `$host` answered by an
 * in-memory fake (a few tables shaped like the shipped ones, a naive encoded-query filter), the
 * prelude, `$runtime.begin`, the rule, `$runtime.finish`. Every host call is recorded.
 */
import ivm from 'isolated-vm';
import type { RecordRow, TableDescription } from '../../server/records/types.ts';
import { PRELUDE_SOURCE, type RuntimeAnswer, STANDARD_PARAMS } from '../../server/sandbox/runtime/index.ts';

export const ABEL = '6816f79c-c0a8-0164-01c5-a33be04be441';
export const BETH = '46d44a5d-a9fe-1981-0018-7d1a8eba1f6b';
export const MONA = 'a8f98bb0-eb32-0100-2fd4-d13cabd80c22';
export const INC1 = '11111111-0000-4000-8000-000000000001';
export const INC2 = '11111111-0000-4000-8000-000000000002';
export const INC3 = '11111111-0000-4000-8000-000000000003';

const sys = [
  { name: 'sys_id', type: 'string', label: 'Sys ID' },
  { name: 'sys_class_name', type: 'string', label: 'Class' },
];
const level = (labels: string[]) => labels.map((label, i) => ({ value: i + 1, label }));
const taskColumns = [
  ...sys,
  { name: 'number', type: 'string', label: 'Number' },
  { name: 'short_description', type: 'string', label: 'Short description' },
  {
    name: 'state',
    type: 'integer',
    label: 'State',
    choices: [
      { value: 1, label: 'New' },
      { value: 2, label: 'In Progress' },
      { value: 7, label: 'Closed' },
    ],
  },
  {
    name: 'priority',
    type: 'integer',
    label: 'Priority',
    choices: level(['1 - Critical', '2 - High', '3 - Moderate']),
  },
  { name: 'active', type: 'boolean', label: 'Active' },
  { name: 'caller_id', type: 'reference', label: 'Caller', reference: 'sys_user' },
  { name: 'category', type: 'choice', label: 'Category', choices: [{ value: 'network', label: 'Network' }] },
  { name: 'opened_at', type: 'datetime', label: 'Opened' },
];

export const TABLES: TableDescription[] = [
  {
    name: 'sys_user',
    label: 'User',
    displayField: 'name',
    columns: [
      ...sys,
      { name: 'user_name', type: 'string', label: 'User ID' },
      { name: 'name', type: 'string', label: 'Name' },
      { name: 'employee_number', type: 'string', label: 'Employee number' },
      { name: 'phone', type: 'phone', label: 'Business phone' },
      { name: 'manager', type: 'reference', label: 'Manager', reference: 'sys_user' },
      { name: 'vip', type: 'boolean', label: 'VIP' },
      { name: 'active', type: 'boolean', label: 'Active' },
    ],
  },
  { name: 'task', label: 'Task', displayField: 'number', columns: taskColumns },
  { name: 'incident', label: 'Incident', extends: 'task', displayField: 'number', columns: taskColumns },
];

const user = (sys_id: string, user_name: string, name: string, extra: RecordRow = {}): RecordRow => ({
  sys_id,
  sys_class_name: 'sys_user',
  user_name,
  name,
  employee_number: null,
  phone: null,
  manager: null,
  vip: false,
  active: true,
  ...extra,
});
const incident = (sys_id: string, number: string, extra: RecordRow): RecordRow => ({
  sys_id,
  sys_class_name: 'incident',
  number,
  short_description: null,
  state: 1,
  priority: 3,
  active: true,
  caller_id: null,
  category: null,
  opened_at: '2026-01-05 09:30:00',
  ...extra,
});

export const ROWS: Record<string, RecordRow[]> = {
  sys_user: [
    user(ABEL, 'abel.tuter', 'Abel Tuter', {
      employee_number: 'E00001',
      phone: '(415) 555-0142',
      vip: true,
      manager: BETH,
    }),
    user(BETH, 'beth.anglin', 'Beth Anglin', { employee_number: 'E00002', manager: MONA }),
    user(MONA, 'mona.bile', 'Mona Bile', { employee_number: 'E00009', active: false }),
  ],
  incident: [
    incident(INC1, 'INC0000001', {
      caller_id: ABEL,
      short_description: 'VPN^down',
      state: 2,
      priority: 2,
      category: 'network',
    }),
    incident(INC2, 'INC0000002', { caller_id: ABEL, short_description: 'Email quota', priority: 3 }),
    incident(INC3, 'INC0000003', {
      caller_id: BETH,
      short_description: 'Laptop',
      state: 7,
      priority: 1,
      active: false,
    }),
  ],
};

export type HostCall = { op: string; payload: Record<string, unknown> };
type Condition = { field: string; op: string; value: string };

const OPS = [
  'NOT IN',
  'ISNOTEMPTY',
  'ISEMPTY',
  'STARTSWITH',
  'CONTAINS',
  'IN',
  '!=',
  '>=',
  '<=',
  '=',
  '>',
  '<',
];

/** Enough of the encoded-query grammar for these tests: AND of OR groups, ORDERBY, `^^`. */
export function parseQuery(query: string) {
  const parts = query
    .replaceAll('^^', '\u0000')
    .split('^')
    .map((p) => p.replaceAll('\u0000', '^'));
  const groups: Condition[][] = [];
  const order: { field: string; desc: boolean }[] = [];
  const parse = (text: string): Condition => {
    const field = /^[a-z_.]+/.exec(text)![0];
    const rest = text.slice(field.length);
    const op = OPS.find((o) => rest.startsWith(o));
    if (!op) throw new Error(`fake host: cannot read '${text}'`);
    return { field, op, value: rest.slice(op.length) };
  };
  for (const part of parts.filter(Boolean)) {
    if (part.startsWith('ORDERBYDESC')) order.push({ field: part.slice(11), desc: true });
    else if (part.startsWith('ORDERBY')) order.push({ field: part.slice(7), desc: false });
    else if (part.startsWith('OR')) groups.at(-1)!.push(parse(part.slice(2)));
    else groups.push([parse(part)]);
  }
  return { groups, order };
}

function matches(row: RecordRow, c: Condition): boolean {
  const v = row[c.field];
  const s = v === null || v === undefined ? '' : String(v);
  const list = c.value.split(',');
  const num = (x: string) => (x !== '' && !Number.isNaN(Number(x)) ? Number(x) : x);
  switch (c.op) {
    case '=':
      return s.toLowerCase() === c.value.toLowerCase();
    case '!=':
      return s !== '' && s.toLowerCase() !== c.value.toLowerCase();
    case 'IN':
      return list.includes(s);
    case 'NOT IN':
      return s !== '' && !list.includes(s);
    case 'STARTSWITH':
      return s.toLowerCase().startsWith(c.value.toLowerCase());
    case 'CONTAINS':
      return s.toLowerCase().includes(c.value.toLowerCase());
    case 'ISEMPTY':
      return s === '';
    case 'ISNOTEMPTY':
      return s !== '';
    default: {
      const [a, b] = [num(s), num(c.value)];
      if (s === '') return false;
      return c.op === '>' ? a > b : c.op === '>=' ? a >= b : c.op === '<' ? a < b : a <= b;
    }
  }
}

export type FakeHostOptions = {
  /** Replaces an op's answer: return a value (sent as ok) or throw (sent as ok:false). */
  override?: (op: string, payload: Record<string, unknown>) => unknown;
};

/** The fake `$host`: answers the runtime's ops from TABLES and ROWS, recording every call. */
export function fakeHost(options: FakeHostOptions = {}) {
  const calls: HostCall[] = [];
  const rowsOf = (table: string) =>
    table === 'task' ? [...(ROWS.task ?? []), ...(ROWS.incident ?? [])] : (ROWS[table] ?? []);
  const filter = (table: string, query: string) => {
    const known = new Set(TABLES.find((t) => t.name === table)?.columns.map((c) => c.name));
    const { groups, order } = parseQuery(query);
    for (const c of groups.flat())
      if (!known.has(c.field)) throw new Error(`Invalid field '${c.field}' for ${table}`);
    const rows = rowsOf(table).filter((row) => groups.every((group) => group.some((c) => matches(row, c))));
    for (const o of order.reverse()) {
      rows.sort((a, b) => {
        const [x, y] = [a[o.field] ?? '', b[o.field] ?? ''];
        return (x < y ? -1 : x > y ? 1 : 0) * (o.desc ? -1 : 1);
      });
    }
    return rows;
  };
  const answer = (op: string, p: Record<string, unknown>): unknown => {
    if (options.override) {
      const value = options.override(op, p);
      if (value !== undefined) return value;
    }
    switch (op) {
      case 'describe':
        return TABLES.find((t) => t.name === p.table) ?? null;
      case 'select': {
        const rows = filter(String(p.table), String(p.query));
        const offset = Number(p.offset ?? 0);
        return rows.slice(offset, p.limit ? offset + Number(p.limit) : undefined);
      }
      case 'count':
        return filter(String(p.table), String(p.query)).length;
      case 'log':
        return null;
      default:
        throw new Error(`fake host: ${op} is not supported`);
    }
  };
  const handle = (op: string, payloadJson: string): string => {
    const payload = JSON.parse(payloadJson) as Record<string, unknown>;
    calls.push({ op, payload });
    try {
      return JSON.stringify({ ok: true, value: answer(op, payload) ?? null });
    } catch (error) {
      return JSON.stringify({ ok: false, error: { message: (error as Error).message } });
    }
  };
  return { calls, handle };
}

export type RunOptions = FakeHostOptions & {
  params?: Record<string, string | null>;
  ruleName?: string;
  clientCallable?: boolean;
  now?: string;
  pageSize?: number;
  functions?: string[];
};

export type RunResult = RuntimeAnswer & { error?: string; calls: HostCall[]; logs: HostCall['payload'][] };

/** Runs one rule the way the host does: prelude, begin, script, finish. */
export function runRule(script: string, options: RunOptions = {}): RunResult {
  const isolate = new ivm.Isolate({ memoryLimit: 32 });
  const host = fakeHost(options);
  try {
    const context = isolate.createContextSync();
    context.global.setSync('$host', new ivm.Callback(host.handle));
    context.evalSync(PRELUDE_SOURCE, { filename: 'ctihost:runtime' });
    const runtime = context.global.getSync('$runtime', { reference: true });
    context.global.deleteSync('$runtime');
    const config = {
      ruleName: options.ruleName ?? 'TestRule',
      clientCallable: options.clientCallable ?? true,
      params: options.params ?? {},
      now: options.now ?? '2026-03-01T12:34:56.000Z',
      standardParams: STANDARD_PARAMS,
      ...(options.pageSize ? { pageSize: options.pageSize } : {}),
      ...(options.functions ? { functions: options.functions } : {}),
    };
    context.evalClosureSync('$0.begin($1)', [runtime.derefInto(), JSON.stringify(config)]);
    const logs = () => host.calls.filter((c) => c.op === 'log').map((c) => c.payload);
    try {
      context.evalSync(script, { filename: 'rule.js', timeout: 2000 });
      const out = context.evalClosureSync('return $0.finish()', [runtime.derefInto()], { timeout: 2000 });
      return { ...(JSON.parse(out as string) as RuntimeAnswer), calls: host.calls, logs: logs() };
    } catch (error) {
      const e = error as Error;
      return {
        answer: null,
        answerType: 'null',
        error: `${e.name}: ${e.message}`,
        calls: host.calls,
        logs: logs(),
      };
    }
  } finally {
    isolate.dispose();
  }
}

/** The answer of a script that sets `answer`, or its error. */
export const answerOf = (script: string, options?: RunOptions) => {
  const result = runRule(script, options);
  return result.error ?? result.answer;
};

/** The queries a run sent to `select`. */
export const selects = (result: RunResult) =>
  result.calls.filter((c) => c.op === 'select').map((c) => `${c.payload.table}:${c.payload.query}`);
