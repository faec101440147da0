/**
 * The error answers of every documented route, worked out from the route itself rather than
 * written by hand on each: 400 when it validates a body, query or parameters; 401 and 403 as its
 * guard really answers them; 404 when its path names a resource. What only the service knows
 * (a 409) the route declares in its own `response` (errorResponses(409)), which is kept.
 */
import type { RouteOptions } from 'fastify';
import { z } from 'zod';
import { apiError } from './error-schema.ts';

// One component, `#/components/schemas/ApiError`, that every error answer refers to.
z.globalRegistry.add(apiError, { id: 'ApiError' });

export const ERROR_DESCRIPTIONS: Record<string, string> = {
  400: 'The request is invalid: `details` names each field and what is wrong with it',
  401: 'Not signed in (or the credential is not accepted here)',
  403: 'Signed in without the role this needs, or a change without its CSRF token',
  404: 'Nothing by that name or id',
  409: 'Conflicts with the current state: the message says what to do',
};

type Actor = { kind: 'session' | 'token'; role: 'admin' | 'agent' } | null;
type Guard = (this: unknown, request: unknown, reply: unknown) => unknown;

/**
 * What a route's preValidation guards answer a stranger, a telephony token and a signed-in agent.
 * Each guard is asked with a stand-in request and reply, so the document cannot drift from the guard
 * (requireRole in server/http/auth.ts, which decides on `request.actor` before its first await).
 * A guard that needs more than that throws or answers nothing here, and documents nothing.
 */
export function guardStatuses(route: Pick<RouteOptions, 'preValidation'>): Set<number> {
  const hooks = [route.preValidation ?? []].flat() as Guard[];
  const statuses = new Set<number>();
  const actors: Actor[] = [null, { kind: 'token', role: 'agent' }, { kind: 'session', role: 'agent' }];
  for (const hook of hooks) {
    for (const actor of actors) {
      let status: number | undefined;
      const reply = {
        status(code: number) {
          status = code;
          return reply;
        },
        code(code: number) {
          status = code;
          return reply;
        },
        send: () => reply,
      };
      try {
        const request = { actor: actor && { id: 'probe', username: 'probe', ...actor }, headers: {} };
        const result = hook.call(undefined, request, reply);
        if (result instanceof Promise) result.catch(() => {});
      } catch {
        // Not a guard that decides on the actor alone: nothing to document from it.
      }
      if (status === 401 || status === 403) statuses.add(status);
    }
  }
  return statuses;
}

/**
 * The route's schema with its error answers added, for the document only: the route keeps its own
 * schema, which its serializer uses. Routes that declare no success answer get a generic 2XX.
 */
export function withErrorResponses(route: RouteOptions): Record<string, unknown> {
  const schema = (route.schema ?? {}) as Record<string, unknown> & { response?: Record<string, unknown> };
  const response: Record<string, unknown> = { ...(schema.response ?? {}) };
  const add = (status: number) => {
    if (!(status in response)) response[status] = apiError;
  };
  const guarded = guardStatuses(route);
  if (schema.body || schema.querystring || schema.params) add(400);
  for (const status of [...guarded].sort()) add(status);
  if (route.url.includes('/:')) add(404);
  if (!Object.keys(response).some((status) => status.startsWith('2'))) {
    response['2XX'] = z.unknown().describe('Success');
  }
  return { ...schema, response, ...(guarded.has(401) ? { security: [{ session: [] }] } : {}) };
}

/**
 * After the zod schemas became JSON: each error answer says what that status means for this API,
 * and a 204 has no body (swagger leaves out the content of a `type: 'null'` answer).
 */
export function finishResponses(schema: Record<string, unknown>): Record<string, unknown> {
  const response = schema.response as Record<string, Record<string, unknown>> | undefined;
  if (!response) return schema;
  const finished: Record<string, unknown> = {};
  for (const [status, json] of Object.entries(response)) {
    const about = ERROR_DESCRIPTIONS[status];
    if (status === '204') finished[status] = { type: 'null', description: 'No content' };
    else finished[status] = about && json.$ref ? { ...json, description: about } : json;
  }
  return { ...schema, response: finished };
}
