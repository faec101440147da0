/** The call log (SPEC §5, §10): `GET /api/calls` with filters and paging, `GET /api/calls/:id` for one trace. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { requireRole } from '../../http/auth.ts';
import { getCall, listCalls } from '../../processor/call-log.ts';
import type { Services } from '../../services.ts';

const listQuery = z
  .object({
    rule: z.string().max(120).optional(),
    outcome: z.enum(['answer', 'no_answer', 'error', 'repeat']).optional(),
    callId: z.string().max(200).optional(),
    from: z.iso.datetime({ offset: true, message: 'expected an ISO date-time' }).optional(),
    to: z.iso.datetime({ offset: true, message: 'expected an ISO date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(500).default(50),
    offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
  })
  .strict();

export function callRoutes(app: FastifyInstance, services: Pick<Services, 'database' | 'processor'>): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = { preValidation: requireRole('admin', { sessionOnly: true }) };

  api.get('/api/calls', { ...admin, schema: { querystring: listQuery } }, async (request) => {
    const { rule, outcome, callId, from, to, limit, offset } = request.query;
    await services.processor.callLog.settled(); // calls this process answered are listed
    const result = await listCalls(services.database.db, {
      limit,
      offset,
      ...(rule ? { rule } : {}),
      ...(outcome ? { outcome } : {}),
      ...(callId ? { callId } : {}),
      ...(from ? { from: new Date(from) } : {}),
      ...(to ? { to: new Date(to) } : {}),
    });
    return { ...result, limit, offset };
  });

  api.get(
    '/api/calls/:id',
    { ...admin, schema: { params: z.object({ id: z.uuid({ message: 'expected a call id' }) }) } },
    async (request) => {
      await services.processor.callLog.settled();
      const call = await getCall(services.database.db, request.params.id);
      if (!call) throw new AppError('NOT_FOUND', `no call ${request.params.id}`);
      return call;
    },
  );
}
