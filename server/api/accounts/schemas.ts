/** The account API's shapes (SPEC §10): validation and the OpenAPI document come from these. */
import { z } from 'zod';

export const MIN_PASSWORD_LENGTH = 12;

/**
 * Login accepts any 1–200 characters after trimming; names made here are stricter so they read well
 * in the history (`updatedBy`, `createdBy`) and can never look like a token's `token:<name>`.
 */
export const username = z
  .string()
  .min(1, { message: 'an account needs a username' })
  .max(200, { message: 'must be at most 200 characters' })
  .regex(/^[A-Za-z0-9][A-Za-z0-9._@-]*$/, {
    message: 'letters, digits and . _ @ - only, starting with a letter or digit',
  });

const password = z
  .string()
  .min(MIN_PASSWORD_LENGTH, { message: `must be at least ${MIN_PASSWORD_LENGTH} characters` })
  // Login accepts up to 1000; scrypt hashes any length, but a megabyte of password is an attack.
  .max(1000, { message: 'must be at most 1000 characters' });

const role = z.enum(['agent', 'admin'], { message: 'must be agent or admin' });

export const usernameParams = z.object({ username: z.string().min(1).max(200) });

export const createBody = z.object({ username, password, role }).strict();

export const patchBody = z
  .object({ password: password.optional(), role: role.optional(), disabled: z.boolean().optional() })
  .strict()
  .refine((b) => b.password !== undefined || b.role !== undefined || b.disabled !== undefined, {
    message: 'send password, role and/or disabled',
  });

export const account = z
  .object({
    username: z.string(),
    role,
    disabled: z.boolean(),
    createdAt: z.string().describe('ISO date-time'),
  })
  .describe('An account (never its password or hash)');

export const accountList = z.object({ accounts: z.array(account) }).describe('Every account, by username');
