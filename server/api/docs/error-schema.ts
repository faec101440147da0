/** The one error body of the API (server/errors.ts), as a zod schema for route schemas and the OpenAPI document. */
import { z } from 'zod';

export const apiError = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe('A closed set: VALIDATION_FAILED, UNAUTHORIZED, FORBIDDEN, NOT_FOUND, CONFLICT, …'),
      message: z.string().describe('What went wrong, for a person to read'),
      details: z
        .unknown()
        .optional()
        .describe('For validation failures, the fields and what is wrong with each'),
    }),
  })
  .describe('An error');

/** A route's documented error answers: `errorResponses(409)` → `{ 409: apiError }`. */
export const errorResponses = <S extends number>(...statuses: S[]) =>
  Object.fromEntries(statuses.map((status) => [status, apiError])) as Record<S, typeof apiError>;

/** A 204 answer: no body. */
export const noContent = z.null().describe('No content');
