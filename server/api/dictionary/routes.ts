/** `GET/PUT /api/dictionary` (SPEC §10): admin sessions only; HTTP here, the rest in service.ts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { dictionaryFile } from '../../dictionary/definition.ts';
import { requireRole } from '../../http/auth.ts';
import { refuseInvalid } from '../tables/refuse-invalid.ts';
import type { DictionaryService } from './service.ts';

/** A shop's whole dictionary: a few thousand columns at most, well under this. */
const MAX_FILE_BYTES = 8 * 1024 * 1024;

export function dictionaryRoutes(app: FastifyInstance, dictionary: DictionaryService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = {
    preValidation: requireRole('admin', { sessionOnly: true }),
    attachValidation: true,
    preHandler: refuseInvalid,
  };

  api.get('/api/dictionary', admin, async () => dictionary.export());

  api.put(
    '/api/dictionary',
    { ...admin, schema: { body: dictionaryFile }, bodyLimit: MAX_FILE_BYTES },
    async (request) => dictionary.import(request.body),
  );
}
