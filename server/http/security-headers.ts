/**
 * Security headers on every response (@fastify/helmet): nosniff, no framing, `Referrer-Policy:
 * same-origin`, no `X-Powered-By`, and a Content-Security-Policy chosen by path. Everything that is
 * not a page (the JSON API, /cti.do's answers, errors) gets `default-src 'none'`; the admin console
 * gets its own policy (server/admin/security-headers.ts, which the console's routes also set, so
 * the two are the same string and one header is sent). The screens replace the header with their
 * stricter, script-free policy when they render (server/screens/page.ts): a header set on the reply
 * takes the place of the one set here, it never adds a second. HSTS only over TLS: a browser
 * ignores it over plain HTTP, and saying it there would pin a plain-HTTP test install.
 */
import helmet from '@fastify/helmet';
import type { FastifyInstance } from 'fastify';
import { CONSOLE_CSP } from '../admin/security-headers.ts';

export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/** One year, subdomains included: what browsers' preload lists ask for. */
export const HSTS = 'max-age=31536000; includeSubDomains';

/** The policy a response starts with; a page that renders its own replaces it. */
export function contentSecurityPolicyFor(path: string): string {
  const pathname = path.split('?')[0] ?? '';
  if (pathname === '/admin' || pathname.startsWith('/admin/')) return CONSOLE_CSP;
  return API_CSP;
}

export async function installSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(helmet, {
    // Set below, by path, on the reply (so a route's own header replaces it rather than doubling it).
    contentSecurityPolicy: false,
    // Set below, only over TLS.
    strictTransportSecurity: false,
    referrerPolicy: { policy: 'same-origin' },
    xFrameOptions: { action: 'deny' },
  });
  app.addHook('onRequest', async (request, reply) => {
    reply.header('content-security-policy', contentSecurityPolicyFor(request.url));
    if (request.protocol === 'https') reply.header('strict-transport-security', HSTS);
  });
}
