/**
 * Requests per minute, per credential (@fastify/rate-limit, fixed one-minute windows): each API
 * token on its own (a telephony client may carry a whole contact centre's pops), each account's
 * sessions, and each IP for requests without a valid credential. One flooding token slows only
 * itself. Health, readiness and metrics are never limited, nor the console's immutable assets.
 *
 * The counts are in memory, per process: behind a load balancer with N processes a credential may
 * make up to N times its limit. That is the price of needing no shared store; the limits are there
 * to stop a runaway client or a script, not to meter anyone exactly.
 */
import rateLimit, { type CreateRateLimitOptions, normalizeIP } from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Config } from '../config/env.ts';
import { sendTooManyRequests } from './too-many-requests.ts';

const WINDOW_MS = 60_000;
/** Keys (credentials and IPs) counted at once, least recently seen dropped first. */
const MAX_KEYS = 20_000;

/** Routes that are never limited: probes and scrapers, and files that cost nothing to serve. */
const UNLIMITED_ROUTES = new Set(['/healthz', '/readyz', '/metrics', '/admin/assets/*']);

type Limits = Config['rateLimits'];

/** Who is counted: the request's credential, or its address when it has none. */
export function rateLimitKey(request: FastifyRequest): string {
  const actor = request.actor;
  if (actor) return `${actor.kind}:${actor.id}`;
  return `ip:${normalizeIP(request.ip)}`;
}

export function limitFor(request: FastifyRequest, limits: Limits): number {
  const kind = request.actor?.kind;
  if (kind === 'token') return limits.tokenPerMinute;
  if (kind === 'session') return limits.sessionPerMinute;
  return limits.anonymousPerMinute;
}

/** After authentication (its onRequest hook must be added first): the limit depends on the actor. */
export async function installRateLimits(app: FastifyInstance, limits: Limits): Promise<void> {
  // Not global: one onRequest hook below answers every route, and the 404s, in one shape.
  await app.register(rateLimit, { global: false });
  const options: CreateRateLimitOptions & { cache: number } = {
    timeWindow: WINDOW_MS,
    cache: MAX_KEYS,
    keyGenerator: rateLimitKey,
    max: (request) => limitFor(request, limits),
    allowList: (request) =>
      UNLIMITED_ROUTES.has(request.routeOptions.url ?? '') || limitFor(request, limits) === 0,
  };
  const limiter = app.createRateLimit(options);

  app.addHook('onRequest', async (request, reply) => {
    const result = await limiter(request);
    if (result.isAllowed) return;
    reply
      .header('x-ratelimit-limit', String(result.max))
      .header('x-ratelimit-remaining', String(result.remaining))
      .header('x-ratelimit-reset', String(result.ttlInSeconds));
    if (!result.isExceeded) return;
    const who = request.actor
      ? `this ${request.actor.kind === 'token' ? 'token' : 'account'}`
      : 'this address';
    return sendTooManyRequests(request, reply, {
      retryAfterSeconds: result.ttlInSeconds,
      message: `too many requests: ${who} may make ${result.max} a minute; try again in ${result.ttlInSeconds} s`,
    });
  });
}
