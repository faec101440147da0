/**
 * /cti.do under arbitrary query strings (SPEC §5), stated as properties (fast-check): whatever a
 * telephony client or a browser sends, the answer is never a 5xx, a JSON error has the one error
 * body, a browser gets HTML, and no answer shows a stack trace, a file path or a driver's message.
 */
import fc from 'fast-check';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { STANDARD_PARAMS } from '../../server/processor/process-call.ts';
import { internalsIn, show, UNLIMITED } from '../api/boundary-checks.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

// --- the generators ---------------------------------------------------------------------------

const INCIDENT_FIELDS = [
  'priority',
  'category',
  'short_description',
  'caller_id',
  'state',
  'impact',
  'urgency',
  'opened_at',
  'active',
  'number',
  'sys_id',
  'assigned_to',
];
const anyCase = (name: string) =>
  fc
    .array(fc.boolean(), { minLength: name.length, maxLength: name.length })
    .map((upper) => [...name].map((c, i) => (upper[i] ? c.toUpperCase() : c)).join(''));

const paramName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...STANDARD_PARAMS).chain(anyCase) },
  { weight: 2, arbitrary: fc.constantFrom(...INCIDENT_FIELDS).map((f) => `sysparm_${f}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }).map((s) => `sysparm_${s}`) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '__proto__',
      'constructor',
      'sysparm___proto__',
      'sysparm_constructor',
      'toString',
      `sysparm_${'x'.repeat(70)}`,
    ),
  },
);

/** Values a hostile or broken client might send, beside arbitrary text. */
const HOSTILE = [
  "' or '1'='1",
  "'; drop table biz.sys_user; --",
  'priority=1^ORpriority=2^NQactive=true',
  'priority=1^category=network^ORDERBYnumber',
  'caller_id.name=x^sys_idISNOTEMPTY',
  'sys_id=-1^priority=abc',
  '^^^^=^',
  'javascript:alert(1)',
  '//evil.example/x',
  '<script>alert(1)</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template injection attempt, sent as plain text
  '${process.exit()}',
  '\u0000\u0001\u001f',
  '\ud800',
  '+14155550142',
  '4155550142',
  '(415) 555-0142',
  'INC0010001',
  'abel.tuter',
  '6816f79c-c0a8-0164-01c5-a33be04be441',
  '1e309',
  '-1',
  'NaN',
  '[object Object]',
];
const RULE_NAMES = [
  'CTIProcessing',
  'ctiprocessing',
  ' CTIProcessing ',
  'ctiRecordTaskCall',
  'inactiveRule',
  'nope',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'GlideRecord',
  'gs',
  'answer',
  '../rules/CTIProcessing',
  "x' or '1'='1",
  '',
  ' ',
];

const paramValue = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 1, arbitrary: fc.constantFrom(...RULE_NAMES) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 20_000 }).map((n) => 'x'.repeat(n)) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom(...INCIDENT_FIELDS), { maxLength: 4 })
      .map((fs) => fs.map((f) => `${f}=1`).join('^')),
  },
);

/** How a part is written into the URL: encoded, raw, or with broken percent-encoding. */
const written = (text: string, how: 'encoded' | 'raw' | 'broken') => {
  if (how === 'raw') return text.replace(/[&#]/g, (c) => encodeURIComponent(c));
  const encoded = encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '\ufffd'));
  return how === 'encoded' ? encoded : `${encoded}%${['', 'z', 'E0%A4', 'C3', 'FF', '%'][text.length % 6]}`;
};
const how = fc.constantFrom('encoded', 'encoded', 'raw', 'broken') as fc.Arbitrary<
  'encoded' | 'raw' | 'broken'
>;

const pair = fc
  .tuple(
    fc.oneof({ weight: 3, arbitrary: paramName }, { weight: 1, arbitrary: fc.constant('sysparm_cti_rule') }),
    paramValue,
    how,
    how,
  )
  .map(([name, value, howName, howValue]) => `${written(name, howName)}=${written(value, howValue)}`);

const queryString = fc.oneof(
  { weight: 8, arbitrary: fc.array(pair, { maxLength: 10 }).map((parts) => parts.join('&')) },
  // Past the count limit, repeats of one name, and text that is no query string at all.
  { weight: 1, arbitrary: fc.array(pair, { minLength: 60, maxLength: 80 }).map((parts) => parts.join('&')) },
  {
    weight: 1,
    arbitrary: fc.tuple(pair, fc.integer({ min: 2, max: 70 })).map(([p, n]) => Array(n).fill(p).join('&')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => written(s, 'raw')) },
);

const ACCEPTS = [
  'application/json',
  'text/html',
  'text/html,application/xhtml+xml,*/*;q=0.8',
  '*/*',
  'application/json, text/html',
  '',
];

// --- the properties -----------------------------------------------------------------------------

describeEachDatabase('GET /cti.do under arbitrary query strings', (db) => {
  let app: FastifyInstance;
  let token: string;
  let agentCookie: string;
  let statuses: Map<number, number>;
  beforeAll(async () => {
    const built = await buildTestApp(db(), UNLIMITED);
    app = built.app;
    const { services } = built;
    token = (await services.accounts.issueToken('softphone', 'admin')).token;
    await services.accounts.create('agent.fuzz', 'agent fuzz password', 'agent');
    agentCookie = await login(app, 'agent.fuzz', 'agent fuzz password');
    // A named rule that exists but is inactive: 404 without running.
    await services.rules.create(
      { name: 'inactiveRule', script: 'answer = "/x.do";', active: false },
      'admin',
    );
    statuses = new Map();
  });
  afterAll(async () => {
    await app?.close();
  });

  const call = (query: string, accept: string, auth: 'token' | 'session') =>
    app.inject({
      method: 'GET',
      url: `/cti.do?${query}`,
      headers: {
        ...(accept ? { accept } : {}),
        ...(auth === 'token' ? { authorization: `Bearer ${token}` } : { cookie: agentCookie }),
      },
    });

  /** The one rule of every answer; returns a failure's description, or null. */
  function judge(response: LightMyRequestResponse, accept: string): string | null {
    const status = response.statusCode;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status >= 500) return 'a 5xx';
    if (status === 429) return 'a 429 although the limits are far above this test';
    const leak = internalsIn(response.body);
    if (leak) return leak;
    const type = String(response.headers['content-type'] ?? '');
    if (accept.includes('application/json')) {
      if (!type.startsWith('application/json')) return 'a JSON client got no JSON';
      const body = response.json();
      if (status === 200)
        return typeof body.answer === 'string' && body.answer.startsWith('/') ? null : 'no answer';
      // A refusal is the error body alone; a rule's failure (a 502, failed above) adds rule and callId.
      if (Object.keys(body ?? {}).join() !== 'error') return 'not {"error": …} alone';
      const error = body?.error;
      if (typeof error?.code !== 'string' || typeof error.message !== 'string') return 'not the error body';
      if (Object.keys(error).some((k) => !['code', 'message', 'details'].includes(k)))
        return 'extra error keys';
      return status >= 400 ? null : `an error with status ${status}`;
    }
    if (status === 302)
      return String(response.headers.location ?? '').startsWith('/') ? null : 'a redirect off-site';
    return type.startsWith('text/html') ? null : `a browser got ${type || 'no content type'}`;
  }

  it('never answers 5xx or internals; JSON errors have the error body, browsers get HTML or a redirect', async () => {
    await fc.assert(
      fc.asyncProperty(
        queryString,
        fc.constantFrom(...ACCEPTS),
        fc.constantFrom('token', 'session'),
        async (query, accept, auth) => {
          const response = await call(query, accept, auth as 'token' | 'session');
          const failure = judge(response, accept);
          expect(failure, show(response, `/cti.do?${query.slice(0, 300)} (${accept}, ${auth})`)).toBeNull();
        },
      ),
      { numRuns: 250 },
    );
    // Not merely refused everywhere: some calls are answered, some refused as bad input.
    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining([200, 400]));
  });

  it('runs only a client-callable rule: unknown, inactive, system or odd names are 404 or 403', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom(...RULE_NAMES), fc.string({ unit: 'grapheme', maxLength: 30 })),
        fc.constantFrom('application/json', 'text/html'),
        async (rule, accept) => {
          const query = `sysparm_cti_rule=${written(rule, 'encoded')}&sysparm_caller_phone=4155550142`;
          const response = await call(query, accept, 'token');
          expect(judge(response, accept), show(response, query)).toBeNull();
          const name = rule.trim() || 'CTIProcessing';
          const expected = rule.includes('\0')
            ? [400, 200] // refused as bad input: JSON 400, or the browser's plain form
            : name === 'CTIProcessing'
              ? [200, 302]
              : name === 'ctiRecordTaskCall'
                ? [403]
                : [404];
          expect(expected, show(response, query)).toContain(response.statusCode);
        },
      ),
      { numRuns: 80 },
    );
  });

  // Found by the property: `sysparm_cti_rule=%00%01%1F` was a 500 (the rule lookup's statement
  // refused the NUL character), and a NUL in a caller's name a 502 RULE_ERROR (the default rule's
  // query failed) or, in sysparm_call_id, a 500: PostgreSQL's text cannot hold U+0000. Now the
  // parameters are refused before any lookup (server/processor/params.ts), as SPEC §5 says of bad
  // parameters: 400 in JSON, the plain new-incident form for a browser.
  it.each([
    ['sysparm_cti_rule=%00%01%1F', 'sysparm_cti_rule'],
    ['sysparm_caller_name=%00', 'sysparm_caller_name'],
    ['sysparm_call_id=a%00b&sysparm_caller_phone=4155550142', 'sysparm_call_id'],
    ['sysparm_%00=1', 'a parameter name'],
  ])('refuses %s with 400, naming the parameter', async (query, named) => {
    const json = await call(query, 'application/json', 'token');
    expect(json.statusCode, json.body).toBe(400);
    expect(json.json()).toEqual({
      error: { code: 'BAD_REQUEST', message: `${named} holds a NUL character (%00)` },
    });
    const page = await call(query, 'text/html', 'session');
    expect(page.statusCode, page.body).toBe(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.body).toContain('NUL character');
  });
});
