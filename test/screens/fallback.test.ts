/** The screen a browser gets when a rule fails (SPEC §5): the new-incident form under a banner. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RuleFailure, renderFallbackScreen } from '../../server/screens/index.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { ABEL, browser, escaped, XSS } from './helpers.ts';

describeEachDatabase('the fallback screen', (db) => {
  let app: FastifyInstance;
  let b: ReturnType<typeof browser>;
  const failures: RuleFailure[] = [];

  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    // The processor calls renderFallbackScreen from /cti.do; here a route hands it each failure.
    app.get('/test/fallback/:n', async (request, reply) => {
      const { n } = request.params as { n: string };
      const failure = failures[Number(n)]!;
      return renderFallbackScreen(failure.rule === null ? reply.status(404) : reply, failure);
    });
    b = browser(app, await login(app));
  });
  afterAll(() => app.close());

  const show = (failure: RuleFailure) => {
    failures.push(failure);
    return b.get(`/test/fallback/${failures.length - 1}`);
  };

  it('shows the new-incident form pre-filled, with a banner naming the rule and the failure', async () => {
    const response = await show({
      rule: 'CTIProcessing',
      error: { code: 'RULE_TIMEOUT', message: 'the rule ran past its 2000 ms' },
      prefillQuery: `caller_id=${ABEL}^priority=1^contact_type=phone`,
      view: 'cti',
      callId: 'call-42',
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.headers['x-cti-outcome']).toBe('error');
    const banner = response.body.slice(
      response.body.indexOf('<div class="banner error"'),
      response.body.indexOf('<h1>'),
    );
    expect(banner).toContain('The CTI rule CTIProcessing failed');
    expect(banner).toContain('RULE_TIMEOUT: the rule ran past its 2000 ms');
    expect(banner).toContain('call-42');
    expect(response.body).toContain('<h1>New Incident</h1>');
    expect(response.body).toContain('name="caller_id" type="text" value="Abel Tuter"');
    expect(response.body).toContain('<option value="1" selected>1 - Critical</option>');
    expect(response.body).toContain('<form method="post" action="/incident.do"');
    expect(response.body).toContain('<input type="hidden" name="sysparm_view" value="cti">');
  });

  it('keeps the status the processor set, and names no rule when none ran', async () => {
    const response = await show({
      rule: null,
      error: { code: 'NOT_FOUND', message: 'there is no CTI rule named Nope' },
      prefillQuery: null,
      view: null,
      callId: null,
    });
    expect(response.statusCode).toBe(404);
    expect(response.headers['x-cti-outcome']).toBe('error');
    expect(response.body).toContain('The call could not be processed');
    expect(response.body).toContain('NOT_FOUND: there is no CTI rule named Nope');
    expect(response.body).toContain('<option value="" selected>— None —</option>');
  });

  it.each(XSS)('escapes every part of the failure: %s', async (x) => {
    const response = await show({
      rule: x,
      error: { code: x, message: x },
      prefillQuery: `short_description=${x}`,
      view: x,
      callId: x,
    });
    expect(response.body).not.toContain(x);
    expect(response.body).not.toMatch(/<script|<img/i);
    expect(response.body.split(escaped(x)).length - 1).toBeGreaterThanOrEqual(5);
  });
});
