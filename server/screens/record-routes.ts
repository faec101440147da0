/**
 * `GET /<table>.do` and `POST /<table>.do` for every business table of the dictionary: a record
 * (`?sys_id=…` or `?sysparm_query=number=…`), the new-record form (`?sys_id=-1&sysparm_query=…`)
 * and its submit. HTTP only: the pages are built in record-screen.ts and new-record-form.ts.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { TableInfo } from '../dictionary/model.ts';
import type { ScreenContext } from './context.ts';
import { sendForm } from './form-page.ts';
import { agentOf, fromThisSite } from './guard.ts';
import { prefillFromQuery } from './new-record-form.ts';
import { NOT_FOUND, sendMessage, sendPage } from './page.ts';
import { doPageTable, MAX_VIEW, problemsOf, recordQuery, viewName } from './params.ts';
import { loadRecord } from './record-loader.ts';
import { buildRecordPage } from './record-screen.ts';
import { formValuesOf, submitNewRecord } from './record-submit.ts';

const pageParams = z.object({ page: z.string() });

const formBody = z
  .record(z.string().max(100), z.union([z.string().max(65536), z.array(z.string().max(65536)).max(20)]), {
    message: 'expected a form',
  })
  .refine((body) => Object.keys(body).length <= 500, { message: 'too many fields' })
  .transform((body) =>
    Object.fromEntries(Object.entries(body).map(([k, v]) => [k, Array.isArray(v) ? (v[0] ?? '') : v])),
  );

const badRequest = (details: string[]) => ({
  status: 400,
  title: 'Bad request',
  message: 'This page cannot be shown for these parameters.',
  details,
});

/** The screens show business tables only: any other name (system tables included) is not found. */
const tableOf = (ctx: ScreenContext, page: string): TableInfo | undefined => {
  const name = doPageTable(page);
  return name && /^[a-z][a-z0-9_]*$/.test(name) ? ctx.dictionary().get(name) : undefined;
};

export function recordRoutes(app: FastifyInstance, ctx: ScreenContext): void {
  app.get('/:page', async (request, reply) => {
    const { page } = pageParams.parse(request.params);
    if (doPageTable(page) === null) return reply.callNotFound();
    if (!agentOf(request, reply, ctx)) return reply;
    const query = recordQuery.safeParse(request.query ?? {});
    if (!query.success) return sendMessage(reply, ctx, badRequest(problemsOf(query.error)));
    const table = tableOf(ctx, page);
    if (!table) return sendMessage(reply, ctx, NOT_FOUND);
    const { sys_id: sysId, sysparm_query: encoded, sysparm_cti_picked: pickedPhone } = query.data;
    const view = viewName(query.data.sysparm_view);
    const picked = pickedPhone?.trim() ? { phone: pickedPhone.trim() } : null;

    if (sysId === '-1' || (!sysId && !encoded)) {
      return sendForm(reply, ctx, table, { view, form: prefillFromQuery(table, encoded ?? ''), picked });
    }
    const loaded = await loadRecord(
      ctx.reader,
      ctx.dictionary(),
      table,
      sysId ? { sysId } : { query: encoded ?? '' },
    );
    if (!loaded) return sendMessage(reply, ctx, NOT_FOUND);
    const record = await buildRecordPage(ctx, loaded.table, loaded.row, view);
    return sendPage(reply, ctx, 'record', {
      title: `${record.table.label} ${record.heading}`,
      record,
      picked,
    });
  });

  app.post('/:page', async (request, reply) => {
    const { page } = pageParams.parse(request.params);
    if (doPageTable(page) === null) return reply.callNotFound();
    const actor = agentOf(request, reply, ctx);
    if (!actor || !fromThisSite(request, reply, ctx)) return reply;
    const table = tableOf(ctx, page);
    if (!table) return sendMessage(reply, ctx, NOT_FOUND);
    const body = formBody.safeParse(request.body ?? {});
    if (!body.success) return sendMessage(reply, ctx, badRequest(problemsOf(body.error)));
    const view = viewName(body.data.sysparm_view?.slice(0, MAX_VIEW));
    const result = await submitNewRecord(ctx, table, formValuesOf(table, body.data), actor.username);
    if (result.ok) {
      return reply.redirect(`/${table.name}.do?sys_id=${encodeURIComponent(result.sysId)}`, 303);
    }
    return sendForm(reply.status(400), ctx, table, {
      view,
      form: result.form,
      problems: { byField: result.byField, general: result.general },
    });
  });
}
