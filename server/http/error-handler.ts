/**
 * One error model over HTTP: every failure answers `{"error": {"code", "message", "details"?}}`.
 * Validation failures name the fields; unexpected errors are logged and never show their internals.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { AppError, errorBody } from '../errors.ts';
import {
  DATABASE_UNAVAILABLE_MESSAGE,
  isDatabaseUnavailable,
  isNulCharacterRefusal,
  isStatementTimeout,
  NUL_CHARACTER_MESSAGE,
  STATEMENT_TIMEOUT_MESSAGE,
} from '../ops/database-errors.ts';
import { sendMessage } from '../screens/page.ts';
import { wantsPage } from './too-many-requests.ts';

/**
 * Two refusals fastify makes in its router, before any hook and past `setErrorHandler`, in its own
 * body (`{"error":"Bad Request","code":"FST_ERR_BAD_URL","message":…,"statusCode":400}`): a path
 * with a broken %-encoding (`/api/rules/%`) and a path parameter longer than the router's
 * `maxParamLength` (`PATCH /api/accounts/<101+ characters>`, 414). This answers them in ours (a
 * browser asking for a page gets the screens' page). It takes effect only as fastify's
 * `frameworkErrors` option, given where the app is created (server/app.ts).
 */
export function answerFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  if (error.code !== 'FST_ERR_BAD_URL' && error.code !== 'FST_ERR_MAX_PARAM_LENGTH') {
    request.log.error({ err: error }, 'unhandled framework error');
    reply.status(500).send(errorBody('INTERNAL', 'internal error; the details are in the server log'));
    return;
  }
  const message =
    error.code === 'FST_ERR_BAD_URL'
      ? 'the URL path is not valid: it holds a broken %-encoding'
      : 'a part of the URL path is too long';
  const screens = request.server.ctiScreens;
  if (screens && wantsPage(request)) {
    sendMessage(reply, screens, {
      status: 400,
      title: 'Bad request',
      message: `The page cannot be shown: ${message}.`,
    });
    return;
  }
  reply.status(400).send(errorBody('BAD_REQUEST', message));
}

export function installErrorHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof AppError) {
      return reply.status(error.status).send(errorBody(error.code, error.message, error.details));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const details = error.validation.map((issue) => ({
        field: [error.validationContext, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
        message: issue.message ?? 'invalid',
      }));
      const fields = details.map((d) => d.field).join(', ');
      return reply.status(400).send(errorBody('VALIDATION_FAILED', `invalid request: ${fields}`, details));
    }
    // A lost database is temporary, and not this request's fault (server/ops/database-faults.ts).
    if (isDatabaseUnavailable(error)) {
      return reply.status(503).send(errorBody('UNAVAILABLE', DATABASE_UNAVAILABLE_MESSAGE));
    }
    // Not retried as it is (no Retry-After): the same query would be stopped again.
    if (isStatementTimeout(error)) {
      return reply.status(503).send(errorBody('QUERY_TIMEOUT', STATEMENT_TIMEOUT_MESSAGE));
    }
    if (isNulCharacterRefusal(error)) {
      return reply.status(400).send(errorBody('BAD_REQUEST', NUL_CHARACTER_MESSAGE));
    }
    const status = error.statusCode ?? 500;
    if (status === 413)
      return reply.status(413).send(errorBody('PAYLOAD_TOO_LARGE', 'the request body is too large'));
    if (status === 415)
      return reply.status(415).send(errorBody('BAD_REQUEST', 'send the body as application/json'));
    if (status >= 400 && status < 500) {
      // Fastify's own 4xx (malformed JSON, bad content type) carry messages that are safe and useful.
      return reply.status(status).send(errorBody('BAD_REQUEST', error.message));
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.status(500).send(errorBody('INTERNAL', 'internal error; the details are in the server log'));
  });

  app.setNotFoundHandler((request, reply) => {
    reply
      .status(404)
      .send(errorBody('NOT_FOUND', `no route for ${request.method} ${request.url.split('?')[0]}`));
  });
}
