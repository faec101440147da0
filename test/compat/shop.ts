/**
 * A shop moving off ServiceNow, set up the way its admin would: its tables declared through the
 * table API, its users, HR cases, devices and service calls imported through the records route, its
 * old CTI rules saved unchanged through the rule API. Everything goes through HTTP.
 */
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/database.ts';

export const QUINN = 'c0a8f001-0000-4000-8000-000000000001'; // an open HR case; found by employee number or phone
export const PAT = 'c0a8f001-0000-4000-8000-000000000002'; // only a closed HR case; found by mobile phone
export const DEV = 'c0a8f001-0000-4000-8000-000000000003'; // no phone of their own; found by a device number
export const LEE = 'c0a8f001-0000-4000-8000-000000000004'; // an open service call
export const QUINN_CASE = 'c0a8f002-0000-4000-8000-000000000001';
export const PAT_CASE = 'c0a8f002-0000-4000-8000-000000000002';
export const LEE_CALL = 'c0a8f003-0000-4000-8000-000000000001';

export const SHOP_TABLES = [
  {
    name: 'hr_case',
    label: 'HR Case',
    extends: 'task',
    columns: [
      { name: 'opened_for', type: 'reference', reference: 'sys_user' },
      {
        name: 'u_hr_service',
        type: 'choice',
        label: 'HR service',
        choices: [
          { value: 'benefits', label: 'Benefits' },
          { value: 'leave', label: 'Leave' },
          { value: 'payroll', label: 'Payroll' },
        ],
      },
    ],
  },
  {
    name: 'u_service_call',
    label: 'Service call',
    displayField: 'u_phone',
    columns: [
      { name: 'u_caller', type: 'reference', reference: 'sys_user', label: 'Caller' },
      { name: 'u_phone', type: 'phone', label: 'Phone' },
      { name: 'u_active', type: 'boolean', label: 'Active' },
      { name: 'u_notes', type: 'journal', label: 'Notes' },
    ],
  },
];

const SHOP_RECORDS: [string, Record<string, unknown>[]][] = [
  [
    'sys_user',
    [
      {
        sys_id: QUINN,
        user_name: 'quinn.case',
        first_name: 'Quinn',
        last_name: 'Case',
        name: 'Quinn Case',
        employee_number: 'H1001',
        phone: '(415) 555-0301',
        active: 'true',
      },
      {
        sys_id: PAT,
        user_name: 'pat.fresh',
        first_name: 'Pat',
        last_name: 'Fresh',
        name: 'Pat Fresh',
        employee_number: 'H1002',
        mobile_phone: '+1 650 555 0302',
        active: 'true',
      },
      {
        sys_id: DEV,
        user_name: 'dev.ice',
        first_name: 'Dev',
        last_name: 'Ice',
        name: 'Dev Ice',
        employee_number: 'H1003',
        active: 'true',
      },
      {
        sys_id: LEE,
        user_name: 'lee.caller',
        first_name: 'Lee',
        last_name: 'Caller',
        name: 'Lee Caller',
        employee_number: 'H1004',
        phone: '206-555-0304',
        active: 'true',
      },
    ],
  ],
  [
    'hr_case',
    [
      // As a ServiceNow export writes them: references as {value, link}, dates and states as text.
      {
        sys_id: QUINN_CASE,
        opened_for: { value: QUINN.replaceAll('-', ''), link: 'https://x/sys_user/1' },
        opened_by: QUINN,
        short_description: 'Question about benefits enrolment',
        u_hr_service: 'benefits',
        state: '2',
        active: 'true',
        opened_at: '2024-03-01 14:05:00',
      },
      {
        sys_id: PAT_CASE,
        opened_for: PAT,
        short_description: 'Parental leave',
        u_hr_service: 'leave',
        state: '7',
        active: 'false',
      },
    ],
  ],
  [
    'cmn_notif_device',
    [
      {
        sys_id: 'c0a8f004-0000-4000-8000-000000000001',
        user: DEV,
        name: 'Desk phone',
        type: 'Voice',
        phone_number: '(510) 555-0303',
        active: 'true',
      },
    ],
  ],
  [
    // The shop's form layout for its HR cases, as exported from its instance.
    'sys_ui_view',
    [
      {
        sys_id: 'c0a8f005-0000-4000-8000-000000000001',
        name: 'default',
        title: 'HR case',
        view_table: 'hr_case',
        fields: 'number,opened_for,opened_by,short_description,u_hr_service,state,work_notes',
      },
    ],
  ],
  ['u_service_call', [{ sys_id: LEE_CALL, u_caller: LEE, u_phone: '206-555-0304', u_active: 'true' }]],
];

export type Shop = {
  app: FastifyInstance;
  services: Services;
  cookie: string;
  /** `/cti.do` as a telephony middleware calls it: a Bearer token, a JSON answer. */
  call(query: string): Promise<{ status: number; body: Record<string, unknown> & { answer?: string } }>;
  /** The answer of a call that must succeed. */
  answerOf(query: string): Promise<string>;
  /** Saves a rule from test/compat/rules/<name>.js through the rule API, its script unchanged. */
  saveRule(name: string, options?: { clientCallable?: boolean }): Promise<void>;
  post(url: string, payload: unknown): Promise<{ status: number; body: unknown }>;
};

export async function openShop(db: TestDatabase): Promise<Shop> {
  // These suites are about what old scripts do, not about limits (test/sandbox has those): a loaded
  // test machine sometimes takes a first run past the default 50 ms of CPU.
  const { app, services } = await buildTestApp(db, { SANDBOX_CPU_MS: '1000' });
  const cookie = await login(app);
  const { token } = await services.accounts.issueToken('ivr', 'admin');
  const post = async (url: string, payload: unknown) => {
    const response = await app.inject({
      method: 'POST',
      url,
      headers: withCsrf(cookie),
      payload: payload as object,
    });
    return { status: response.statusCode, body: response.json() as unknown };
  };
  const call = async (query: string) => {
    const response = await app.inject({
      method: 'GET',
      url: `/cti.do?${query}`,
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    return { status: response.statusCode, body: response.json() };
  };
  return {
    app,
    services,
    cookie,
    post,
    call,
    async answerOf(query) {
      const { status, body } = await call(query);
      expect(status, JSON.stringify(body)).toBe(200);
      return body.answer as string;
    },
    async saveRule(name, options = {}) {
      const script = readFileSync(new URL(`./rules/${name}.js`, import.meta.url), 'utf8');
      const saved = await post('/api/rules', { name, script, ...options });
      expect(saved.status, JSON.stringify(saved.body)).toBe(201);
    },
  };
}

/** Declares the shop's tables and its custom incident column, then imports its records. */
export async function setUpShop(shop: Shop): Promise<void> {
  for (const table of SHOP_TABLES) {
    const created = await shop.post('/api/tables', table);
    expect(created.status, JSON.stringify(created.body)).toBe(201);
  }
  const column = await shop.post('/api/tables/incident/columns', {
    name: 'u_caller_authenticated',
    type: 'boolean',
    label: 'Caller authenticated',
  });
  expect(column.status, JSON.stringify(column.body)).toBe(201);
  for (const [table, records] of SHOP_RECORDS) {
    const imported = await shop.post(`/api/tables/${table}/records`, records);
    expect(imported.status, `${table}: ${JSON.stringify(imported.body)}`).toBe(200);
  }
}
