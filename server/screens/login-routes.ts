/**
 * The agents' sign-in page: `GET /login?next=…`, `POST /login` (form) and `POST /logout`. The
 * session cookie is the one the API's login sets, so both kinds of sign-in are the same session.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { endSessionCookie, startSessionCookie } from '../http/auth.ts';
import { loginRefusal, recordLogin } from '../http/login-backoff.ts';
import type { ScreenContext } from './context.ts';
import { fromThisSite, safeNext } from './guard.ts';
import { sendPage } from './page.ts';
import { text } from './params.ts';

const loginQuery = z.object({ next: z.unknown().optional() });
const loginForm = z.object({
  username: text('username', 200),
  password: text('password', 1000),
  next: z.unknown().optional(),
});

type LoginPage = { next: string; username: string; error: string | null };

function loginPage(reply: FastifyReply, ctx: ScreenContext, page: LoginPage) {
  return sendPage(reply, ctx, 'login', { title: 'Sign in', username: null, form: page });
}

const firstOf = (value: unknown) => (Array.isArray(value) ? value[0] : value);

export function loginRoutes(app: FastifyInstance, ctx: ScreenContext): void {
  app.get('/login', async (request, reply) => {
    const query = loginQuery.parse(request.query ?? {});
    return loginPage(reply, ctx, { next: safeNext(firstOf(query.next)), username: '', error: null });
  });

  app.post('/login', async (request, reply) => {
    if (!fromThisSite(request, reply, ctx)) return reply;
    const parsed = loginForm.safeParse(request.body ?? {});
    const next = safeNext(firstOf(parsed.success ? parsed.data.next : undefined));
    const username = parsed.success ? (parsed.data.username ?? '').trim() : '';
    const password = parsed.success ? (parsed.data.password ?? '') : '';
    if (username === '' || password === '') {
      return loginPage(reply.status(400), ctx, {
        next,
        username,
        error: 'enter your username and password',
      });
    }
    // Checked before the password, the same for a known and an unknown user (server/http/login-backoff.ts).
    const refusal = loginRefusal(request, username);
    if (refusal) {
      reply.header('retry-after', String(refusal.retryAfterSeconds));
      return loginPage(reply.status(429), ctx, { next, username, error: refusal.message });
    }
    const actor = await ctx.accounts.authenticate(username, password);
    recordLogin(request, username, actor !== null);
    // One message for an unknown user, a wrong password and a disabled account: nothing to probe.
    if (!actor) {
      return loginPage(reply.status(401), ctx, { next, username, error: 'invalid username or password' });
    }
    await startSessionCookie(request, reply, ctx.accounts, actor);
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (request, reply) => {
    if (!fromThisSite(request, reply, ctx)) return reply;
    await endSessionCookie(request, reply, ctx.accounts);
    return reply.redirect('/login', 303);
  });
}
