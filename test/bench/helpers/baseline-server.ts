/**
 * The load benchmark's baseline, run as a process of its own: a plain fastify route answering
 * `/cti.do?sysparm_caller_phone=…` with the lookups the default rule makes for a caller found by phone
 * (the user by E.164 phone, their notification devices, an open incident), asked directly with the
 * postgres driver (prepared statements), with no sandbox, no authentication and no call log.
 * DATABASE_URL and PORT from the environment; prints "listening" when ready.
 */
import Fastify from 'fastify';
import postgres from 'postgres';
import { toE164 } from '../../../server/records/phone.ts';

const sql = postgres(process.env.DATABASE_URL!, { max: 10, onnotice: () => {} });
const app = Fastify({ logger: false });

app.get<{ Querystring: { sysparm_caller_phone?: string } }>('/cti.do', async (request) => {
  const e164 = toE164(request.query.sysparm_caller_phone ?? '', 'US');
  if (!e164) return { answer: 'incident.do?sys_id=-1&sysparm_query=contact_type=phone' };
  const users = await sql<{ sys_id: string }[]>`
    select sys_id from biz.sys_user
    where active and (phone__e164 = ${e164} or mobile_phone__e164 = ${e164}) limit 10`;
  await sql`select "user" from biz.cmn_notif_device where phone_number__e164 = ${e164} and active`;
  const id = users[0]?.sys_id;
  if (users.length !== 1 || !id) return { answer: 'incident.do?sys_id=-1&sysparm_query=contact_type=phone' };
  const open = await sql`
    select sys_id from biz.task
    where sys_class_name = 'incident' and caller_id = ${id} and active limit 1`;
  return {
    answer:
      open.length > 0
        ? `sys_user.do?sys_id=${id}&sysparm_view=cti`
        : `incident.do?sys_id=-1&sysparm_query=caller_id=${id}^contact_type=phone&sysparm_view=cti`,
  };
});

const close = async () => {
  await app.close();
  await sql.end();
  process.exit(0);
};
process.on('SIGTERM', () => void close());
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.stdout.write('listening\n');
