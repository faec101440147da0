/**
 * The one answer to "slow down": 429 with Retry-After, the JSON error body for API and telephony
 * clients, and the screens' plain message page for an agent's browser asking for HTML.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from '../errors.ts';
import { wantsJson } from '../processor/routes.ts';
import { sendMessage } from '../screens/page.ts';

/** A browser navigating to a page (not the API, not a client asking for JSON). */
export const wantsPage = (request: FastifyRequest) =>
  !request.url.startsWith('/api/') &&
  !wantsJson(request) &&
  (request.headers.accept ?? '').includes('text/html');

export function sendTooManyRequests(
  request: FastifyRequest,
  reply: FastifyReply,
  refusal: { retryAfterSeconds: number; message: string },
): FastifyReply {
  reply
    .status(429)
    .header('retry-after', String(refusal.retryAfterSeconds))
    .header('cache-control', 'no-store');
  const screens = request.server.ctiScreens;
  if (screens && wantsPage(request)) {
    return sendMessage(reply, screens, { status: 429, title: 'Too many requests', message: refusal.message });
  }
  return reply.send(errorBody('RATE_LIMITED', refusal.message));
}
