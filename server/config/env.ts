import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/** Whole numbers from the environment: digits only, so "12abc" and "1e3" are refused rather than guessed. */
const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/, { message: `expected a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { message: `must be at least ${min}` })
        .max(max, { message: `must be at most ${max}` }),
    );

const origin = z
  .string()
  .trim()
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value.replace(/\/$/, '')
        );
      } catch {
        return false;
      }
    },
    {
      message:
        'each entry must be an origin such as https://crm.example.com (scheme, host and optional port only)',
    },
  );

export const envSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  ADMIN_PASSWORD: z.string().min(8, { message: 'must be at least 8 characters' }).optional(),
  CTI_TOKEN: z.string().min(24, { message: 'must be at least 24 characters' }).optional(),
  DEFAULT_REGION: z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => isSupportedCountry(value), {
      message: 'must be a two-letter country code such as US or GB',
    })
    .default('US'),
  SANDBOX_CPU_MS: wholeNumber(1, 60_000).default(50),
  SANDBOX_WALL_MS: wholeNumber(10, 600_000).default(2000),
  SANDBOX_MEMORY_MB: wholeNumber(8, 4096).default(32),
  SANDBOX_HOST_CALLS: wholeNumber(1, 1_000_000).default(500),
  SANDBOX_MAX_ROWS: wholeNumber(1, 1_000_000).default(1000),
  SANDBOX_MAX_ANSWER: wholeNumber(16, 1_000_000).default(2048),
  SANDBOX_MAX_WRITES: wholeNumber(1, 100_000).default(100),
  SANDBOX_CALL_DEPTH: wholeNumber(1, 16).default(4),
  ANSWER_ORIGINS: z
    .string()
    .default('')
    .transform((value) =>
      value
        .split(',')
        .map((entry) => entry.trim())
        .filter(Boolean),
    )
    .pipe(z.array(origin)),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

type Env = z.output<typeof envSchema>;

export type SandboxLimits = {
  cpuMs: number;
  wallMs: number;
  memoryMb: number;
  hostCalls: number;
  maxRows: number;
  maxAnswer: number;
};

export type Config = Readonly<{
  host: string;
  port: number;
  database: Readonly<{ kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string }>;
  adminPassword: string | undefined;
  ctiToken: string | undefined;
  defaultRegion: string;
  sandbox: Readonly<SandboxLimits>;
  /** Limits of the privileged service (SPEC §8): writes per call, and how deep functions may call each other. */
  privileged: Readonly<{ maxWrites: number; callDepth: number }>;
  answerOrigins: readonly string[];
  logLevel: Env['LOG_LEVEL'];
}>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Parses the environment once; every problem is named in one line, so a bad start is fixed in one go. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  // An empty variable means "not set", as shells and compose files often leave them.
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ''),
  );
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0] ?? 'environment');
      const given = present[name];
      const shown =
        given === undefined || /PASSWORD|TOKEN|URL/.test(name) ? '' : ` (got ${JSON.stringify(given)})`;
      return `${name}: ${issue.message}${shown}`;
    });
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    host: e.HOST,
    port: e.PORT,
    database: Object.freeze(
      e.DATABASE_URL
        ? { kind: 'postgres' as const, url: e.DATABASE_URL }
        : { kind: 'pglite' as const, dataDir: e.DATA_DIR },
    ),
    adminPassword: e.ADMIN_PASSWORD,
    ctiToken: e.CTI_TOKEN,
    defaultRegion: e.DEFAULT_REGION,
    sandbox: Object.freeze({
      cpuMs: e.SANDBOX_CPU_MS,
      wallMs: e.SANDBOX_WALL_MS,
      memoryMb: e.SANDBOX_MEMORY_MB,
      hostCalls: e.SANDBOX_HOST_CALLS,
      maxRows: e.SANDBOX_MAX_ROWS,
      maxAnswer: e.SANDBOX_MAX_ANSWER,
    }),
    privileged: Object.freeze({ maxWrites: e.SANDBOX_MAX_WRITES, callDepth: e.SANDBOX_CALL_DEPTH }),
    answerOrigins: Object.freeze(e.ANSWER_ORIGINS),
    logLevel: e.LOG_LEVEL,
  });
}
