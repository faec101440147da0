/**
 * Cross-site request forgery: a change made with a session cookie must carry the session's CSRF
 * token, in the `x-csrf-token` header (the console, scripts) or a `_csrf` form field (the screens).
 * The token is derived from the session cookie, so every process computes the same one without
 * storing anything, and another site, which cannot read the cookie, cannot compute it.
 * Bearer-token requests carry no ambient credential and need none; logging in needs none either.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.ts';
import { SESSION_COOKIE } from './auth.ts';

export const CSRF_HEADER = 'x-csrf-token';
export const CSRF_FIELD = '_csrf';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
/** Routes that start a session rather than use one. */
const EXEMPT_ROUTES = new Set(['/api/login', '/login']);

export function csrfTokenFor(sessionCookie: string): string {
  return createHash('sha256').update(`ctihost-csrf\0${sessionCookie}`).digest('base64url');
}

/** The token of the request's own session, or null when it has none. */
export function csrfTokenOf(request: FastifyRequest): string | null {
  // No cookies are parsed yet when the router itself refuses the URL (answerFrameworkError): no token.
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? csrfTokenFor(cookie) : null;
}

function sameToken(given: unknown, expected: string): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

/** The token a request presents; a form's `_csrf` field is taken out of the body on the way. */
function presentedToken(request: FastifyRequest): unknown {
  const header = request.headers[CSRF_HEADER];
  if (header !== undefined) return header;
  const body = request.body;
  if (body && typeof body === 'object' && CSRF_FIELD in body) {
    const fields = body as Record<string, unknown>;
    const value = fields[CSRF_FIELD];
    delete fields[CSRF_FIELD];
    return Array.isArray(value) ? value[0] : value;
  }
  return undefined;
}

/** preValidation (after the body is parsed, before route checks): refuses a session's change without its token. */
export function installCsrfCheck(app: FastifyInstance): void {
  app.addHook('preValidation', async (request, reply) => {
    if (SAFE_METHODS.has(request.method)) return;
    if (request.actor?.kind !== 'session') return;
    if (EXEMPT_ROUTES.has(request.routeOptions.url ?? '')) return;
    const expected = csrfTokenOf(request);
    const given = presentedToken(request);
    if (expected && sameToken(given, expected)) return;
    return reply
      .status(403)
      .send(
        errorBody(
          'CSRF',
          `this change needs the session's CSRF token in the ${CSRF_HEADER} header (GET /api/session gives it)`,
        ),
      );
  });
}
