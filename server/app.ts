/**
 * buildApp: plugins, then routes; no side effects, so tests build it around their own database
 * and use `app.inject()`. The process entry (main.ts) does config → database → app → listen → close.
 */
import cookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { createAccountAdmin } from './accounts/manage.ts';
import { adminConsoleRoutes } from './admin/routes.ts';
import { accountRoutes } from './api/accounts/routes.ts';
import { auditRoutes } from './api/audit/routes.ts';
import { authRoutes } from './api/auth/routes.ts';
import { callRoutes } from './api/calls/routes.ts';
import { dictionaryRoutes } from './api/dictionary/routes.ts';
import { createDictionaryService } from './api/dictionary/service.ts';
import { installOpenApi } from './api/docs/openapi.ts';
import { dryRunRoutes } from './api/dry-run/routes.ts';
import { healthRoutes } from './api/health/routes.ts';
import { recordRoutes } from './api/records/routes.ts';
import { ruleRoutes } from './api/rules/routes.ts';
import { sandboxTypesRoutes } from './api/sandbox-types/routes.ts';
import { tableRoutes } from './api/tables/routes.ts';
import { createTableService } from './api/tables/service.ts';
import { tokenRoutes } from './api/tokens/routes.ts';
import { installAuth } from './http/auth.ts';
import { installCsrfCheck } from './http/csrf.ts';
import { answerFrameworkError, installErrorHandler } from './http/error-handler.ts';
import { installLoginBackoff } from './http/login-backoff.ts';
import { installRateLimits } from './http/rate-limits.ts';
import { installSecurityHeaders } from './http/security-headers.ts';
import { installStorableTextCheck } from './http/storable-text.ts';
import { fastifyTrustProxy } from './http/trust-proxy.ts';
import { installOperations } from './ops/index.ts';
import { processorRoutes } from './processor/routes.ts';
import { renderFallbackScreen, screenRoutes } from './screens/index.ts';
import type { Services } from './services.ts';

export async function buildApp(services: Services, options: { logger?: FastifyBaseLogger } = {}) {
  const app = Fastify({
    ...(options.logger ? { loggerInstance: options.logger } : { logger: false }),
    // Telephony clients repeat parameters and vary case; the processor reads the raw query itself.
    // A path parameter may be as long as the longest username (accounts/schemas.ts): 200.
    routerOptions: { ignoreTrailingSlash: true, maxParamLength: 200 },
    // A broken %-encoding or an over-long parameter is refused by the router before any hook: in
    // our error body (or page), not fastify's own.
    frameworkErrors: answerFrameworkError,
    requestIdHeader: 'x-request-id',
    // Whose X-Forwarded-For/-Proto to believe (TRUST_PROXY): request.ip, request.protocol.
    trustProxy: fastifyTrustProxy(services.config.trustProxy),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandler(app);
  await app.register(cookie);
  // First, so every answer carries them, even the 503s of a lost database.
  await installSecurityHeaders(app);
  // Before every route: the OpenAPI document collects them as they register.
  await installOpenApi(app);
  // Before authentication: a lost database is answered without waiting on it.
  const ops = installOperations(app, services, { renderFallback: renderFallbackScreen });
  installAuth(app, services.accounts);
  installCsrfCheck(app);
  installStorableTextCheck(app);
  // After authentication: the limit is per credential.
  await installRateLimits(app, services.config.rateLimits);
  installLoginBackoff(app, services.config.loginBackoff);

  healthRoutes(app, services);
  authRoutes(app, services);
  recordRoutes(app, services);
  tableRoutes(app, createTableService(services));
  dictionaryRoutes(app, createDictionaryService(services));
  ruleRoutes(app, services.rules);
  callRoutes(app, services);
  auditRoutes(app, services);
  dryRunRoutes(app, services);
  accountRoutes(app, createAccountAdmin(services));
  tokenRoutes(app, services.accounts);
  sandboxTypesRoutes(app, services);
  processorRoutes(app, { processor: ops.processor, renderFallback: ops.renderFallback });
  screenRoutes(app, { ...services, reader: ops.screenReader });
  await adminConsoleRoutes(app);
  return app;
}
