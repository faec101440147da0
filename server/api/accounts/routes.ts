/** The account API (SPEC §10): admin sessions only; HTTP here, the rules in server/accounts/manage.ts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { AccountAdmin } from '../../accounts/manage.ts';
import { requireRole } from '../../http/auth.ts';
import { errorResponses, noContent } from '../docs/error-schema.ts';
import { account, accountList, createBody, patchBody, usernameParams } from './schemas.ts';

export function accountRoutes(app: FastifyInstance, accounts: AccountAdmin): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = { preValidation: requireRole('admin', { sessionOnly: true }) };
  const by = (request: { actor: { username: string } | null }) => request.actor!.username;

  api.get('/api/accounts', { ...admin, schema: { response: { 200: accountList } } }, async () => ({
    accounts: await accounts.list(),
  }));

  api.post(
    '/api/accounts',
    { ...admin, schema: { body: createBody, response: { 201: account, ...errorResponses(409) } } },
    async (request, reply) => reply.status(201).send(await accounts.create(request.body)),
  );

  api.patch(
    '/api/accounts/:username',
    {
      ...admin,
      schema: { params: usernameParams, body: patchBody, response: { 200: account, ...errorResponses(409) } },
    },
    async (request) => {
      const { password, role, disabled } = request.body;
      return accounts.update(
        request.params.username,
        {
          ...(password !== undefined ? { password } : {}),
          ...(role !== undefined ? { role } : {}),
          ...(disabled !== undefined ? { disabled } : {}),
        },
        by(request),
      );
    },
  );

  api.delete(
    '/api/accounts/:username',
    { ...admin, schema: { params: usernameParams, response: { 204: noContent, ...errorResponses(409) } } },
    async (request, reply) => {
      await accounts.remove(request.params.username, by(request));
      return reply.status(204).send(null);
    },
  );
}
