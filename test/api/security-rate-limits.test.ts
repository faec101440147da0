/** Rate limits per credential (server/http/rate-limits.ts): 429 with Retry-After, each credential on its own. */
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect, it, vi } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const LIMITS = {
  RATE_LIMIT_TOKEN_PER_MINUTE: '4',
  RATE_LIMIT_SESSION_PER_MINUTE: '3',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '2',
};

type Response = Awaited<ReturnType<FastifyInstance['inject']>>;

function expectLimited(response: Response, message: RegExp) {
  expect(response.statusCode, response.body).toBe(429);
  const retryAfter = Number(response.headers['retry-after']);
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.headers['content-type']).toContain('application/json');
  expect(response.json()).toEqual({
    error: { code: 'RATE_LIMITED', message: expect.stringMatching(message) },
  });
}

describeEachDatabase('rate limits per credential', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let tokens: string[];
  let agentCookie: string;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db(), LIMITS));
    await services.accounts.create('agent.rita', 'agent password 1', 'agent');
    await services.accounts.create('agent.sam', 'agent password 2', 'agent');
    const admin = (await services.accounts.authenticate('admin', 'correct horse battery staple'))!;
    tokens = [
      (await services.accounts.issueToken('pbx-a', admin.id)).token,
      (await services.accounts.issueToken('pbx-b', admin.id)).token,
    ];
    // Logging in is anonymous: one of the two anonymous requests this address may make a minute.
    agentCookie = await login(app, 'agent.rita', 'agent password 1');
  });
  afterAll(() => app.close());
  afterEach(() => {
    vi.useRealTimers();
  });

  const pop = (token: string) =>
    app.inject({
      url: '/cti.do?sysparm_caller_phone=5551234',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });

  it("limits a token's flood to its limit, and not another token nor an agent", async () => {
    const [flooding, other] = tokens as [string, string];
    for (let i = 0; i < 4; i++) {
      const response = await pop(flooding);
      expect(response.statusCode, response.body).not.toBe(429);
      expect(response.headers['x-ratelimit-remaining']).toBe(String(3 - i));
    }
    expectLimited(await pop(flooding), /this token may make 4 a minute/);
    expectLimited(await pop(flooding), /try again in \d+ s/);

    expect((await pop(other)).statusCode).not.toBe(429);
    const agent = await app.inject({ url: '/api/session', headers: { cookie: agentCookie } });
    expect(agent.statusCode, agent.body).toBe(200);
  });

  it("limits an account's session, and gives the limit back after the minute", async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: Date.now() });
    const cookie = await login(app, 'agent.sam', 'agent password 2');
    const session = () => app.inject({ url: '/api/session', headers: { cookie } });
    for (let i = 0; i < 3; i++) expect((await session()).statusCode).toBe(200);
    expectLimited(await session(), /this account may make 3 a minute/);

    vi.setSystemTime(Date.now() + 61_000);
    expect((await session()).statusCode).toBe(200);
  });

  it('limits requests without a credential per address, a bad token included', async () => {
    const anonymous = (ip: string, headers: Record<string, string> = {}) =>
      app.inject({ url: '/api/rules', remoteAddress: ip, headers });
    expect((await anonymous('203.0.113.7')).statusCode).toBe(401);
    expect((await anonymous('203.0.113.7', { authorization: 'Bearer cti_not-a-token' })).statusCode).toBe(
      401,
    );
    expectLimited(await anonymous('203.0.113.7'), /this address may make 2 a minute/);
    // Another address is counted on its own.
    expect((await anonymous('203.0.113.8')).statusCode).toBe(401);
  });

  it('never limits health, readiness or metrics', async () => {
    for (let i = 0; i < 6; i++) {
      for (const url of ['/healthz', '/readyz', '/metrics']) {
        const response = await app.inject({ url, remoteAddress: '198.51.100.1' });
        expect(response.statusCode, `${url} ${response.body}`).toBe(200);
        expect(response.headers['x-ratelimit-limit']).toBeUndefined();
      }
    }
  });

  it('answers a browser on a screen with a page, still 429 with Retry-After', async () => {
    const page = (ip: string) =>
      app.inject({ url: '/login', remoteAddress: ip, headers: { accept: 'text/html,*/*;q=0.8' } });
    expect((await page('192.0.2.9')).statusCode).toBe(200);
    expect((await page('192.0.2.9')).statusCode).toBe(200);
    const limited = await page('192.0.2.9');
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.headers['content-type']).toContain('text/html');
    expect(limited.body).toContain('Too many requests');
    expect(limited.body).toContain('this address may make 2 a minute');
  });
});

describeEachDatabase('rate limits turned off', (db) => {
  let app: FastifyInstance;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db(), {
      RATE_LIMIT_TOKEN_PER_MINUTE: '0',
      RATE_LIMIT_SESSION_PER_MINUTE: '0',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    }));
  });
  afterAll(() => app.close());

  it('lets any number through with 0', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await app.inject({ url: '/api/rules', remoteAddress: '203.0.113.50' });
      expect(response.statusCode).toBe(401);
      expect(response.headers['x-ratelimit-limit']).toBeUndefined();
    }
  });
});
