/**
 * Sending a screen: headers every page carries (no caching, no scripts at all), the layout's data
 * (who is signed in, the "picked earlier" offer) and the one plain page for every refusal.
 */
import type { FastifyReply } from 'fastify';
import { csrfTokenOf } from '../http/csrf.ts';
import type { ScreenContext } from './context.ts';
import type { TemplateName } from './templates.ts';

/** The remembered-pick offer of the default rule (`sysparm_cti_picked`), shown above any screen. */
export type PickedOffer = { phone: string };

export type LayoutData = {
  title: string;
  username: string | null;
  picked: PickedOffer | null;
  /** The session's CSRF token, a hidden field of every form that changes something. */
  csrf: string;
};

/** No script may run on a screen, whatever a record holds; styles are the layout's own. */
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; base-uri 'none'";

export function sendPage(
  reply: FastifyReply,
  ctx: ScreenContext,
  template: TemplateName,
  data: Partial<LayoutData> & { title: string; [page: string]: unknown },
): FastifyReply {
  const layout: LayoutData = {
    username: reply.request.actor?.username ?? null,
    picked: null,
    csrf: csrfTokenOf(reply.request) ?? '',
    ...data,
  };
  return reply
    .header('content-type', 'text/html; charset=utf-8')
    .header('cache-control', 'no-store')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'same-origin')
    .send(ctx.templates.render(template, layout));
}

export type Message = { status: number; title: string; message: string; details?: string[] };

export function sendMessage(reply: FastifyReply, ctx: ScreenContext, message: Message): FastifyReply {
  return sendPage(reply.status(message.status), ctx, 'message', {
    title: message.title,
    message: message.message,
    details: message.details ?? [],
  });
}

/** One answer for an unknown table, a system table and an unknown record: nothing to probe. */
export const NOT_FOUND: Message = {
  status: 404,
  title: 'Not found',
  message: 'There is no such record, or it cannot be shown here.',
};
