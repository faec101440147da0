/** `POST /api/dry-run` (SPEC §10): `{rule | script, params}` or `{url}`; writes are rolled back. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireRole } from '../../http/auth.ts';
import { dryRun } from '../../processor/dry-run.ts';
import type { ProcessorDeps } from '../../processor/process-call.ts';
import { MAX_SCRIPT_LENGTH } from '../rules/schemas.ts';

const body = z
  .object({
    rule: z.string().min(1).max(120).optional(),
    script: z.string().max(MAX_SCRIPT_LENGTH).optional(),
    params: z.record(z.string().max(120), z.string().max(4096)).optional(),
    url: z.string().max(16_384).optional(),
  })
  .strict()
  .refine((b) => b.rule !== undefined || b.script !== undefined || b.url !== undefined, {
    message: 'send a rule name, a script, or a cti.do url',
  })
  .refine((b) => !(b.url !== undefined && b.params !== undefined), {
    message: 'send params or a url, not both',
  });

export function dryRunRoutes(app: FastifyInstance, deps: ProcessorDeps): void {
  app
    .withTypeProvider<ZodTypeProvider>()
    .post(
      '/api/dry-run',
      { preValidation: requireRole('admin', { sessionOnly: true }), schema: { body } },
      async (request) => {
        const { rule, script, params, url } = request.body;
        const common = {
          ...(rule !== undefined ? { rule } : {}),
          ...(script !== undefined ? { script } : {}),
        };
        return dryRun(
          deps,
          url !== undefined ? { url, ...common } : { ...common, ...(params ? { params } : {}) },
        );
      },
    );
}
