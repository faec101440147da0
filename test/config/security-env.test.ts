/** The abuse-protection settings: TRUST_PROXY, the rate limits and the login backoff. */
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/env.ts';
import { fastifyTrustProxy } from '../../server/http/trust-proxy.ts';

function problemOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${JSON.stringify(env)}`);
}

describe('abuse-protection settings', () => {
  it('defaults to no proxy trusted, generous limits and five free sign-in failures', () => {
    const config = loadConfig({});
    expect(config.trustProxy).toBe(false);
    expect(config.rateLimits).toEqual({
      tokenPerMinute: 6000,
      sessionPerMinute: 300,
      anonymousPerMinute: 600,
    });
    expect(config.loginBackoff).toEqual({
      freeFailuresPerUser: 5,
      freeFailuresPerIp: 50,
      firstDelayMs: 1000,
      maxDelayMs: 900_000,
    });
    expect(Object.isFrozen(config.rateLimits) && Object.isFrozen(config.loginBackoff)).toBe(true);
  });

  it.each([
    ['false', false],
    ['TRUE', true],
    ['2', 2],
    ['10.0.0.5', ['10.0.0.5']],
    [' 10.0.0.0/8, 192.168.1.1 ,fd00::/8,loopback', ['10.0.0.0/8', '192.168.1.1', 'fd00::/8', 'loopback']],
  ])('reads TRUST_PROXY=%j', (value, expected) => {
    expect(loadConfig({ TRUST_PROXY: value }).trustProxy).toEqual(expected);
  });

  it("maps a hop count to fastify's trustProxy as the nearest hops", () => {
    const trust = fastifyTrustProxy(2);
    expect(typeof trust).toBe('function');
    const byHop = trust as (address: string, hop: number) => boolean;
    expect([0, 1, 2].map((hop) => byHop('203.0.113.1', hop))).toEqual([true, true, false]);
    expect(fastifyTrustProxy(0)).toBe(false);
    expect(fastifyTrustProxy(['10.0.0.0/8'])).toEqual(['10.0.0.0/8']);
  });

  it('reads the limits, 0 meaning off, and the backoff', () => {
    const config = loadConfig({
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_SESSION_PER_MINUTE: '30',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '10',
      LOGIN_FREE_FAILURES_PER_USER: '3',
      LOGIN_FREE_FAILURES_PER_IP: '20',
      LOGIN_BACKOFF_FIRST_MS: '500',
      LOGIN_BACKOFF_MAX_MS: '60000',
    });
    expect(config.rateLimits).toEqual({ tokenPerMinute: 0, sessionPerMinute: 30, anonymousPerMinute: 10 });
    expect(config.loginBackoff).toEqual({
      freeFailuresPerUser: 3,
      freeFailuresPerIp: 20,
      firstDelayMs: 500,
      maxDelayMs: 60_000,
    });
  });

  it.each([
    [{ TRUST_PROXY: 'yes' }, 'TRUST_PROXY: expected false, true, a hop count', 'not an address: yes'],
    [{ TRUST_PROXY: '10.0.0.0/33' }, 'TRUST_PROXY: expected false', 'not an address: 10.0.0.0/33'],
    [
      { TRUST_PROXY: '10.0.0.1, proxy.internal' },
      'TRUST_PROXY: expected false',
      'not an address: proxy.internal',
    ],
    [{ TRUST_PROXY: '100' }, 'TRUST_PROXY: expected false', 'not an address: 100'],
    [{ TRUST_PROXY: ',' }, 'TRUST_PROXY: expected false', '(got ",")'],
    // Its value is not echoed: the name has TOKEN in it, which loadConfig takes for a secret.
    [{ RATE_LIMIT_TOKEN_PER_MINUTE: '-1' }, 'RATE_LIMIT_TOKEN_PER_MINUTE: expected a whole number', '0 to'],
    [
      { RATE_LIMIT_SESSION_PER_MINUTE: 'lots' },
      'RATE_LIMIT_SESSION_PER_MINUTE: expected a whole number',
      '"lots"',
    ],
    [{ LOGIN_FREE_FAILURES_PER_USER: '0' }, 'LOGIN_FREE_FAILURES_PER_USER: must be at least 1', '"0"'],
    [{ LOGIN_BACKOFF_MAX_MS: '1.5' }, 'LOGIN_BACKOFF_MAX_MS: expected a whole number', '"1.5"'],
  ])('refuses %j in one line naming the variable', (env, message, shown) => {
    const problem = problemOf(env);
    expect(problem).toContain(message);
    expect(problem).toContain(shown);
    expect(problem).not.toContain('\n');
  });

  it('takes a cap below the first delay as the first delay', () => {
    const config = loadConfig({ LOGIN_BACKOFF_FIRST_MS: '5000', LOGIN_BACKOFF_MAX_MS: '1000' });
    expect(config.loginBackoff.maxDelayMs).toBe(5000);
  });
});
