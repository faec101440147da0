/**
 * A custom incident column pre-filled from the URL through the default rule (SPEC §5, §6; issue 7):
 * `sysparm_u_caller_authenticated=true` counts once the column exists, on the next call, and the
 * popped form shows it.
 */
import { sql } from 'drizzle-orm';
import { beforeAll, expect, it } from 'vitest';
import { login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { browser, section } from '../screens/helpers.ts';
import { openShop, type Shop } from './shop.ts';

const BETH = '46d44a5d-a9fe-1981-0018-7d1a8eba1f6b';
const newIncident = (query: string) => `/incident.do?sys_id=-1&sysparm_query=${query}&sysparm_view=cti`;

describeEachDatabase('sysparm_u_caller_authenticated through the default rule', (db) => {
  let shop: Shop;
  beforeAll(async () => {
    shop = await openShop(db());
  });
  const notesOf = async (callId: unknown) => {
    await shop.services.processor.callLog.settled(); // the row follows the answer
    const [row] = await db().database.rows<{ logs: { message: string }[] }>(
      sql`select logs from call_log where id = ${String(callId)}::uuid`,
    );
    return row!.logs.map((l) => l.message).join('\n');
  };

  it('is left out, with a note, while incident has no such column', async () => {
    const { body } = await shop.call('sysparm_caller_phone=4155550143&sysparm_u_caller_authenticated=true');
    expect(body.answer).toBe(newIncident(`caller_id=${BETH}^contact_type=phone`));
    expect(await notesOf(body.callId)).toContain('incident has no field u_caller_authenticated');
  });

  it('pre-fills the new incident once the column is added, at the next call', async () => {
    const added = await shop.post('/api/tables/incident/columns', {
      name: 'u_caller_authenticated',
      type: 'boolean',
    });
    expect(added.status, JSON.stringify(added.body)).toBe(201);
    expect(await shop.answerOf('sysparm_caller_phone=4155550143&sysparm_u_caller_authenticated=true')).toBe(
      newIncident(`caller_id=${BETH}^contact_type=phone^u_caller_authenticated=true`),
    );
    expect(await shop.answerOf('sysparm_u_caller_authenticated=true&sysparm_priority=2')).toBe(
      newIncident('contact_type=phone^u_caller_authenticated=true^priority=2'),
    );
  });

  it('leaves out a value the column cannot take, naming the field', async () => {
    const { body } = await shop.call('sysparm_caller_phone=4155550143&sysparm_u_caller_authenticated=maybe');
    expect(body.answer).toBe(newIncident(`caller_id=${BETH}^contact_type=phone`));
    expect(await notesOf(body.callId)).toContain('u_caller_authenticated: expected true or false');
  });

  it('shows the pre-filled value on the popped form, and saves it on submit', async () => {
    await shop.services.accounts.create('agent.pre', 'agent password 1', 'agent');
    const b = browser(shop.app, await login(shop.app, 'agent.pre', 'agent password 1'));
    const popped = await b.get('/cti.do?sysparm_caller_phone=4155550143&sysparm_u_caller_authenticated=true');
    expect(popped.statusCode).toBe(302);
    const form = await b.get(String(popped.headers.location));
    expect(form.statusCode, form.body).toBe(200);
    const field = section(form.body, '<label for="f-u_caller_authenticated">', '<label for=');
    expect(field).toContain('<option value="true" selected>yes</option>');

    const submitted = await b.post('/incident.do', {
      caller_id: 'Beth Anglin',
      caller_id__shown: BETH,
      short_description: 'Authenticated by the IVR',
      u_caller_authenticated: 'true',
    });
    expect(submitted.statusCode, submitted.body).toBe(303);
    const id = String(submitted.headers.location).split('sys_id=')[1];
    const [row] = await shop.services.reader.select({ table: 'incident', query: `sys_id=${id}`, limit: 1 });
    expect(row).toMatchObject({ caller_id: BETH, u_caller_authenticated: true });
  });
});
