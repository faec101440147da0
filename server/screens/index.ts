/**
 * The popped screens (SPEC §9): server-rendered pages for agents signed in with a browser, plain
 * HTML with no script, every value escaped. `screenRoutes` registers them (with form bodies, in
 * their own encapsulated scope); `renderFallbackScreen` is what the processor shows when a rule fails.
 */
import formbody from '@fastify/formbody';
import type { FastifyError, FastifyInstance } from 'fastify';
import { isNulCharacterRefusal, isStatementTimeout } from '../ops/database-errors.ts';
import type { Services } from '../services.ts';
import { attachScreenContext, createScreenContext, type ScreenContext } from './context.ts';
import { loginRoutes } from './login-routes.ts';
import { sendMessage } from './page.ts';
import { pickerRoutes } from './picker-routes.ts';
import { recordRoutes } from './record-routes.ts';

export { type RuleFailure, renderFallbackScreen } from './fallback.ts';

function installErrorPages(scope: FastifyInstance, ctx: ScreenContext): void {
  scope.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status >= 400 && status < 500) {
      return sendMessage(reply, ctx, {
        status: status === 413 ? 413 : 400,
        title: 'Bad request',
        message: status === 413 ? 'The form is too large.' : 'The request could not be read.',
      });
    }
    // A form field or URL parameter holding U+0000, which the database cannot store (ops/database-errors.ts).
    if (isNulCharacterRefusal(error)) {
      return sendMessage(reply, ctx, {
        status: 400,
        title: 'Bad request',
        message: 'The request holds a NUL character (%00), which no field may contain.',
      });
    }
    if (isStatementTimeout(error)) {
      // The path only: a screen's query string may hold a caller's number.
      const path = request.url.split('?')[0];
      request.log.warn({ path }, 'a screen query ran past DATABASE_STATEMENT_TIMEOUT_MS');
      return sendMessage(reply, ctx, {
        status: 503,
        title: 'This screen took too long',
        message: 'The database stopped its query. Narrow the list (a filter, fewer rows) and try again.',
      });
    }
    request.log.error({ err: error }, 'screen failed');
    return sendMessage(reply, ctx, {
      status: 500,
      title: 'Something went wrong',
      message: 'This screen could not be shown; the details are in the server log.',
    });
  });
}

export function screenRoutes(app: FastifyInstance, services: Services): void {
  const ctx = createScreenContext(services);
  attachScreenContext(app, ctx);
  app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 1024 * 1024 });
    installErrorPages(scope, ctx);
    loginRoutes(scope, ctx);
    pickerRoutes(scope, ctx);
    recordRoutes(scope, ctx);
  });
}
