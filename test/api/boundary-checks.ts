/**
 * What every HTTP answer must never show, and the one error body (server/errors.ts), as checks the
 * boundary properties share (test/api/boundary-properties.test.ts, test/processor/cti-boundary-properties.test.ts).
 */
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';

/** Far above what a run makes, so no answer is a rate limit's or the login backoff's. */
export const UNLIMITED = {
  RATE_LIMIT_TOKEN_PER_MINUTE: '10000000',
  RATE_LIMIT_SESSION_PER_MINUTE: '10000000',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10000000',
  LOGIN_FREE_FAILURES_PER_USER: '1000',
  LOGIN_FREE_FAILURES_PER_IP: '100000',
};

/** What must never reach a client: a stack frame, a path of ours, a driver's or zod's raw words. */
const INTERNALS: [string, RegExp][] = [
  ['a stack frame', /\bat (?:async )?\S*\s*\(?(?:\/|file:|node:)\S*:\d+/],
  ['a file path', /\/work\/|node_modules|\.[cm]?[jt]s:\d+/],
  ['an SQL error', /syntax error at or near|violates (?:unique|foreign key|check|not-null)|Failed query:/i],
  [
    'a driver message',
    /invalid input syntax for|value too long for type|out of range for type|PGlite|postgres\.js/,
  ],
  ['raw zod issues', /ZodError|"code":\s*"invalid_|"expected":\s*"/],
  ['a framework error', /FST_ERR_|"statusCode":/],
];

/** The first internal a body shows, described, or null. */
export function internalsIn(body: string): string | null {
  for (const [what, pattern] of INTERNALS) {
    const match = pattern.exec(body);
    if (match) return `${what}: ${match[0]}`;
  }
  return null;
}

/** What is wrong with an error answer's body, or null when it is the one error body and only that. */
export function errorShapeProblem(response: LightMyRequestResponse): string | null {
  if (!String(response.headers['content-type'] ?? '').startsWith('application/json')) return 'not JSON';
  let body: unknown;
  try {
    body = response.json();
  } catch {
    return 'not parseable JSON';
  }
  if (!body || typeof body !== 'object' || Object.keys(body).join() !== 'error') return 'not {"error": …}';
  const error = (body as { error: Record<string, unknown> }).error;
  if (typeof error?.code !== 'string' || !/^[A-Z_]+$/.test(error.code)) return 'no error.code';
  if (typeof error.message !== 'string' || error.message === '') return 'no error.message';
  if (Object.keys(error).some((key) => !['code', 'message', 'details'].includes(key)))
    return 'extra keys in error';
  return null;
}

/** A reply in one line, for an assertion's message. */
export const show = (response: LightMyRequestResponse, request: string) =>
  `${request} → ${response.statusCode} ${response.headers['content-type'] ?? ''} ${response.body.slice(0, 600)}`;

type Schema = Record<string, unknown>;
export type Operation = {
  parameters?: { name: string; in: string }[];
  requestBody?: { content: Record<string, { schema: Schema }> };
};
export type ApiRoute = { method: string; path: string; operation: Operation };

/** The /api operations of the OpenAPI document at /docs, with their `{name}` parameters. */
export async function documentedRoutes(app: FastifyInstance): Promise<ApiRoute[]> {
  const response = await app.inject({ method: 'GET', url: '/docs' });
  const paths = (response.json() as { paths: Record<string, Record<string, Operation>> }).paths;
  return Object.entries(paths)
    .filter(([path]) => path.startsWith('/api/'))
    .flatMap(([path, operations]) =>
      Object.entries(operations).map(([method, operation]) => ({
        method: method.toUpperCase(),
        path,
        operation,
      })),
    );
}

/**
 * What is wrong with any answer, or null: never a 5xx or internals; a redirect stays on this site;
 * an error is the one error body, or (where a browser asked for a page) an HTML page.
 */
export function answerProblem(
  response: LightMyRequestResponse,
  options: { pageAllowed: boolean },
): string | null {
  const status = response.statusCode;
  if (status >= 500) return `a ${status}`;
  const leak = internalsIn(response.body);
  if (leak) return leak;
  if (status >= 300 && status < 400) {
    const location = String(response.headers.location ?? '');
    return location.startsWith('/') && !location.startsWith('//') ? null : `a redirect to ${location}`;
  }
  if (status < 400) return null;
  const type = String(response.headers['content-type'] ?? '');
  if (options.pageAllowed && type.startsWith('text/html')) return null;
  return errorShapeProblem(response);
}
