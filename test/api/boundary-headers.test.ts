/**
 * Arbitrary Authorization, Cookie, Content-Type, Accept (and CSRF, Origin, Host, request id)
 * headers on representative routes, stated as a property (fast-check): whatever a client sends, the
 * answer is never a 5xx or internals, and an error is the one error body or, for a browser's page,
 * HTML. Run twice: with limits far above the test, and with limits so tight that most answers are
 * 429 — which must keep the same shape, with a Retry-After.
 */
import fc from 'fast-check';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../server/http/auth.ts';
import { CSRF_HEADER, csrfTokenFor } from '../../server/http/csrf.ts';
import { ADMIN_PASSWORD, buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { answerProblem, show, UNLIMITED } from './boundary-checks.ts';

/** Header text as HTTP allows it: tab, visible ASCII and obs-text (node's parser refuses the rest). */
const headerText = (maxLength: number) =>
  fc.string({
    unit: fc.oneof(
      { weight: 8, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)) },
      { weight: 1, arbitrary: fc.constant('\t') },
    ),
    maxLength,
  });

/** The routes: the processor, the API (a read, a change, the login), a screen, a probe, the document. */
const ROUTES = [
  { method: 'GET', url: '/cti.do?sysparm_caller_phone=4155550142' },
  { method: 'GET', url: '/api/rules?active=true' },
  { method: 'POST', url: '/api/rules', body: { name: 'fuzzed', script: 'answer = "/x.do";' } },
  { method: 'POST', url: '/api/login', body: { username: 'admin', password: 'wrong password' } },
  { method: 'POST', url: '/api/tokens', body: { name: 'fuzzed' } },
  { method: 'GET', url: '/incident.do?sys_id=-1&sysparm_query=priority%3D1' },
  { method: 'POST', url: '/incident.do', form: 'short_description=fuzzed' },
  { method: 'GET', url: '/login?next=%2Fincident.do' },
  { method: 'GET', url: '/healthz' },
  { method: 'GET', url: '/docs' },
  { method: 'GET', url: '/admin' },
] as const;

describe.each([
  ['limits far above the test', UNLIMITED],
  [
    'tight limits, so most answers are 429',
    {
      RATE_LIMIT_TOKEN_PER_MINUTE: '5',
      RATE_LIMIT_SESSION_PER_MINUTE: '5',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '5',
      LOGIN_FREE_FAILURES_PER_USER: '1',
      LOGIN_FREE_FAILURES_PER_IP: '2',
    },
  ],
] as const)('arbitrary headers, %s', (_title, env) => {
  describeEachDatabase('on representative routes', (db) => {
    let app: FastifyInstance;
    let token: string;
    let cookie: string;
    const statuses = new Map<number, number>();
    beforeAll(async () => {
      const built = await buildTestApp(db(), { ...UNLIMITED, ...env });
      app = built.app;
      token = (await built.services.accounts.issueToken('softphone', 'admin')).token;
      // Signed in before the limits are spent, and never signed out: no route here ends a session.
      cookie = await login(app, 'admin', ADMIN_PASSWORD);
    });
    afterAll(async () => {
      await app?.close();
    });

    const session = () => cookie.split('=').slice(1).join('=');
    const authorization = fc.oneof(
      fc.constant(undefined),
      fc.constant('valid').map(() => `Bearer ${token}`),
      headerText(60).map((t) => `Bearer ${t}`),
      fc.constantFrom('Bearer', 'Bearer ', 'bearer x', 'Basic YWRtaW46YWRtaW4=', 'Bearer \t', 'Bearer null'),
      headerText(80),
    );
    const cookieHeader = fc.oneof(
      fc.constant(undefined),
      fc.constant('valid').map(() => cookie),
      headerText(60).map((t) => `${SESSION_COOKIE}=${t}`),
      fc.constant('dup').map(() => `${SESSION_COOKIE}=x; ${cookie}; ${SESSION_COOKIE}=y`),
      fc.constantFrom(
        `${SESSION_COOKIE}=`,
        `${SESSION_COOKIE}=%`,
        `${SESSION_COOKIE}="unterminated`,
        ';;;=;',
        '=',
      ),
      headerText(80),
    );
    const contentType = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        'application/json',
        'application/json; charset=utf-16',
        'application/x-www-form-urlencoded',
        'text/plain',
        'multipart/form-data; boundary=x',
        'application/json;;',
        'application/',
      ),
      headerText(60),
    );
    const accept = fc.oneof(
      fc.constant(undefined),
      fc.constantFrom(
        'application/json',
        'text/html',
        '*/*',
        'text/html;q=0.1, application/json;q=0.9',
        'image/png',
      ),
      headerText(60),
    );
    const headers = fc.record(
      {
        authorization,
        cookie: cookieHeader,
        'content-type': contentType,
        accept,
        [CSRF_HEADER]: fc.oneof(fc.constant('valid'), headerText(50)),
        origin: fc.oneof(
          fc.constantFrom('http://localhost:80', 'null', 'https://evil.example'),
          headerText(40),
        ),
        host: fc.oneof(fc.constantFrom('localhost:80', 'evil.example', '[::1]:3000', ''), headerText(40)),
        'x-request-id': headerText(40),
        'x-forwarded-for': fc.oneof(fc.ipV4(), headerText(40)),
      },
      { requiredKeys: [] },
    );

    it('never answers 5xx or internals; errors are the error body, or HTML for a page', async () => {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...ROUTES), headers, async (route, given) => {
          const sent: Record<string, string> = {};
          for (const [name, value] of Object.entries(given)) if (value !== undefined) sent[name] = value;
          if (sent[CSRF_HEADER] === 'valid') sent[CSRF_HEADER] = csrfTokenFor(session());
          const payload =
            'body' in route ? JSON.stringify(route.body) : 'form' in route ? route.form : undefined;
          const response = await app.inject({
            method: route.method,
            url: route.url,
            headers: sent,
            ...(payload !== undefined ? { payload } : {}),
          });
          statuses.set(response.statusCode, (statuses.get(response.statusCode) ?? 0) + 1);
          const described = show(response, `${route.method} ${route.url} ${JSON.stringify(sent)}`);
          // The API answers JSON whatever is asked; elsewhere a browser asking for HTML may get a page.
          const api = route.url.startsWith('/api/');
          expect(answerProblem(response, { pageAllowed: !api }), described).toBeNull();
          if (response.statusCode === 429)
            expect(response.headers['retry-after'], described).toMatch(/^\d+$/);
        }),
        { numRuns: 300 },
      );
      // The tight limits were met, and the generous ones never.
      if (env === UNLIMITED) expect(statuses.has(429), JSON.stringify([...statuses])).toBe(false);
      else expect(statuses.get(429) ?? 0, JSON.stringify([...statuses])).toBeGreaterThan(100);
      expect([...statuses.keys()].some((s) => s < 300)).toBe(true);
    });
  });
});
