/**
 * The caller picker (SPEC §6.3): `GET /cti_pick.do` lists the callers the default rule found for a
 * number, `POST /cti_pick.do` remembers the agent's pick for that number (or forgets it) and goes
 * back to /cti.do, so the rule pops the picked caller, or a new incident for "someone else".
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { normaliseSysId } from '../dictionary/values.ts';
import { forgetPick, rememberPick } from './caller-picks.ts';
import type { ScreenContext } from './context.ts';
import { agentOf, fromThisSite } from './guard.ts';
import { sendMessage, sendPage } from './page.ts';
import { MAX_PHONE, MAX_QUERY, MAX_VIEW, problemsOf, text } from './params.ts';
import { loadCandidates } from './picker-candidates.ts';

export const SOMEONE_ELSE = 'someone_else';

const pickerQuery = z.object({
  sysparm_candidates: text('sysparm_candidates', 4000),
  sysparm_caller_phone: text('sysparm_caller_phone', MAX_PHONE),
  sysparm_query: text('sysparm_query', MAX_QUERY),
  sysparm_view: text('sysparm_view', MAX_VIEW),
});

const pickForm = z
  .object({
    pick: text('pick', 64),
    forget: text('forget', MAX_PHONE),
    sysparm_caller_phone: text('sysparm_caller_phone', MAX_PHONE),
    sysparm_query: text('sysparm_query', MAX_QUERY),
    sysparm_view: text('sysparm_view', MAX_VIEW),
  })
  .refine((form) => (form.pick === undefined) !== (form.forget === undefined), {
    message: 'send either pick (a caller, or someone_else) or forget (a phone number)',
  })
  .refine((form) => form.pick === undefined || form.pick === SOMEONE_ELSE || normaliseSysId(form.pick), {
    message: `pick: expected the sys_id of a caller, or ${SOMEONE_ELSE}`,
  });

const param = (name: string, value: string | undefined) =>
  value ? `&${name}=${encodeURIComponent(value)}` : '';

const badRequest = (details: string[]) => ({
  status: 400,
  title: 'Bad request',
  message: 'The caller picker cannot use these parameters.',
  details,
});

export function pickerRoutes(app: FastifyInstance, ctx: ScreenContext): void {
  app.get('/cti_pick.do', async (request, reply) => {
    if (!agentOf(request, reply, ctx)) return reply;
    const query = pickerQuery.safeParse(request.query ?? {});
    if (!query.success) return sendMessage(reply, ctx, badRequest(problemsOf(query.error)));
    const candidates = await loadCandidates(ctx.reader, query.data.sysparm_candidates ?? '');
    return sendPage(reply, ctx, 'picker', {
      title: 'Who is calling?',
      picker: {
        candidates,
        phone: query.data.sysparm_caller_phone ?? '',
        query: query.data.sysparm_query ?? '',
        view: query.data.sysparm_view ?? '',
      },
    });
  });

  app.post('/cti_pick.do', async (request, reply) => {
    const actor = agentOf(request, reply, ctx);
    if (!actor || !fromThisSite(request, reply, ctx)) return reply;
    const form = pickForm.safeParse(request.body ?? {});
    if (!form.success) return sendMessage(reply, ctx, badRequest(problemsOf(form.error)));
    const {
      pick,
      forget,
      sysparm_caller_phone: phone = '',
      sysparm_query: prefill,
      sysparm_view: view,
    } = form.data;

    if (forget !== undefined) {
      await forgetPick(ctx, forget);
      return reply.redirect(`/cti.do?sysparm_caller_phone=${encodeURIComponent(forget)}`, 303);
    }
    if (pick === SOMEONE_ELSE) {
      await forgetPick(ctx, phone);
      return reply.redirect(
        `/incident.do?sys_id=-1&sysparm_query=${encodeURIComponent(prefill ?? '')}${param('sysparm_view', view)}`,
        303,
      );
    }
    const userId = normaliseSysId(pick)!;
    const [user] = await ctx.reader.select({
      table: 'sys_user',
      query: `sys_id=${userId}^active=true`,
      limit: 1,
    });
    if (!user) return sendMessage(reply, ctx, badRequest(['pick: that caller is not an active user']));
    await rememberPick(ctx, phone, userId, actor.username);
    return reply.redirect(
      `/cti.do?sysparm_caller_id=${userId}${param('sysparm_view', view)}${param('sysparm_query', prefill)}`,
      303,
    );
  });
}
