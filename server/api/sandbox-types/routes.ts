/** `GET /api/sandbox.d.ts` (SPEC §10): the typings the console's editor loads, with this instance's tables and functions. */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { DictionaryStore } from '../../dictionary/store.ts';
import { requireRole } from '../../http/auth.ts';
import type { RuleService } from '../../rules/service.ts';
import { SANDBOX_DTS } from '../../sandbox/runtime/index.ts';
import { sandboxTypings } from './live-typings.ts';

export function sandboxTypesRoutes(
  app: FastifyInstance,
  deps: { dictionary: Pick<DictionaryStore, 'current'>; rules: Pick<RuleService, 'list'> },
): void {
  app.get(
    '/api/sandbox.d.ts',
    {
      preValidation: requireRole('admin', { sessionOnly: true }),
      schema: {
        response: {
          200: {
            description: 'TypeScript declarations (application/typescript)',
            content: { 'application/typescript': { schema: z.string() } },
          },
        },
      },
    },
    async (_request, reply) => {
      // Read from the database, not the sandbox's cache: the editor sees what was just saved.
      const functions = await deps.rules.list({ active: true, clientCallable: false });
      const text = sandboxTypings(SANDBOX_DTS, {
        tables: deps.dictionary.current().tables,
        functions: functions.map((rule) => ({ name: rule.name, description: rule.description })),
        at: new Date(),
      });
      return reply
        .header('content-type', 'application/typescript; charset=utf-8')
        .header('cache-control', 'no-store')
        .send(text);
    },
  );
}
