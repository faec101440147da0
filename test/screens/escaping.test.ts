/** Everything a screen shows is HTML-escaped: parameters of every screen and values of records. */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { upsertRecords } from '../../server/records/upsert.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { browser, escaped, XSS } from './helpers.ts';

describeEachDatabase('escaping on every screen', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let b: ReturnType<typeof browser>;
  /** Per hostile string: a user and an incident whose values hold it. */
  const records = new Map<string, { user: string; incident: string }>();

  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    b = browser(app, await login(app));
    const ctx = {
      database: services.database,
      dictionary: services.dictionary.current(),
      defaultRegion: 'US',
      actor: 'test',
    };
    for (const [index, x] of XSS.entries()) {
      const users = await upsertRecords(ctx, 'sys_user', [
        {
          user_name: `hostile.${index}`,
          name: x,
          department: x,
          title: x,
          email: `hostile${index}@example.com`,
          phone: '(312) 555-0177',
          active: true,
        },
      ]);
      const user = users.sysIds[0]!;
      const incidents = await upsertRecords(ctx, 'incident', [
        {
          caller_id: user,
          short_description: x,
          description: x,
          work_notes: x,
          active: true,
          state: 1,
          priority: 3,
        },
      ]);
      records.set(x, { user, incident: incidents.sysIds[0]! });
    }
  });
  afterAll(() => app.close());

  const q = encodeURIComponent;
  /** The hostile string must never appear as markup; where the page shows it, it is there escaped. */
  const expectEscaped = (response: LightMyRequestResponse, x: string, shown: boolean) => {
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).not.toContain(x);
    expect(response.body).not.toMatch(/<script|<img/i);
    if (shown) expect(response.body).toContain(escaped(x));
  };

  describe.each(XSS)('%s', (x) => {
    it("in the caller's record, related list and the picked-number offer", async () => {
      const { user } = records.get(x)!;
      const response = await b.get(`/sys_user.do?sys_id=${user}&sysparm_view=cti&sysparm_cti_picked=${q(x)}`);
      expect(response.statusCode).toBe(200);
      expectEscaped(response, x, true);
      // name, department, title, the related incident's short description, the picked phone
      expect(response.body.split(escaped(x)).length - 1).toBeGreaterThanOrEqual(5);
    });

    it('in the view parameter of a record screen', async () => {
      const { user } = records.get(x)!;
      const response = await b.get(`/sys_user.do?sys_id=${user}&sysparm_view=${q(x)}`);
      expect(response.statusCode).toBe(200);
      expectEscaped(response, x, true);
    });

    it("in an incident's values, its caller's name and its journal", async () => {
      const { incident } = records.get(x)!;
      const response = await b.get(`/incident.do?sys_id=${incident}`);
      expect(response.statusCode).toBe(200);
      expectEscaped(response, x, true);
      expect(response.body.split(escaped(x)).length - 1).toBeGreaterThanOrEqual(4);
    });

    it('in every parameter of the new-incident form', async () => {
      const { user } = records.get(x)!;
      const query = `caller_id=${user}^short_description=${x}^description=${x}`;
      const response = await b.get(
        `/incident.do?sys_id=-1&sysparm_query=${q(query)}&sysparm_view=${q(x)}&sysparm_cti_picked=${q(x)}`,
      );
      expect(response.statusCode).toBe(200);
      expectEscaped(response, x, true);
      expect(response.body).toContain(`name="caller_id" type="text" value="${escaped(x)}"`);
    });

    it('in a query that does not parse', async () => {
      const response = await b.get(`/incident.do?sys_id=-1&sysparm_query=${q(x)}`);
      expect(response.statusCode).toBe(200);
      expectEscaped(response, x, false);
    });

    it('in a submitted form that is re-rendered', async () => {
      const response = await b.post('/incident.do', {
        caller_id: x,
        short_description: x,
        priority: x,
        sysparm_view: x,
      });
      expect(response.statusCode).toBe(400);
      expectEscaped(response, x, true);
    });

    it('in every parameter of the picker, and its candidates', async () => {
      const { user } = records.get(x)!;
      const response = await b.get(
        `/cti_pick.do?sysparm_candidates=${user},${q(x)}&sysparm_caller_phone=${q(x)}&sysparm_query=${q(x)}&sysparm_view=${q(x)}`,
      );
      expect(response.statusCode).toBe(200);
      expectEscaped(response, x, true);
      expect(response.body).toContain(`<td>${escaped(x)}</td><td>hostile.`);
    });

    it('in a posted pick', async () => {
      const response = await b.post('/cti_pick.do', { pick: x, sysparm_caller_phone: x });
      expect(response.statusCode).toBe(400);
      expectEscaped(response, x, false);
    });

    it('in a page name and a sys_id', async () => {
      const table = await b.get(`/${q(x)}.do?sys_id=${q(x)}`);
      expect(table.statusCode).toBe(404);
      expectEscaped(table, x, false);
      const record = await b.get(`/incident.do?sys_id=${q(x)}`);
      expect(record.statusCode).toBe(404);
      expectEscaped(record, x, false);
    });

    it('in the login form', async () => {
      const page = await app.inject({ method: 'GET', url: `/login?next=${q(`/${x}`)}` });
      // A next holding whitespace is no path and becomes "/"; one without is kept, escaped.
      expectEscaped(page, x, !/\s/.test(x));
      const failed = await app.inject({
        method: 'POST',
        url: '/login',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ username: x, password: 'wrong', next: `/${x}` }).toString(),
      });
      expect(failed.statusCode).toBe(401);
      expectEscaped(failed, x, true);
    });
  });
});
