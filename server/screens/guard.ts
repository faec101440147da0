/**
 * Who may see a screen: an agent or admin signed in with a session. A browser without one is sent
 * to /login and comes back to the same URL; a form posted from another site is refused.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../accounts/accounts.ts';
import type { ScreenContext } from './context.ts';
import { sendMessage } from './page.ts';

/** `next` is only ever a path of this site: one leading `/`, no scheme, no host, no backslash. */
export function safeNext(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length > 4000) return '/';
  if (!raw.startsWith('/') || raw.startsWith('//')) return '/';
  // Browsers read `\` as `/` (`/\evil.example`) and drop tabs and newlines from URLs.
  if (/[\\\s]/.test(raw) || [...raw].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
    return '/';
  }
  return raw;
}

export const loginUrl = (next: string) => `/login?next=${encodeURIComponent(safeNext(next))}`;

/** The session's actor, or null after answering: a redirect to /login, or 401 for a bad token. */
export function agentOf(request: FastifyRequest, reply: FastifyReply, ctx: ScreenContext): Actor | null {
  const actor = request.actor;
  if (actor?.kind === 'session') return actor;
  if (request.headers.authorization) {
    sendMessage(reply, ctx, {
      status: 401,
      title: 'Sign in',
      message: 'Screens are for agents signed in with a browser; an API token cannot open them.',
    });
    return null;
  }
  reply.redirect(loginUrl(request.url), request.method === 'GET' ? 302 : 303);
  return null;
}

/** A form posted from another origin (cross-site request forgery) is refused. */
export function fromThisSite(request: FastifyRequest, reply: FastifyReply, ctx: ScreenContext): boolean {
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let host: string | null = null;
  try {
    host = new URL(origin).host;
  } catch {
    host = null;
  }
  if (host !== null && host === request.host) return true;
  sendMessage(reply, ctx, {
    status: 403,
    title: 'Refused',
    message: 'This form was sent from another site.',
  });
  return false;
}
