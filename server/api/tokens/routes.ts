/**
 * The token API (SPEC §10): API tokens for telephony clients, admin sessions only. A token's secret
 * is answered once, by POST, and stored only as a hash; revoking takes effect on the next request.
 */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AccountService } from '../../accounts/accounts.ts';
import { AppError } from '../../errors.ts';
import { requireRole } from '../../http/auth.ts';
import { noContent } from '../docs/error-schema.ts';

const createBody = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { message: 'a token needs a name (which client uses it)' })
      .max(100, { message: 'must be at most 100 characters' }),
  })
  .strict();
const idParams = z.object({ id: z.uuid({ message: 'expected a token id' }) });

const token = z.object({
  id: z.string(),
  name: z.string(),
  createdAt: z.string().describe('ISO date-time'),
  createdBy: z.string(),
  revokedAt: z.string().nullable().describe('ISO date-time, or null while the token is valid'),
});
const tokenList = z
  .object({ tokens: z.array(token) })
  .describe('Every token, revoked ones included; never a secret');
const issued = z
  .object({
    id: z.string(),
    name: z.string(),
    token: z.string().describe('The secret, for `Authorization: Bearer <token>`: shown this once only'),
  })
  .describe('The new token, with its secret');

export function tokenRoutes(
  app: FastifyInstance,
  accounts: Pick<AccountService, 'listTokens' | 'issueToken' | 'revokeToken'>,
): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = { preValidation: requireRole('admin', { sessionOnly: true }) };

  api.get('/api/tokens', { ...admin, schema: { response: { 200: tokenList } } }, async () => ({
    tokens: await accounts.listTokens(),
  }));

  api.post(
    '/api/tokens',
    { ...admin, schema: { body: createBody, response: { 201: issued } } },
    async (request, reply) => {
      const created = await accounts.issueToken(request.body.name, request.actor!.username);
      return reply.status(201).send(created);
    },
  );

  api.delete(
    '/api/tokens/:id',
    { ...admin, schema: { params: idParams, response: { 204: noContent } } },
    async (request, reply) => {
      if (!(await accounts.revokeToken(request.params.id)))
        throw new AppError('NOT_FOUND', `no token with id ${request.params.id}`);
      return reply.status(204).send(null);
    },
  );
}
