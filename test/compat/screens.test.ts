/**
 * A shop's own table on the popped screens (SPEC §9; issue 7): the agent's browser follows an old
 * rule's relative answer to a new HR case form, sees the caller by name, submits it, and the case
 * exists as an HR case and as a task.
 */
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import { login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { browser, section } from '../screens/helpers.ts';
import { openShop, PAT, QUINN, QUINN_CASE, type Shop, setUpShop } from './shop.ts';

describeEachDatabase('HR cases on the popped screens', (db) => {
  let shop: Shop;
  let app: FastifyInstance;
  let b: ReturnType<typeof browser>;
  beforeAll(async () => {
    shop = await openShop(db());
    app = shop.app;
    await setUpShop(shop);
    await shop.saveRule('hrCaseCti');
    await shop.services.accounts.create('agent.hr', 'agent password 1', 'agent');
    b = browser(app, await login(app, 'agent.hr', 'agent password 1'));
  });
  const field = (html: string, name: string) => section(html, `<label for="f-${name}">`, '<label for=');

  it('renders /hr_case.do?sys_id=-1&sysparm_query=opened_for=<id> with the user’s name', async () => {
    const page = await b.get(`/hr_case.do?sys_id=-1&sysparm_query=opened_for=${QUINN}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('<h1>New HR Case</h1>');
    const openedFor = field(page.body, 'opened_for');
    expect(openedFor).toContain('name="opened_for" type="text" value="Quinn Case"');
    expect(openedFor).toContain(`<input type="hidden" name="opened_for__shown" value="${QUINN}">`);
    expect(field(page.body, 'u_hr_service')).toContain('<option value="payroll">Payroll</option>');
    // HRC numbers are the host's to assign.
    expect(page.body).not.toContain('name="number"');
  });

  it('follows the rule’s relative answer to the form, creates the case on submit, and the next call sees it', async () => {
    const popped = await b.get('/cti.do?sysparm_cti_rule=hrCaseCti&sysparm_caller_id=H1002');
    expect(popped.statusCode, popped.body).toBe(302);
    const answer = String(popped.headers.location);
    expect(answer).toBe(`/hr_case.do?sys_id=-1&sysparm_query=opened_for=${PAT}^opened_by=${PAT}`);

    const form = await b.get(answer);
    expect(form.statusCode, form.body).toBe(200);
    expect(field(form.body, 'opened_for')).toContain('value="Pat Fresh"');
    expect(field(form.body, 'opened_by')).toContain('value="Pat Fresh"');

    const submitted = await b.post('/hr_case.do', {
      opened_for: 'Pat Fresh',
      opened_for__shown: PAT,
      opened_by: 'Pat Fresh',
      opened_by__shown: PAT,
      short_description: 'Payslip missing',
      u_hr_service: 'payroll',
      work_notes: 'Caller on the line',
    });
    expect(submitted.statusCode, submitted.body).toBe(303);
    const match = /^\/hr_case\.do\?sys_id=([0-9a-f-]{36})$/.exec(String(submitted.headers.location));
    expect(match, String(submitted.headers.location)).not.toBeNull();
    const id = match![1]!;

    const [hrCase] = await shop.services.reader.select({ table: 'hr_case', query: `sys_id=${id}`, limit: 1 });
    expect(hrCase).toMatchObject({
      sys_class_name: 'hr_case',
      opened_for: PAT,
      opened_by: PAT,
      short_description: 'Payslip missing',
      u_hr_service: 'payroll',
      active: true,
    });
    expect(String(hrCase!.number)).toMatch(/^HRC\d{7}$/);
    const [asTask] = await shop.services.reader.select({ table: 'task', query: `sys_id=${id}`, limit: 1 });
    expect(asTask).toMatchObject({ sys_class_name: 'hr_case', number: hrCase!.number });

    const record = await b.get(String(submitted.headers.location));
    expect(record.statusCode).toBe(200);
    expect(record.body).toContain('Pat Fresh');
    expect(record.body).toContain('Payslip missing');
    expect(record.body).toContain('Caller on the line');

    // Pat has an open HR case now: the same call pops the profile.
    const again = await b.get('/cti.do?sysparm_cti_rule=hrCaseCti&sysparm_caller_id=H1002');
    expect(again.headers.location).toBe(`/sys_user.do?sys_id=${PAT}&sysparm_view=itil`);
  });

  it('shows an imported HR case with the user’s name for its reference', async () => {
    const page = await b.get(`/hr_case.do?sys_id=${QUINN_CASE}`);
    expect(page.statusCode, page.body).toBe(200);
    expect(page.body).toContain('Quinn Case');
    expect(page.body).toContain('Question about benefits enrolment');
    expect(page.body).toContain('Benefits');
  });
});
