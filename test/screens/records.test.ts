/** Record screens (SPEC §9): the caller's card with open incidents, any record, any business table, 404s. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyDefinitions } from '../../server/dictionary/apply.ts';
import { tableDefinition } from '../../server/dictionary/definition.ts';
import { upsertRecords } from '../../server/records/upsert.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { ABEL, BETH, browser, section } from './helpers.ts';

describeEachDatabase('record screens', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let b: ReturnType<typeof browser>;
  const incidents = new Map<string, string>();

  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    b = browser(app, await login(app));
    const rows = await services.reader.select({
      table: 'incident',
      query: 'numberININC0000001,INC0000002,INC0000003,INC0000004',
      limit: 10,
    });
    for (const row of rows) incidents.set(String(row.number), String(row.sys_id));
  });
  afterAll(() => app.close());

  describe("the caller's screen in the cti view", () => {
    it("lists exactly the caller's open incidents, each linked, with labels", async () => {
      const response = await b.get(`/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      const list = section(response.body, '<h2 id="related">', '</table>');
      const linked = [...list.matchAll(/<a href="\/incident\.do\?sys_id=([0-9a-f-]+)">(INC\d+)<\/a>/g)].map(
        (m) => [m[2], m[1]],
      );
      expect(linked.sort()).toEqual([
        ['INC0000001', incidents.get('INC0000001')],
        ['INC0000002', incidents.get('INC0000002')],
      ]);
      expect(list).not.toContain('INC0000003');
      expect(list).toContain('Cannot connect to VPN');
      expect(list).toMatch(/<td>In Progress<\/td><td>2 - High<\/td>/);
      expect(list).toMatch(/<td>New<\/td><td>3 - Moderate<\/td>/);
      expect(list).toMatch(/<th scope="col">Opened<\/th>/);
    });

    it("shows the caller's card from the view, booleans as yes/no", async () => {
      const response = await b.get(`/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`);
      expect(response.body).toContain('<h1>User: Abel Tuter</h1>');
      expect(response.body).toMatch(/<dt>VIP<\/dt>\s*<dd>\s*yes/);
      expect(response.body).toContain('abel.tuter@example.com');
      // user_name is in the default view of sys_user, not in the cti view.
      expect(response.body).not.toContain('<dt>User ID</dt>');
    });

    it('lists nothing for a caller without open incidents', async () => {
      const response = await b.get(`/sys_user.do?sys_id=${BETH}&sysparm_view=cti`);
      expect(response.body).toContain('(0)');
      expect(response.body).not.toContain('INC0000004');
    });

    it('offers to forget a remembered pick only when the rule used one', async () => {
      const plain = await b.get(`/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`);
      expect(plain.body).not.toContain('Picked earlier');
      const picked = await b.get(
        `/sys_user.do?sys_id=${ABEL}&sysparm_view=cti&sysparm_cti_picked=${encodeURIComponent('(415) 555-0142')}`,
      );
      expect(picked.body).toContain('Picked earlier for this number — not this caller?');
      const form = section(picked.body, '<form method="post" action="/cti_pick.do"', '</form>');
      expect(form).toContain('<input type="hidden" name="forget" value="(415) 555-0142">');
    });
  });

  describe('any record', () => {
    it('shows an incident with its caller by name, linked, and choices by label', async () => {
      const response = await b.get(`/incident.do?sys_id=${incidents.get('INC0000001')}`);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain(`<a href="/sys_user.do?sys_id=${ABEL}">Abel Tuter</a>`);
      expect(response.body).toMatch(/<dt>State<\/dt>\s*<dd>\s*In Progress/);
      expect(response.body).toMatch(/<dt>Category<\/dt>\s*<dd>\s*Network/);
    });

    it('shows an incident reached through /task.do as the incident it is', async () => {
      const response = await b.get(`/task.do?sys_id=${incidents.get('INC0000002')}`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toContain('<h1>Incident: INC0000002</h1>');
      expect(response.body).toContain('Email quota exceeded');
    });

    it('finds a record by sysparm_query=number=…', async () => {
      const response = await b.get('/incident.do?sysparm_query=number=INC0000003');
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('<h1>Incident: INC0000003</h1>');
      expect(response.body).toMatch(/<dt>State<\/dt>\s*<dd>\s*Closed/);
    });

    it('accepts a sys_id written as 32 hex digits, as ServiceNow writes them', async () => {
      const response = await b.get(`/sys_user.do?sys_id=${ABEL.replaceAll('-', '')}`);
      expect(response.statusCode).toBe(200);
      expect(response.body).toContain('Abel Tuter');
    });

    it('shows journal entries newest first, with who and when', async () => {
      const id = incidents.get('INC0000004')!;
      const ctx = {
        database: services.database,
        dictionary: services.dictionary.current(),
        defaultRegion: 'US',
        actor: 'test',
      };
      await upsertRecords(ctx, 'incident', [{ sys_id: id, work_notes: 'first note' }]);
      await upsertRecords(ctx, 'incident', [{ sys_id: id, work_notes: 'second note' }]);
      const response = await b.get(`/incident.do?sys_id=${id}`);
      const notes = section(response.body, '<dt>Work notes</dt>', '</dd>');
      expect(notes.indexOf('second note')).toBeGreaterThan(-1);
      expect(notes.indexOf('second note')).toBeLessThan(notes.indexOf('first note'));
      expect(notes).toMatch(/\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2} · /);
    });
  });

  describe('views', () => {
    it('falls back to the default view for a view the table does not have', async () => {
      const response = await b.get(`/incident.do?sys_id=${incidents.get('INC0000001')}&sysparm_view=nosuch`);
      expect(response.body).toContain('<dt>Assignment group</dt>');
    });

    it("uses the table's own view over the default one", async () => {
      const response = await b.get(`/incident.do?sys_id=${incidents.get('INC0000001')}&sysparm_view=cti`);
      expect(response.body).not.toContain('<dt>Assignment group</dt>');
      expect(response.body).toContain('<dt>Contact type</dt>');
    });

    it("falls back to the parent table's view, and without any view to every non-system column", async () => {
      const { dictionary } = await applyDefinitions(services.database, [
        tableDefinition.parse({
          name: 'hr_case',
          extends: 'task',
          numberPrefix: 'HRC',
          columns: [{ name: 'u_hr_service', type: 'string', label: 'HR service' }],
        }),
        tableDefinition.parse({
          name: 'u_service_call',
          label: 'Service call',
          columns: [
            { name: 'u_summary', type: 'string', label: 'Summary' },
            { name: 'u_caller', type: 'reference', reference: 'sys_user', label: 'Caller' },
            { name: 'u_urgent', type: 'boolean', label: 'Urgent' },
          ],
        }),
      ]);
      services.dictionary.replace(dictionary);
      const ctx = { database: services.database, dictionary, defaultRegion: 'US', actor: 'test' };
      const hr = await upsertRecords(ctx, 'hr_case', [
        { short_description: 'Payroll question', u_hr_service: 'payroll', caller_id: ABEL },
      ]);
      const call = await upsertRecords(ctx, 'u_service_call', [
        { u_summary: 'Boiler noise', u_caller: BETH, u_urgent: 'false' },
      ]);

      const hrPage = await b.get(`/hr_case.do?sys_id=${hr.sysIds[0]}`);
      expect(hrPage.statusCode, hrPage.body).toBe(200);
      // task's default view: its fields, not hr_case's own column.
      expect(hrPage.body).toContain('Payroll question');
      expect(hrPage.body).toMatch(/<dt>Number<\/dt>\s*<dd>\s*HRC\d+/);
      expect(hrPage.body).not.toContain('<dt>HR service</dt>');

      const callPage = await b.get(`/u_service_call.do?sys_id=${call.sysIds[0]}`);
      expect(callPage.statusCode, callPage.body).toBe(200);
      expect(callPage.body).toMatch(/<dt>Summary<\/dt>\s*<dd>\s*Boiler noise/);
      expect(callPage.body).toContain(`<a href="/sys_user.do?sys_id=${BETH}">Beth Anglin</a>`);
      expect(callPage.body).toMatch(/<dt>Urgent<\/dt>\s*<dd>\s*no/);
      expect(callPage.body).not.toContain('<dt>Sys ID</dt>');

      const form = await b.get('/u_service_call.do?sys_id=-1&sysparm_query=u_summary=Leak^u_urgent=true');
      expect(form.statusCode).toBe(200);
      expect(form.body).toContain('name="u_summary" type="text" value="Leak"');
      expect(form.body).toContain('<option value="true" selected>yes</option>');
    });
  });

  describe('not found', () => {
    const random = '0f0e0d0c-0b0a-4909-8807-060504030201';
    const pages = [
      ['an unknown table', `/nosuch.do?sys_id=${ABEL}`],
      ['a system table', `/accounts.do?sys_id=${ABEL}`],
      ['another system table', '/sessions.do?sys_id=-1'],
      ['the rules table', '/rules.do'],
      ['an unknown sys_id', `/incident.do?sys_id=${random}`],
      ['a sys_id of another table', `/incident.do?sys_id=${ABEL}`],
      ['a malformed sys_id', '/sys_user.do?sys_id=1%27%20or%201=1'],
      ['a number that does not exist', '/incident.do?sysparm_query=number=INC9999999'],
      ['a query on an unknown field', '/incident.do?sysparm_query=nosuch=1'],
      ['an upper-case table name', `/SYS_USER.do?sys_id=${ABEL}`],
    ];
    it.each(pages)('answers %s with the one 404 page', async (_, url) => {
      const response = await b.get(url);
      expect(response.statusCode, response.body).toBe(404);
      expect(response.headers['content-type']).toContain('text/html');
      const main = section(response.body, '<main>', '</main>');
      expect(main).toBe(section((await b.get('/nosuch.do')).body, '<main>', '</main>'));
      expect(main).toContain('There is no such record, or it cannot be shown here.');
      expect(main).not.toMatch(/sys_user|incident|accounts|sessions/);
    });

    it('leaves paths that are not .do pages to the app', async () => {
      const response = await b.get('/nosuch');
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    });

    it('refuses an over-long parameter with a 400 page naming it', async () => {
      const response = await b.get(`/incident.do?sys_id=-1&sysparm_query=${'a'.repeat(5000)}`);
      expect(response.statusCode).toBe(400);
      expect(response.body).toContain('sysparm_query: at most 4000 characters');
      expect(response.body).not.toMatch(/ at \S+\.ts:\d+/);
    });
  });
});
