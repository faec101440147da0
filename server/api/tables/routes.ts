/** The table API (SPEC §10): admin sessions only; HTTP here, the dictionary's rules in service.ts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { columnDefinition, tableDefinition } from '../../dictionary/definition.ts';
import { requireRole } from '../../http/auth.ts';
import { refuseInvalid } from './refuse-invalid.ts';
import type { TableService } from './service.ts';

const tableParams = z.object({ table: z.string().min(1).max(80) });

export function tableRoutes(app: FastifyInstance, tables: TableService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = {
    preValidation: requireRole('admin', { sessionOnly: true }),
    attachValidation: true,
    preHandler: refuseInvalid,
  };

  api.get('/api/tables', admin, async () => ({ tables: await tables.list() }));

  api.post('/api/tables', { ...admin, schema: { body: tableDefinition } }, async (request, reply) => {
    const table = await tables.create(request.body);
    return reply.status(201).header('location', `/api/tables/${table.name}`).send(table);
  });

  api.get('/api/tables/:table', { ...admin, schema: { params: tableParams } }, async (request) =>
    tables.get(request.params.table),
  );

  api.post(
    '/api/tables/:table/columns',
    { ...admin, schema: { params: tableParams, body: columnDefinition } },
    async (request, reply) => {
      const table = await tables.addColumn(request.params.table, request.body);
      return reply.status(201).header('location', `/api/tables/${table.name}`).send(table);
    },
  );
}
