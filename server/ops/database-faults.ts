/**
 * A lost database, in one place. Any request that meets a lost connection tells the health, which
 * takes the database as down; from then until a ping answers again, every request that needs the
 * database is answered 503 at once, before authentication touches it: JSON for API and telephony
 * clients, the plain new-incident form with a banner for an agent's browser on /cti.do. Health,
 * readiness and metrics stay served. The processor maps the lost connections it meets itself
 * (process-call.ts); the error handler maps the rest (server/http/error-handler.ts).
 */
import type { FastifyInstance } from 'fastify';
import { errorBody } from '../errors.ts';
import { SESSION_COOKIE } from '../http/auth.ts';
import type { Processor } from '../processor/process-call.ts';
import {
  type FallbackRenderer,
  RETRY_AFTER_SECONDS,
  sendFailedCall,
  wantsJson,
} from '../processor/routes.ts';
import { DATABASE_UNAVAILABLE_MESSAGE } from './database-errors.ts';
import type { DatabaseHealth } from './database-health.ts';

/** Routes that never need the database (readiness pings it itself and must say 503 on its own). */
const SERVED_WHILE_DOWN = new Set(['/healthz', '/readyz', '/metrics']);

/** The processor, telling the health when a call met a lost connection (it answers those itself). */
export function watchProcessor(processor: Processor, health: Pick<DatabaseHealth, 'lost'>): Processor {
  return {
    ...processor,
    async processCall(rawQuery, actor) {
      const outcome = await processor.processCall(rawQuery, actor);
      if (outcome.kind === 'failed' && outcome.error.code === 'UNAVAILABLE') health.lost('/cti.do');
      return outcome;
    },
  };
}

export function installDatabaseFaults(
  app: FastifyInstance,
  deps: {
    health: Pick<DatabaseHealth, 'up' | 'report'>;
    processor: Pick<Processor, 'unavailable'>;
    renderFallback: FallbackRenderer;
    onUnavailableCall?: (outcome: ReturnType<Processor['unavailable']>) => void;
  },
): void {
  // Runs before authentication (app.ts registers it first), which would otherwise wait on the database.
  app.addHook('onRequest', async (request, reply) => {
    if (deps.health.up) return;
    const route = request.routeOptions.url;
    if (route !== undefined && SERVED_WHILE_DOWN.has(route)) return;
    // Who is calling cannot be checked without the database. The form is shown to a browser that
    // brings credentials (an agent's session cookie, a token); it holds no record, only the call's own
    // parameters. Anyone else gets the plain 503.
    const json = wantsJson(request);
    if (
      route === '/cti.do' &&
      (json || request.headers.authorization !== undefined || request.cookies[SESSION_COOKIE] !== undefined)
    ) {
      const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '';
      const outcome = deps.processor.unavailable(query);
      deps.onUnavailableCall?.(outcome);
      return sendFailedCall(reply, outcome, json, deps.renderFallback);
    }
    return reply
      .status(503)
      .header('cache-control', 'no-store')
      .header('retry-after', String(RETRY_AFTER_SECONDS))
      .send(errorBody('UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE));
  });

  // Every failure passes here, whichever scope's error handler answers it: a lost connection is news.
  app.addHook('onError', async (_request, _reply, error) => {
    deps.health.report(error);
  });
}
