/**
 * Operations, registered by buildApp before authentication: metrics, the database's health and the
 * 503s of a lost database, and a close that finishes the calls in flight. It hands back what the
 * routes use in place of the plain services: the processor (counted, watched), the fallback renderer
 * and the screens' reader (both able to render with the database gone).
 */
import type { FastifyInstance } from 'fastify';
import type { FallbackRenderer } from '../processor/routes.ts';
import type { Services } from '../services.ts';
import { installDatabaseFaults, watchProcessor } from './database-faults.ts';
import { createDatabaseHealth } from './database-health.ts';
import { closeConnectionsWhenClosing } from './graceful-close.ts';
import { createAppMetrics } from './metrics.ts';
import { offlineAwareReader, renderWithoutDatabase } from './offline-screens.ts';

export function installOperations(
  app: FastifyInstance,
  services: Pick<Services, 'database' | 'sandbox' | 'privileged' | 'processor' | 'reader'>,
  options: { renderFallback: FallbackRenderer },
) {
  const health = createDatabaseHealth(() => services.database.ping(), { logger: app.log });
  app.addHook('onClose', async () => health.close());
  const metrics = createAppMetrics({
    sandbox: services.sandbox,
    privileged: services.privileged,
    database: services.database,
    health,
    callLog: services.processor.callLog,
  });
  const renderFallback = renderWithoutDatabase(options.renderFallback);
  // Timing first, so the 503s of a lost database are timed too.
  metrics.install(app);
  installDatabaseFaults(app, {
    health,
    processor: services.processor,
    renderFallback,
    onUnavailableCall: (outcome) => metrics.observeCall(outcome, outcome.durationMs / 1000),
  });
  closeConnectionsWhenClosing(app);
  return {
    health,
    metrics,
    processor: metrics.instrument(watchProcessor(services.processor, health)),
    renderFallback,
    screenReader: offlineAwareReader(services.reader),
  };
}
