/** Login backoff (server/http/login-backoff.ts): after a few failures a growing wait, the same for anyone. */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createLoginBackoff } from '../../server/http/login-backoff.ts';
import type { Services } from '../../server/services.ts';
import { buildTestApp } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const SETTINGS = { freeFailuresPerUser: 3, freeFailuresPerIp: 10, firstDelayMs: 1000, maxDelayMs: 8000 };

describe('the login backoff, on its own', () => {
  let clock = 0;
  const backoff = () => createLoginBackoff(SETTINGS, { now: () => clock, maxKeys: 100 });

  it('lets the free failures through, then doubles the wait up to the cap', () => {
    clock = 0;
    const b = backoff();
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      b.failed('eve', '10.0.0.1');
      waits.push(b.check('eve', '10.0.0.2')?.retryAfterSeconds ?? 0);
      clock += 10_000;
    }
    expect(waits).toEqual([0, 0, 0, 1, 2, 4, 8, 8]);
  });

  it('counts an address apart from the usernames it tries, and a success clears only the username', () => {
    clock = 0;
    const b = backoff();
    for (let i = 0; i < 10; i++) b.failed(`user${i}`, '10.0.0.9');
    expect(b.check('someone-else', '10.0.0.9')).toBeNull();
    b.failed('user10', '10.0.0.9');
    expect(b.check('someone-else', '10.0.0.9')?.retryAfterSeconds).toBe(1);
    expect(b.check('someone-else', '10.0.0.10')).toBeNull();

    for (let i = 0; i < 4; i++) b.failed('Bob', '10.0.0.20');
    expect(b.check(' bob ', '10.0.0.21')).not.toBeNull();
    b.succeeded('BOB');
    expect(b.check('bob', '10.0.0.21')).toBeNull();
    // The address that failed for bob still counts its failures.
    for (let i = 0; i < 7; i++) b.failed(`other${i}`, '10.0.0.20');
    expect(b.check('bob', '10.0.0.20')).not.toBeNull();
  });

  it('keeps memory bounded under a flood of made-up usernames, and forgets a quiet key', () => {
    clock = 0;
    const b = backoff();
    for (let i = 0; i < 10_000; i++) b.failed(`made-up-${i}`, `10.1.${i >> 8}.${i & 255}`);
    expect(b.size()).toBeLessThanOrEqual(200);

    const c = backoff();
    for (let i = 0; i < 5; i++) c.failed('carol', '10.0.0.30');
    expect(c.check('carol', '10.0.0.31')).not.toBeNull();
    clock += SETTINGS.maxDelayMs * 4 + 1;
    c.failed('carol', '10.0.0.31');
    // Forgotten: this is the first failure of a new count, free again.
    expect(c.check('carol', '10.0.0.31')).toBeNull();
  });
});

describeEachDatabase('login backoff over HTTP', (db) => {
  let app: FastifyInstance;
  let services: Services;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db(), {
      LOGIN_FREE_FAILURES_PER_USER: '3',
      LOGIN_FREE_FAILURES_PER_IP: '100',
      LOGIN_BACKOFF_FIRST_MS: '2000',
      LOGIN_BACKOFF_MAX_MS: '60000',
    }));
    await services.accounts.create('agent.una', 'agent password 1', 'agent');
  });
  afterAll(() => app.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const apiLogin = (username: string, password: string) =>
    app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  const screenLogin = (username: string, password: string) =>
    app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: new URLSearchParams({ username, password, next: '/' }).toString(),
    });

  it('refuses even the right password with 429 until the wait has passed, then lets it in', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    for (let i = 0; i < 3; i++) expect((await apiLogin('agent.una', 'wrong')).statusCode).toBe(401);
    expect((await apiLogin('agent.una', 'wrong')).statusCode).toBe(401);

    const refused = await apiLogin('agent.una', 'agent password 1');
    expect(refused.statusCode, refused.body).toBe(429);
    expect(refused.headers['retry-after']).toBe('2');
    expect(refused.json()).toEqual({
      error: {
        code: 'RATE_LIMITED',
        message: expect.stringMatching(/^too many failed sign-ins: try again in 2 seconds \(after \d{4}-/),
      },
    });
    expect(refused.cookies).toHaveLength(0);

    // The login screen shares the count: the form again, 429, no cookie.
    const screen = await screenLogin('agent.una', 'agent password 1');
    expect(screen.statusCode).toBe(429);
    expect(screen.headers['retry-after']).toBe('2');
    expect(screen.headers['content-type']).toContain('text/html');
    expect(screen.body).toContain('too many failed sign-ins');
    expect(screen.cookies).toHaveLength(0);

    vi.setSystemTime(Date.now() + 2001);
    const admitted = await apiLogin('agent.una', 'agent password 1');
    expect(admitted.statusCode, admitted.body).toBe(200);

    // The success cleared the count: three free failures again.
    for (let i = 0; i < 3; i++) expect((await apiLogin('agent.una', 'wrong')).statusCode).toBe(401);
    expect((await apiLogin('agent.una', 'wrong')).statusCode).toBe(401);
    expect((await apiLogin('agent.una', 'agent password 1')).statusCode).toBe(429);
  });

  it('answers an unknown username exactly as a known one', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2030-01-01T00:00:00Z') });
    await services.accounts.create('agent.vic', 'agent password 2', 'agent');
    const answers: Record<string, { status: number; body: string; retryAfter: unknown }[]> = {};
    for (const username of ['agent.vic', 'nobody.here']) {
      answers[username] = [];
      for (let i = 0; i < 6; i++) {
        const response = await apiLogin(username, 'wrong');
        answers[username].push({
          status: response.statusCode,
          body: response.body,
          retryAfter: response.headers['retry-after'],
        });
      }
    }
    expect(answers['agent.vic']!.map((a) => a.status)).toEqual([401, 401, 401, 401, 429, 429]);
    expect(answers['nobody.here']).toEqual(answers['agent.vic']);
  });

  it('counts failures on the screen like those of the API', async () => {
    await services.accounts.create('agent.wes', 'agent password 3', 'agent');
    for (let i = 0; i < 4; i++) expect((await screenLogin('agent.wes', 'wrong')).statusCode).toBe(401);
    expect((await apiLogin('agent.wes', 'agent password 3')).statusCode).toBe(429);
  });
});
