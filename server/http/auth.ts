/**
 * Who is calling: an agent's or admin's session cookie, or a telephony client's Bearer token.
 * Routes declare what they need with `requireRole`; the answer for a stranger is always 401.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { AccountService, Actor, Role } from '../accounts/accounts.ts';
import { errorBody } from '../errors.ts';

export const SESSION_COOKIE = 'ctihost_session';

declare module 'fastify' {
  interface FastifyRequest {
    actor: Actor | null;
  }
}

export function installAuth(app: FastifyInstance, accounts: AccountService): void {
  app.decorateRequest('actor', null);
  app.addHook('onRequest', async (request) => {
    const header = request.headers.authorization;
    if (header?.startsWith('Bearer ')) {
      request.actor = await accounts.actorForToken(header.slice('Bearer '.length).trim());
      return;
    }
    const cookie = request.cookies[SESSION_COOKIE];
    if (cookie) request.actor = await accounts.actorForSession(cookie);
  });
}

/** A preValidation hook (so a stranger gets 401 before any body check): 401 for no or a bad credential, 403 for a credential without the role. */
export function requireRole(role: Role, options: { sessionOnly?: boolean } = {}) {
  return async (request: FastifyRequest, reply: FastifyReply) => {
    const actor = request.actor;
    if (!actor || (options.sessionOnly && actor.kind !== 'session')) {
      return reply.status(401).send(errorBody('UNAUTHORIZED', 'log in first (POST /api/login)'));
    }
    if (role === 'admin' && actor.role !== 'admin') {
      return reply.status(403).send(errorBody('FORBIDDEN', 'this needs an admin account'));
    }
    return undefined;
  };
}

/** Opens a session for `actor` and sets its cookie: the API's and the login screen's one way to log in. */
export async function startSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  accounts: Pick<AccountService, 'startSession'>,
  actor: Actor,
): Promise<{ cookie: string; expiresAt: Date }> {
  const session = await accounts.startSession(actor.id);
  reply.setCookie(SESSION_COOKIE, session.cookie, {
    httpOnly: true,
    sameSite: 'lax',
    path: '/',
    expires: session.expiresAt,
    // Behind TLS the cookie never travels in clear.
    secure: request.protocol === 'https',
  });
  return session;
}

/** Ends the session of the request's cookie, if any, and clears the cookie. */
export async function endSessionCookie(
  request: FastifyRequest,
  reply: FastifyReply,
  accounts: Pick<AccountService, 'endSession'>,
) {
  const cookie = request.cookies[SESSION_COOKIE];
  if (cookie) await accounts.endSession(cookie);
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}
