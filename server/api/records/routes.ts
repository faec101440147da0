/** `POST /api/tables/:table/records`: upsert a batch of records of any business table, all or nothing. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { requireRole } from '../../http/auth.ts';
import { upsertRecords } from '../../records/upsert.ts';
import type { Services } from '../../services.ts';

export const MAX_IMPORT_RECORDS = 10_000;

const params = z.object({ table: z.string().min(1).max(80) });
const body = z
  .array(z.record(z.string(), z.unknown()), { message: 'expected a JSON array of records' })
  .min(1, { message: 'send at least one record' })
  .max(MAX_IMPORT_RECORDS, { message: `send at most ${MAX_IMPORT_RECORDS} records per request` });

export function recordRoutes(app: FastifyInstance, services: Services): void {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/tables/:table/records',
    {
      schema: { params, body },
      preValidation: requireRole('admin', { sessionOnly: true }),
      bodyLimit: 32 * 1024 * 1024,
    },
    async (request) => {
      const dictionary = services.dictionary.current();
      if (!dictionary.has(request.params.table)) {
        throw new AppError('NOT_FOUND', `no business table named ${request.params.table}`);
      }
      return upsertRecords(
        {
          database: services.database,
          dictionary,
          defaultRegion: services.config.defaultRegion,
          actor: request.actor!.username,
        },
        request.params.table,
        request.body,
      );
    },
  );
}
