/** The new-record form (SPEC §9): pre-filled from the encoded query, and its submit as an agent's write. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { ABEL, BETH, browser, section } from './helpers.ts';

describeEachDatabase('the new-record form', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let b: ReturnType<typeof browser>;

  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    await services.accounts.create('agent.ann', 'agent password 1', 'agent');
    b = browser(app, await login(app, 'agent.ann', 'agent password 1'));
  });
  afterAll(() => app.close());

  const field = (html: string, name: string) => section(html, `<label for="f-${name}">`, '<label for=');

  describe('pre-fill', () => {
    it('shows the caller by name and the priority by its label', async () => {
      const query = encodeURIComponent(
        `caller_id=${ABEL}^contact_type=phone^priority=1^short_description=No dial tone`,
      );
      const response = await b.get(`/incident.do?sys_id=-1&sysparm_query=${query}&sysparm_view=cti`);
      expect(response.statusCode, response.body).toBe(200);
      expect(response.body).toContain('<h1>New Incident</h1>');
      const caller = field(response.body, 'caller_id');
      expect(caller).toContain('name="caller_id" type="text" value="Abel Tuter"');
      expect(caller).toContain(`<input type="hidden" name="caller_id__shown" value="${ABEL}">`);
      expect(field(response.body, 'priority')).toContain('<option value="1" selected>1 - Critical</option>');
      expect(field(response.body, 'contact_type')).toContain('<option value="phone" selected>phone</option>');
      expect(field(response.body, 'short_description')).toContain('value="No dial tone"');
      // The number is the host's to assign.
      expect(response.body).not.toContain('name="number"');
      expect(response.body).toContain('<input type="hidden" name="sysparm_view" value="cti">');
    });

    it('ignores what is not a field=value of the table, or does not coerce', async () => {
      const query = encodeURIComponent(
        'priority=urgent!!^nosuch=1^caller_id.name=Abel^urgencyIN1,2^impact=2^ORimpact=3^sys_id=x^number=INC1^category=network',
      );
      const response = await b.get(`/incident.do?sys_id=-1&sysparm_query=${query}`);
      expect(response.statusCode).toBe(200);
      expect(field(response.body, 'priority')).toContain('<option value="" selected>');
      expect(field(response.body, 'urgency')).toContain('<option value="" selected>');
      expect(field(response.body, 'impact')).toContain('<option value="" selected>');
      expect(field(response.body, 'category')).toContain('<option value="network" selected>');
      expect(response.body).not.toContain('nosuch');
      expect(response.body).not.toContain('urgent!!');
    });

    it('shows an empty form for a query that does not parse', async () => {
      const response = await b.get(
        `/incident.do?sys_id=-1&sysparm_query=${encodeURIComponent('Priority=1^^^=')}`,
      );
      expect(response.statusCode).toBe(200);
      expect(field(response.body, 'priority')).toContain('<option value="" selected>');
    });
  });

  describe('submit', () => {
    it('creates the incident and goes to it', async () => {
      const response = await b.post('/incident.do', {
        caller_id: 'Abel Tuter',
        caller_id__shown: ABEL,
        short_description: 'Headset crackles',
        priority: '2',
        contact_type: 'phone',
        work_notes: 'Caller on hold',
        sysparm_view: 'cti',
      });
      expect(response.statusCode, response.body).toBe(303);
      const match = /^\/incident\.do\?sys_id=([0-9a-f-]{36})$/.exec(String(response.headers.location));
      expect(match, String(response.headers.location)).not.toBeNull();
      const [row] = await services.reader.select({
        table: 'incident',
        query: `sys_id=${match![1]}`,
        limit: 1,
      });
      expect(row).toMatchObject({
        caller_id: ABEL,
        short_description: 'Headset crackles',
        priority: 2,
        contact_type: 'phone',
        active: true,
        state: 1,
        work_notes: 'Caller on hold',
      });
      expect(String(row!.number)).toMatch(/^INC\d{7}$/);
      expect(row!.opened_at).not.toBeNull();

      const page = await b.get(String(response.headers.location));
      expect(page.statusCode).toBe(200);
      expect(page.body).toContain('Headset crackles');
      // The new incident is open, so it joins the caller's list.
      const caller = await b.get(`/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`);
      expect(caller.body).toContain(String(row!.number));
    });

    it('resolves a reference typed as a user name', async () => {
      const response = await b.post('/incident.do', {
        caller_id: 'beth.anglin',
        short_description: 'Typed caller',
      });
      expect(response.statusCode, response.body).toBe(303);
      const id = String(response.headers.location).split('sys_id=')[1];
      const [row] = await services.reader.select({ table: 'incident', query: `sys_id=${id}`, limit: 1 });
      expect(row!.caller_id).toBe(BETH);
    });

    it('re-renders a bad priority with a message naming the field, keeping the values', async () => {
      const response = await b.post('/incident.do', {
        caller_id: 'Abel Tuter',
        caller_id__shown: ABEL,
        short_description: 'Kept text',
        priority: 'urgent!!',
        sysparm_view: 'cti',
      });
      expect(response.statusCode, response.body).toBe(400);
      expect(response.body).toContain('The Incident was not saved');
      expect(field(response.body, 'priority')).toMatch(/<p class="field-error">priority: [^<]+<\/p>/);
      expect(field(response.body, 'priority')).toContain(
        '<option value="urgent!!" selected>urgent!!</option>',
      );
      expect(field(response.body, 'short_description')).toContain('value="Kept text"');
      expect(field(response.body, 'caller_id')).toContain('value="Abel Tuter"');
      expect(response.body).toContain('<input type="hidden" name="sysparm_view" value="cti">');
      const count = await services.reader.count({ table: 'incident', query: 'short_description=Kept text' });
      expect(count).toBe(0);
    });

    it('refuses a caller name that matches several users, or none', async () => {
      const several = await b.post('/incident.do', {
        caller_id: 'John Smith',
        short_description: 'Which John',
      });
      expect(several.statusCode).toBe(400);
      expect(field(several.body, 'caller_id')).toContain('caller_id: several records of User match');
      const none = await b.post('/incident.do', { caller_id: 'Nobody Atall', short_description: 'Who' });
      expect(none.statusCode).toBe(400);
      expect(field(none.body, 'caller_id')).toContain('caller_id: no User matches');
      expect(
        await services.reader.count({ table: 'incident', query: 'short_descriptionINWhich John,Who' }),
      ).toBe(0);
    });

    it('creates, never updates: a posted sys_id or number is ignored', async () => {
      const before = await services.reader.count({ table: 'incident', query: 'number=INC0000001' });
      const response = await b.post('/incident.do', {
        number: 'INC0000001',
        sys_id: ABEL,
        short_description: 'Not an update',
      });
      expect(response.statusCode, response.body).toBe(303);
      const [original] = await services.reader.select({
        table: 'incident',
        query: 'number=INC0000001',
        limit: 1,
      });
      expect(original!.short_description).toBe('Cannot connect to VPN');
      expect(await services.reader.count({ table: 'incident', query: 'number=INC0000001' })).toBe(before);
    });

    it('refuses a form posted from another site', async () => {
      const response = await app.inject({
        method: 'POST',
        url: '/incident.do',
        headers: {
          cookie: await login(app, 'agent.ann', 'agent password 1'),
          origin: 'https://evil.example',
          'content-type': 'application/x-www-form-urlencoded',
        },
        payload: 'short_description=Forged',
      });
      expect(response.statusCode).toBe(403);
      expect(await services.reader.count({ table: 'incident', query: 'short_description=Forged' })).toBe(0);
    });

    it('answers a submit to a table that is not a business table with the 404 page', async () => {
      const response = await b.post('/accounts.do', { username: 'x' });
      expect(response.statusCode).toBe(404);
      expect(response.body).toContain('There is no such record');
    });
  });
});
