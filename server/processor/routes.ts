/**
 * `GET /cti.do` over HTTP: who is calling, JSON or browser, and how each outcome is answered
 * (SPEC §5). The decisions are in process-call.ts; the fallback screen comes from the screens.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.ts';
import type { FailedCall, Processor } from './process-call.ts';

export type FallbackRenderer = (
  reply: FastifyReply,
  failure: {
    rule: string | null;
    error: { code: string; message: string };
    prefillQuery: string | null;
    view: string | null;
    callId: string | null;
  },
) => FastifyReply | Promise<FastifyReply>;

export const wantsJson = (request: FastifyRequest) =>
  (request.headers.accept ?? '').includes('application/json');

/**
 * How long a client told 503 (every isolate busy, the database lost, the server closing) should wait
 * before it tries again. A telephony client or a load balancer that honours it spreads a burst out
 * instead of meeting the same full queue at once.
 */
export const RETRY_AFTER_SECONDS = 1;

/** A call that failed (the rule, the sandbox or the database): the error as JSON, or the fallback screen. */
export function sendFailedCall(
  reply: FastifyReply,
  outcome: FailedCall,
  json: boolean,
  renderFallback: FallbackRenderer,
): FastifyReply | Promise<FastifyReply> {
  reply.header('cache-control', 'no-store');
  if (outcome.status === 503 && (json || outcome.error.code === 'UNAVAILABLE'))
    reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  if (json) {
    return reply.status(outcome.status).send({
      ...errorBody(outcome.error.code, outcome.error.message),
      rule: outcome.rule,
      outcome: 'error',
      durationMs: outcome.durationMs,
      callId: outcome.callId,
    });
  }
  // A rule's failure still pops a usable screen (200); a lost database says 503 to the browser too.
  return renderFallback(outcome.error.code === 'UNAVAILABLE' ? reply.status(503) : reply, {
    rule: outcome.rule,
    error: outcome.error,
    prefillQuery: outcome.prefillQuery,
    view: outcome.view,
    callId: outcome.callId,
  });
}

export function processorRoutes(
  app: FastifyInstance,
  deps: { processor: Processor; renderFallback: FallbackRenderer },
): void {
  app.get('/cti.do', async (request, reply) => {
    const json = wantsJson(request);
    const actor = request.actor;
    if (!actor) {
      // A bad token is refused as such; a browser without a session logs in and comes back to this call.
      if (json || request.headers.authorization) {
        return reply
          .status(401)
          .send(errorBody('UNAUTHORIZED', 'send a valid Bearer token or log in as an agent'));
      }
      return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302);
    }
    const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
    const outcome = await deps.processor.processCall(query, actor);
    reply.header('cache-control', 'no-store');

    if (outcome.kind === 'answer') {
      if (json) {
        return {
          answer: outcome.location,
          rule: outcome.rule,
          outcome: outcome.outcome,
          durationMs: outcome.durationMs,
          callId: outcome.callId,
        };
      }
      return reply.redirect(outcome.location, 302);
    }
    if (outcome.kind === 'refused') {
      if (json || outcome.status !== 400) {
        // Configuration errors (unknown, inactive, not client-callable) say so to browsers too.
        if (json) return reply.status(outcome.status).send(errorBody(outcome.code, outcome.message));
        return deps.renderFallback(reply.status(outcome.status), {
          rule: null,
          error: { code: outcome.code, message: outcome.message },
          prefillQuery: outcome.prefillQuery,
          view: outcome.view,
          callId: null,
        });
      }
      return deps.renderFallback(reply, {
        rule: null,
        error: { code: outcome.code, message: outcome.message },
        prefillQuery: null,
        view: null,
        callId: null,
      });
    }
    return sendFailedCall(reply, outcome, json, deps.renderFallback);
  });
}
