import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { endSessionCookie, requireRole, startSessionCookie } from '../../http/auth.ts';
import { csrfTokenFor, csrfTokenOf } from '../../http/csrf.ts';
import { loginRefusal, recordLogin } from '../../http/login-backoff.ts';
import { sendTooManyRequests } from '../../http/too-many-requests.ts';
import type { Services } from '../../services.ts';

const loginBody = z.object({
  username: z.string().trim().min(1).max(200),
  password: z.string().min(1).max(1000),
});

export function authRoutes(app: FastifyInstance, services: Pick<Services, 'accounts'>): void {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.post('/api/login', { schema: { body: loginBody } }, async (request, reply) => {
    // Checked before the password: a guesser waiting out the backoff learns nothing, known user or not.
    const refusal = loginRefusal(request, request.body.username);
    if (refusal) return sendTooManyRequests(request, reply, refusal);
    const actor = await services.accounts.authenticate(request.body.username, request.body.password);
    recordLogin(request, request.body.username, actor !== null);
    // One message for an unknown user, a wrong password and a disabled account: nothing to probe.
    if (!actor) throw new AppError('UNAUTHORIZED', 'invalid username or password');
    const session = await startSessionCookie(request, reply, services.accounts, actor);
    return {
      username: actor.username,
      role: actor.role,
      expiresAt: session.expiresAt.toISOString(),
      csrfToken: csrfTokenFor(session.cookie),
    };
  });

  // Who is signed in, and the CSRF token the console sends with every change.
  api.get('/api/session', { preValidation: requireRole('agent', { sessionOnly: true }) }, async (request) => {
    const actor = request.actor!;
    return { username: actor.username, role: actor.role, csrfToken: csrfTokenOf(request) };
  });

  api.post('/api/logout', async (request, reply) => {
    await endSessionCookie(request, reply, services.accounts);
    return { ok: true };
  });
}
