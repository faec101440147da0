import { isIP } from 'node:net';
import { isSupportedCountry } from 'libphonenumber-js';
import { z } from 'zod';

/**
 * Runs that may wait for an isolate at once; past it a run is refused SANDBOX_BUSY at once. Each
 * waits at most the wall limit (then it is refused too), so time bounds the queue more than this
 * count does: it only bounds the memory the waiting calls hold. It must not be the tighter bound.
 * With 100, a shift change of 300 agents' pops at once refused two thirds of them although one
 * process answers about a thousand a second, and under a flood of clients that retry at once the
 * answered pops fell from about 950 to 150 a second (the refusals took the main thread); with 1000
 * the same flood was answered in full at 941 a second, p99 0.38 s (README, "A burst of calls").
 */
export const DEFAULT_QUEUE_LIMIT = 1000;

/** DATABASE_STATEMENT_TIMEOUT_MS: ample for a screen or an API page, short of holding a connection for good. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 15_000;

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

/**
 * TRUST_PROXY, mapped to fastify's `trustProxy`: whether X-Forwarded-For/-Proto are believed, and
 * from whom. `false` (nobody), `true` (anyone: only behind a proxy that overwrites them), a hop
 * count, or a comma-separated list of proxy addresses and CIDRs (or proxy-addr's names loopback,
 * linklocal, uniquelocal).
 */
const PROXY_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
const isProxyAddress = (entry: string) => {
  if (PROXY_NAMES.has(entry) || isIP(entry) !== 0) return true;
  const [address = '', prefix, extra] = entry.split('/');
  const family = isIP(address);
  if (family === 0 || extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
};
const trustProxy = z
  .string()
  .trim()
  .transform((value, context): boolean | number | string[] => {
    const lower = value.toLowerCase();
    if (lower === 'false') return false;
    if (lower === 'true') return true;
    if (/^\d+$/.test(value) && Number(value) <= 64) return Number(value);
    const entries = value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean);
    const bad = entries.filter((entry) => !isProxyAddress(entry));
    if (entries.length === 0 || bad.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `expected false, true, a hop count from 0 to 64, or a comma-separated list of proxy addresses or CIDRs such as 10.0.0.0/8${bad.length > 0 ? `; not an address: ${bad.join(', ')}` : ''}`,
      });
      return z.NEVER;
    }
    return entries;
  });

/** Requests per minute and per process for one credential; 0 turns that limit off. */
const perMinute = wholeNumber(0, 10_000_000);

export const envSchema = z.object({
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  PORT: wholeNumber(0, 65535).default(3000),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .trim()
    .regex(/^postgres(ql)?:\/\//, { message: 'must be a postgres:// or postgresql:// URL' })
    .optional(),
  /** Connections each process keeps to PostgreSQL (each worker its own pool). */
  // Two at least: one pool for rules' reads, whose statements time out, one for the rest (database.ts).
  DATABASE_POOL_MAX: wholeNumber(2, 1000).default(10),
  /**
   * How long one statement of the screens, the API and the rest may run on PostgreSQL (0: no limit).
   * Rules' reads have their own (the wall limit); migrations and dictionary changes none (their own
   * connection). A slow list screen or API query would otherwise hold one of the few connections the
   * call log shares, for as long as it likes.
   */
  DATABASE_STATEMENT_TIMEOUT_MS: wholeNumber(0, 3_600_000).default(DEFAULT_STATEMENT_TIMEOUT_MS),
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
  SANDBOX_QUEUE: wholeNumber(0, 100_000).default(DEFAULT_QUEUE_LIMIT),
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
  TRUST_PROXY: trustProxy.default(false),
  // One token may carry a whole contact centre's pops; a person clicks far less. Requests without a
  // credential are counted per address, and a site behind NAT signs its whole shift in from one.
  RATE_LIMIT_TOKEN_PER_MINUTE: perMinute.default(6000),
  RATE_LIMIT_SESSION_PER_MINUTE: perMinute.default(300),
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: perMinute.default(600),
  // Failed sign-ins allowed before a wait, per username and (higher: a site behind NAT shares one) per IP.
  LOGIN_FREE_FAILURES_PER_USER: wholeNumber(1, 1000).default(5),
  LOGIN_FREE_FAILURES_PER_IP: wholeNumber(1, 100_000).default(50),
  LOGIN_BACKOFF_FIRST_MS: wholeNumber(1, 3_600_000).default(1000),
  LOGIN_BACKOFF_MAX_MS: wholeNumber(1, 86_400_000).default(900_000),
  // Server processes sharing the port (node:cluster): `auto` is one per core; PGlite is always one.
  WORKERS: z
    .union([z.string().trim().toLowerCase().pipe(z.literal('auto')), wholeNumber(1, 256)], {
      message: 'expected auto or a whole number from 1 to 256',
    })
    .default('auto'),
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

export type LoginBackoffSettings = {
  freeFailuresPerUser: number;
  freeFailuresPerIp: number;
  firstDelayMs: number;
  maxDelayMs: number;
};

export type Config = Readonly<{
  host: string;
  port: number;
  database: Readonly<{ kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; max: number }>;
  adminPassword: string | undefined;
  ctiToken: string | undefined;
  defaultRegion: string;
  sandbox: Readonly<SandboxLimits>;
  /** Limits of the privileged service (SPEC §8): writes per call, and how deep functions may call each other. */
  privileged: Readonly<{ maxWrites: number; callDepth: number }>;
  /** Calls that may wait for a busy sandbox at once (DEFAULT_QUEUE_LIMIT). */
  sandboxQueue: number;
  answerOrigins: readonly string[];
  logLevel: Env['LOG_LEVEL'];
  /** fastify's `trustProxy` (TRUST_PROXY). */
  trustProxy: boolean | number | readonly string[];
  /** Requests per minute per credential, in each process; 0 is no limit (server/http/rate-limits.ts). */
  rateLimits: Readonly<{ tokenPerMinute: number; sessionPerMinute: number; anonymousPerMinute: number }>;
  /** Failed sign-ins before a growing wait (server/http/login-backoff.ts). */
  loginBackoff: Readonly<LoginBackoffSettings>;
  /** How many server processes `serve` runs (server/ops/cluster.ts). */
  workers: 'auto' | number;
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
        ? {
            kind: 'postgres' as const,
            url: e.DATABASE_URL,
            max: e.DATABASE_POOL_MAX,
            statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
          }
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
    sandboxQueue: e.SANDBOX_QUEUE,
    answerOrigins: Object.freeze(e.ANSWER_ORIGINS),
    logLevel: e.LOG_LEVEL,
    trustProxy: Array.isArray(e.TRUST_PROXY) ? Object.freeze(e.TRUST_PROXY) : e.TRUST_PROXY,
    rateLimits: Object.freeze({
      tokenPerMinute: e.RATE_LIMIT_TOKEN_PER_MINUTE,
      sessionPerMinute: e.RATE_LIMIT_SESSION_PER_MINUTE,
      anonymousPerMinute: e.RATE_LIMIT_ANONYMOUS_PER_MINUTE,
    }),
    loginBackoff: Object.freeze({
      freeFailuresPerUser: e.LOGIN_FREE_FAILURES_PER_USER,
      freeFailuresPerIp: e.LOGIN_FREE_FAILURES_PER_IP,
      firstDelayMs: e.LOGIN_BACKOFF_FIRST_MS,
      maxDelayMs: Math.max(e.LOGIN_BACKOFF_MAX_MS, e.LOGIN_BACKOFF_FIRST_MS),
    }),
    workers: e.WORKERS,
  });
}
