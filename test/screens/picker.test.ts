/** The caller picker (SPEC §6.3): the candidates, and the pick remembered per number, or forgotten. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { BETH, browser, JOHNS, OLGA_INACTIVE } from './helpers.ts';

const RAYS = ['9ee1b13d-c611-2710-00ad-18be8c2d0cc1', '9ee1b13d-c611-2710-00ad-18be8c2d0cc2'];

describeEachDatabase('the caller picker', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let b: ReturnType<typeof browser>;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    await services.accounts.create('agent.cy', 'agent password 3', 'agent');
    b = browser(app, await login(app, 'agent.cy', 'agent password 3'));
  });
  afterAll(() => app.close());

  const picks = () =>
    services.reader.select({ table: 'cti_caller_pick', query: 'ORDERBYsys_created_on', limit: 100 });
  const buttons = (html: string) =>
    [...html.matchAll(/<button type="submit" name="pick" value="([^"]+)"/g)].map((m) => m[1]);

  describe('GET /cti_pick.do', () => {
    it('lists exactly the valid, active candidates, with "someone else"', async () => {
      const candidates = [
        ...RAYS,
        OLGA_INACTIVE,
        'not-a-sys-id',
        RAYS[0],
        '0f0e0d0c-0b0a-4909-8807-060504030201',
      ];
      const response = await b.get(
        `/cti_pick.do?sysparm_candidates=${candidates.join(',')}&sysparm_caller_phone=${encodeURIComponent('+1 312 555 0100')}&sysparm_query=priority%3D1&sysparm_view=cti`,
      );
      expect(response.statusCode, response.body).toBe(200);
      expect(buttons(response.body)).toEqual([...RAYS, 'someone_else']);
      expect(response.body).toContain(
        '<td>Carol Ray</td><td>carol.ray</td><td>HR</td><td>carol.ray@example.com</td><td>+1 312 555 0100</td>',
      );
      expect(response.body).toContain('<td>Dan Ray</td><td>dan.ray</td>');
      expect(response.body).not.toContain('olga.gone');
      expect(response.body).toContain(
        '<input type="hidden" name="sysparm_caller_phone" value="+1 312 555 0100">',
      );
      expect(response.body).toContain('<input type="hidden" name="sysparm_query" value="priority=1">');
      expect(response.body).toContain('<input type="hidden" name="sysparm_view" value="cti">');
      expect(response.body).toContain('aria-label="Pick Carol Ray (carol.ray)"');
    });

    it('lists the first 20 active candidates, in the order given', async () => {
      const users = await services.reader.select({
        table: 'sys_user',
        query: 'active=true^ORDERBYuser_name',
        limit: 25,
      });
      expect(users).toHaveLength(25);
      const ids = users.map((u) => String(u.sys_id)).reverse();
      const response = await b.get(`/cti_pick.do?sysparm_candidates=${[OLGA_INACTIVE, ...ids].join(',')}`);
      expect(buttons(response.body)).toEqual([...ids.slice(0, 20), 'someone_else']);
    });

    it('shows only "someone else" when no candidate is valid', async () => {
      const response = await b.get(`/cti_pick.do?sysparm_candidates=${OLGA_INACTIVE},x`);
      expect(response.statusCode).toBe(200);
      expect(buttons(response.body)).toEqual(['someone_else']);
    });
  });

  describe('POST /cti_pick.do', () => {
    it('remembers a pick for the number and pops that caller through /cti.do', async () => {
      const response = await b.post('/cti_pick.do', {
        pick: RAYS[1]!,
        sysparm_caller_phone: '+1 312 555 0100',
        sysparm_query: 'priority=1^category=network',
        sysparm_view: 'cti',
      });
      expect(response.statusCode, response.body).toBe(303);
      expect(response.headers.location).toBe(
        `/cti.do?sysparm_caller_id=${RAYS[1]}&sysparm_view=cti&sysparm_query=${encodeURIComponent('priority=1^category=network')}`,
      );
      const rows = await picks();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ phone: '+1 312 555 0100', user: RAYS[1], picked_by: 'agent.cy' });
    });

    it('keeps one row per number: a pick for the same number in another format updates it', async () => {
      const [before] = await picks();
      const response = await b.post('/cti_pick.do', {
        pick: RAYS[0]!,
        sysparm_caller_phone: '(312) 555-0100',
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(`/cti.do?sysparm_caller_id=${RAYS[0]}`);
      const rows = await picks();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ sys_id: before!.sys_id, user: RAYS[0], phone: '(312) 555-0100' });
      // A pick for another number is a row of its own.
      await b.post('/cti_pick.do', { pick: JOHNS[0]!, sysparm_caller_phone: '212-555-0101' });
      expect(await picks()).toHaveLength(2);
    });

    it('"someone else" forgets the pick for that number and opens a new incident', async () => {
      const response = await b.post('/cti_pick.do', {
        pick: 'someone_else',
        sysparm_caller_phone: '3125550100',
        sysparm_query: 'priority=1',
        sysparm_view: 'cti',
      });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(
        '/incident.do?sys_id=-1&sysparm_query=priority%3D1&sysparm_view=cti',
      );
      const rows = await picks();
      expect(rows.map((r) => r.user)).toEqual([JOHNS[0]]);
    });

    it('forget=<phone> forgets the pick and asks /cti.do again, so the picker shows', async () => {
      await b.post('/cti_pick.do', { pick: RAYS[0]!, sysparm_caller_phone: '+1 312 555 0100' });
      expect(await picks()).toHaveLength(2);
      const response = await b.post('/cti_pick.do', { forget: '+1 312 555 0100' });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(
        `/cti.do?sysparm_caller_phone=${encodeURIComponent('+1 312 555 0100')}`,
      );
      expect((await picks()).map((r) => r.user)).toEqual([JOHNS[0]]);
    });

    it.each([
      [
        'a pick that is not a sys_id',
        { pick: 'abc' },
        'pick: expected the sys_id of a caller, or someone_else',
      ],
      ['both pick and forget', { pick: BETH, forget: '212' }, 'send either pick'],
      ['neither', { sysparm_caller_phone: '212' }, 'send either pick'],
      ['an inactive caller', { pick: OLGA_INACTIVE }, 'pick: that caller is not an active user'],
      ['an over-long phone', { forget: '1'.repeat(100) }, 'forget: at most 64 characters'],
    ])('refuses %s with a clear 400 page', async (_, fields, message) => {
      const before = await picks();
      const response = await b.post('/cti_pick.do', fields as Record<string, string>);
      expect(response.statusCode).toBe(400);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.body).toContain(message);
      expect(response.body).not.toMatch(/ at \S+\.ts:\d+|ZodError/);
      expect(await picks()).toEqual(before);
    });
  });
});
