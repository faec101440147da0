import type { FastifyInstance } from 'fastify';
import { errorBody } from '../../errors.ts';
import type { Services } from '../../services.ts';

export function healthRoutes(app: FastifyInstance, services: Pick<Services, 'database'>): void {
  /** The process is up: for a supervisor's liveness probe. */
  app.get('/healthz', async () => ({ status: 'ok' }));
  /** The process can serve: its database answers. A load balancer takes it out while this is 503. */
  app.get('/readyz', async (_request, reply) => {
    if (await services.database.ping()) return { status: 'ready', database: services.database.kind };
    return reply.status(503).send(errorBody('UNAVAILABLE', 'the database is not reachable'));
  });
}
