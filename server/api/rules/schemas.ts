/** The rule API's shapes (SPEC §10), shared by validation and, later, the OpenAPI document. */
import { z } from 'zod';
import { ruleName } from '../../rules/rule-name.ts';

export const MAX_SCRIPT_LENGTH = 200_000;

const script = z
  .string()
  .max(MAX_SCRIPT_LENGTH, { message: `must be at most ${MAX_SCRIPT_LENGTH} characters` });
const description = z.string().max(2000);

/**
 * A version is a PostgreSQL `integer`: a larger one can name no version, and sent to the database it
 * was refused there (22003, out of range) and answered 500. Bounded here, it is a 400 naming the field.
 */
const MAX_VERSION = 2_147_483_647;
const atMost = { message: `must be at most ${MAX_VERSION}` };
const version = z.number().int().min(1).max(MAX_VERSION, atMost);

export const nameParams = z.object({ name: z.string().min(1).max(120) });
export const versionParams = nameParams.extend({
  version: z.coerce.number().int().min(1).max(MAX_VERSION, atMost),
});

const flag = z.enum(['true', 'false']).transform((v) => v === 'true');
export const listQuery = z.object({
  search: z.string().max(200).optional(),
  active: flag.optional(),
  clientCallable: flag.optional(),
});

export const createBody = z
  .object({
    name: ruleName,
    description: description.optional(),
    script,
    clientCallable: z.boolean().optional(),
    active: z.boolean().optional(),
  })
  .strict();

export const saveBody = z
  .object({
    name: z.string().optional(),
    description: description.optional(),
    script,
    clientCallable: z.boolean().optional(),
    active: z.boolean().optional(),
    version: version.min(1, { message: 'the version your change is based on' }),
    // Echoed fields of a rule as GET returned it; accepted so a client can PUT back what it read.
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .strict();

export const patchBody = z
  .object({ active: z.boolean().optional(), clientCallable: z.boolean().optional() })
  .strict()
  .refine((body) => body.active !== undefined || body.clientCallable !== undefined, {
    message: 'send active and/or clientCallable',
  });

export const revertBody = z.object({ version }).strict();

// Answers (SPEC §10), for the serializer and the OpenAPI document.
export const ruleAnswer = z
  .object({
    name: z.string(),
    description: z.string(),
    script: z.string(),
    clientCallable: z.boolean(),
    active: z.boolean(),
    version: z.number().int(),
    updatedAt: z.string().describe('ISO date-time'),
    updatedBy: z.string(),
  })
  .describe('A rule at its current version');
export const ruleListAnswer = z.object({ rules: z.array(ruleAnswer) }).describe('The rules, by name');
export const versionAnswer = z
  .object({
    name: z.string(),
    version: z.number().int(),
    description: z.string(),
    clientCallable: z.boolean(),
    active: z.boolean(),
    createdAt: z.string().describe('ISO date-time'),
    createdBy: z.string(),
    script: z.string().optional().describe('In GET …/versions/:version only'),
  })
  .describe('A saved version of a rule');
export const versionListAnswer = z
  .object({ versions: z.array(versionAnswer) })
  .describe('The versions, newest first');
