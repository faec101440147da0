/**
 * The admin console at /admin: the Vite build in admin-ui/dist. Hashed assets are served by
 * @fastify/static with their precompressed copies and a year's cache; every other /admin path is
 * the single-page app's index.html (no-store), so deep links like /admin/rules/Foo load. Only an
 * admin's session sees the console: a stranger is sent to /login and back, an agent gets 403.
 */
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { loginUrl } from '../screens/guard.ts';
import { CONSOLE_DIST, chooseEncoding, consoleIndex } from './console-files.ts';
import { plainPage } from './plain-page.ts';
import { CONSOLE_CSP } from './security-headers.ts';

export async function adminConsoleRoutes(app: FastifyInstance, options: { dist?: string } = {}) {
  const index = consoleIndex(options.dist ?? CONSOLE_DIST);

  // Registered only when built: a missing build answers 503 below instead of a warning at start.
  if (index.built()) {
    await app.register(fastifyStatic, {
      root: index.assets,
      prefix: '/admin/assets/',
      decorateReply: false,
      preCompressed: true,
      index: false,
      list: false,
      // Every file name carries its content hash: a changed file is a new URL.
      maxAge: '365d',
      immutable: true,
      setHeaders: (reply) => reply.header('content-security-policy', CONSOLE_CSP),
    });
  }

  const serveConsole = async (request: FastifyRequest, reply: FastifyReply) => {
    reply.header('content-security-policy', CONSOLE_CSP).header('cache-control', 'no-store');
    const actor = request.actor;
    if (actor?.kind !== 'session') return reply.redirect(loginUrl(request.url), 302);
    if (actor.role !== 'admin') {
      return plainPage(reply.status(403), {
        title: 'Admins only',
        message: `The console is for admin accounts; ${actor.username} is an agent account.`,
      });
    }
    const page = index.read(chooseEncoding(request.headers['accept-encoding']));
    if (!page) {
      return plainPage(reply.status(503), {
        title: 'Console not built',
        message: 'The admin console has not been built: run `npm run build:admin`, then restart the server.',
      });
    }
    reply.header('vary', 'accept-encoding').type('text/html; charset=utf-8');
    if (page.encoding !== 'identity') reply.header('content-encoding', page.encoding);
    return reply.send(page.body);
  };

  app.get('/admin', serveConsole);
  app.get('/admin/*', serveConsole);
}
