/**
 * What a browser gets when a rule fails (SPEC §5): the new-incident form, pre-filled from the call,
 * under a banner naming the rule and the failure. The processor sets the status; this adds the
 * `x-cti-outcome: error` header so a telephony client can tell the fallback from a popped screen.
 */
import type { FastifyReply } from 'fastify';
import { screenContextOf } from './context.ts';
import { sendForm } from './form-page.ts';
import { prefillFromQuery } from './new-record-form.ts';
import { sendMessage } from './page.ts';
import { viewName } from './params.ts';

export type RuleFailure = {
  rule: string | null;
  error: { code: string; message: string };
  prefillQuery: string | null;
  view: string | null;
  callId: string | null;
};

export async function renderFallbackScreen(reply: FastifyReply, failure: RuleFailure): Promise<FastifyReply> {
  const ctx = screenContextOf(reply.server);
  reply.header('x-cti-outcome', 'error');
  const lines = [`${failure.error.code}: ${failure.error.message}`];
  if (failure.callId) lines.push(`Call ${failure.callId}`);
  const banner = {
    title: failure.rule
      ? `The CTI rule ${failure.rule} failed; fill in the new incident yourself.`
      : 'The call could not be processed; fill in the new incident yourself.',
    lines,
  };
  const incident = ctx.dictionary().get('incident');
  if (!incident) {
    return sendMessage(reply, ctx, {
      status: reply.statusCode,
      title: 'CTI rule failed',
      message: banner.title,
      details: lines,
    });
  }
  return sendForm(reply, ctx, incident, {
    view: viewName(failure.view ?? undefined),
    form: prefillFromQuery(incident, failure.prefillQuery ?? ''),
    banner,
  });
}
