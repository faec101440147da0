/** The rule API (SPEC §10): admin sessions only; HTTP here, rules in server/rules/service.ts. */
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';
import { requireRole } from '../../http/auth.ts';
import type { RuleService } from '../../rules/service.ts';
import { errorResponses, noContent } from '../docs/error-schema.ts';
import {
  createBody,
  listQuery,
  nameParams,
  patchBody,
  revertBody,
  ruleAnswer,
  ruleListAnswer,
  saveBody,
  versionAnswer,
  versionListAnswer,
  versionParams,
} from './schemas.ts';

export function ruleRoutes(app: FastifyInstance, rules: RuleService): void {
  const api = app.withTypeProvider<ZodTypeProvider>();
  const admin = { preValidation: requireRole('admin', { sessionOnly: true }) };
  // A stale save or a taken name; the other error answers are added to the OpenAPI document for every route.
  const conflict = errorResponses(409);
  const by = (request: { actor: { username: string } | null }) => request.actor!.username;

  api.get(
    '/api/rules',
    { ...admin, schema: { querystring: listQuery, response: { 200: ruleListAnswer } } },
    async (request) => {
      const { search, active, clientCallable } = request.query;
      return {
        rules: await rules.list({
          ...(search ? { search } : {}),
          ...(active !== undefined ? { active } : {}),
          ...(clientCallable !== undefined ? { clientCallable } : {}),
        }),
      };
    },
  );

  api.post(
    '/api/rules',
    { ...admin, schema: { body: createBody, response: { 201: ruleAnswer, ...conflict } } },
    async (request, reply) => {
      const { name, script, description, clientCallable, active } = request.body;
      const rule = await rules.create(
        {
          name,
          script,
          ...(description !== undefined ? { description } : {}),
          ...(clientCallable !== undefined ? { clientCallable } : {}),
          ...(active !== undefined ? { active } : {}),
        },
        by(request),
      );
      return reply.status(201).send(rule);
    },
  );

  api.get(
    '/api/rules/:name',
    { ...admin, schema: { params: nameParams, response: { 200: ruleAnswer } } },
    async (request) => rules.get(request.params.name),
  );

  api.put(
    '/api/rules/:name',
    { ...admin, schema: { params: nameParams, body: saveBody, response: { 200: ruleAnswer, ...conflict } } },
    async (request) => {
      const { name: bodyName, script, description, clientCallable, active, version } = request.body;
      if (bodyName !== undefined && bodyName !== request.params.name) {
        throw new AppError(
          'VALIDATION_FAILED',
          'body.name: a rule cannot be renamed; create a new rule instead',
        );
      }
      return rules.save(
        request.params.name,
        {
          script,
          version,
          ...(description !== undefined ? { description } : {}),
          ...(clientCallable !== undefined ? { clientCallable } : {}),
          ...(active !== undefined ? { active } : {}),
        },
        by(request),
      );
    },
  );

  api.patch(
    '/api/rules/:name',
    { ...admin, schema: { params: nameParams, body: patchBody, response: { 200: ruleAnswer } } },
    async (request) => {
      const { active, clientCallable } = request.body;
      return rules.setFlags(
        request.params.name,
        {
          ...(active !== undefined ? { active } : {}),
          ...(clientCallable !== undefined ? { clientCallable } : {}),
        },
        by(request),
      );
    },
  );

  api.delete(
    '/api/rules/:name',
    { ...admin, schema: { params: nameParams, response: { 204: noContent } } },
    async (request, reply) => {
      await rules.delete(request.params.name);
      return reply.status(204).send(null);
    },
  );

  api.get(
    '/api/rules/:name/versions',
    { ...admin, schema: { params: nameParams, response: { 200: versionListAnswer } } },
    async (request) => ({
      versions: await rules.versions(request.params.name),
    }),
  );

  api.get(
    '/api/rules/:name/versions/:version',
    { ...admin, schema: { params: versionParams, response: { 200: versionAnswer } } },
    async (request) => rules.version(request.params.name, request.params.version),
  );

  api.post(
    '/api/rules/:name/revert',
    {
      ...admin,
      schema: { params: nameParams, body: revertBody, response: { 200: ruleAnswer, ...conflict } },
    },
    async (request) => rules.revert(request.params.name, request.body.version, by(request)),
  );
}
