/**
 * Login backoff: after a few failed sign-ins for one username, and separately from one IP, further
 * attempts wait a growing delay (first, 2×first, 4×first … up to a cap), answered 429 with
 * Retry-After before the password is even checked. The username is counted whether or not it exists,
 * so the answer tells nothing about which accounts there are. A success clears the username's count,
 * never the IP's (signing in to one's own account must not buy more guesses at others').
 *
 * In memory, per process: several processes each allow their own free failures (the wait still
 * grows in each). Both maps are bounded, least recently failed dropped first, and forget a key that
 * has been quiet for four caps, so a flood of made-up usernames cannot grow memory without bound.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { LoginBackoffSettings } from '../config/env.ts';

/** Keys kept per map: a few MB at most. */
const MAX_KEYS = 10_000;

type Failures = { count: number; lastAt: number; blockedUntil: number };

export type LoginRefusal = { retryAfterSeconds: number; message: string };

export type LoginBackoff = {
  /** A refusal while the username or the IP must wait, else null. */
  check(username: string, ip: string): LoginRefusal | null;
  failed(username: string, ip: string): void;
  succeeded(username: string): void;
  /** How many keys are held (for the tests of the bound). */
  size(): number;
};

declare module 'fastify' {
  interface FastifyInstance {
    loginBackoff: LoginBackoff;
  }
}

/** Usernames are compared as the person typed them, give or take case and spaces. */
const userKey = (username: string) => username.trim().toLowerCase();

export function createLoginBackoff(
  settings: LoginBackoffSettings,
  options: { now?: () => number; maxKeys?: number } = {},
): LoginBackoff {
  const now = options.now ?? (() => Date.now());
  const maxKeys = options.maxKeys ?? MAX_KEYS;
  const forgetAfterMs = settings.maxDelayMs * 4;
  const users = new Map<string, Failures>();
  const ips = new Map<string, Failures>();

  const current = (map: Map<string, Failures>, key: string, at: number) => {
    const entry = map.get(key);
    if (entry && at - entry.lastAt > forgetAfterMs) {
      map.delete(key);
      return undefined;
    }
    return entry;
  };

  const fail = (map: Map<string, Failures>, key: string, free: number, at: number) => {
    const entry = current(map, key, at) ?? { count: 0, lastAt: at, blockedUntil: 0 };
    entry.count += 1;
    entry.lastAt = at;
    const over = entry.count - free;
    if (over > 0) {
      // 2^(over-1), computed so a huge count cannot overflow to Infinity before the cap.
      const delay = Math.min(settings.firstDelayMs * 2 ** Math.min(over - 1, 40), settings.maxDelayMs);
      entry.blockedUntil = at + delay;
    }
    // Re-inserted so the map's order is least recently failed first.
    map.delete(key);
    map.set(key, entry);
    while (map.size > maxKeys) {
      const oldest = map.keys().next().value;
      if (oldest === undefined) break;
      map.delete(oldest);
    }
  };

  return {
    check(username, ip) {
      const at = now();
      const until = Math.max(
        current(users, userKey(username), at)?.blockedUntil ?? 0,
        current(ips, ip, at)?.blockedUntil ?? 0,
      );
      if (until <= at) return null;
      const retryAfterSeconds = Math.ceil((until - at) / 1000);
      return {
        retryAfterSeconds,
        message: `too many failed sign-ins: try again in ${describeWait(retryAfterSeconds)} (after ${new Date(until).toISOString()})`,
      };
    },
    failed(username, ip) {
      const at = now();
      fail(users, userKey(username), settings.freeFailuresPerUser, at);
      fail(ips, ip, settings.freeFailuresPerIp, at);
    },
    succeeded(username) {
      users.delete(userKey(username));
    },
    size: () => users.size + ips.size,
  };
}

function describeWait(seconds: number): string {
  if (seconds < 120) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  return `${Math.ceil(seconds / 60)} minutes`;
}

/** One backoff per app, shared by the API's login and the login screen (they are the same sign-in). */
export function installLoginBackoff(app: FastifyInstance, settings: LoginBackoffSettings): void {
  app.decorate('loginBackoff', createLoginBackoff(settings));
}

/** The refusal for this request's sign-in as `username`, if it must wait. */
export const loginRefusal = (request: FastifyRequest, username: string) =>
  request.server.loginBackoff.check(username, request.ip);

/** Counts the outcome of a sign-in that was checked. */
export function recordLogin(request: FastifyRequest, username: string, succeeded: boolean): void {
  if (succeeded) request.server.loginBackoff.succeeded(username);
  else request.server.loginBackoff.failed(username, request.ip);
}
