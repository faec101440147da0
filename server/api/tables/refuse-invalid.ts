/**
 * For routes that take table definitions (`attachValidation: true`): a body that fails its schema
 * gets the usual 400 VALIDATION_FAILED with per-field details, and a message that also says what is
 * wrong with each field (`body.name: must start with a lower-case letter…`), so an admin adding a
 * table in the console, or pushing a dictionary file from the CLI, reads the problem in one line.
 */
import type { FastifyRequest } from 'fastify';
import {
  hasZodFastifySchemaValidationErrors,
  type ZodFastifySchemaValidationError,
} from 'fastify-type-provider-zod';
import { AppError } from '../../errors.ts';

const MAX_LISTED = 5;

export async function refuseInvalid(request: FastifyRequest): Promise<void> {
  const error = request.validationError;
  if (!error) return;
  if (!hasZodFastifySchemaValidationErrors(error)) throw error;
  const issues: ZodFastifySchemaValidationError[] = error.validation;
  const details = issues.map((issue) => ({
    field: [error.validationContext, ...String(issue.instancePath).split('/').filter(Boolean)].join('.'),
    message: issue.message ?? 'invalid',
  }));
  const listed = details.slice(0, MAX_LISTED).map((d) => `${d.field}: ${d.message}`);
  if (details.length > MAX_LISTED) listed.push(`and ${details.length - MAX_LISTED} more`);
  throw new AppError('VALIDATION_FAILED', `invalid request: ${listed.join('; ')}`, details);
}
