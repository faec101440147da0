/** TRUST_PROXY: X-Forwarded-Proto and -For believed from a trusted proxy only (cookie `Secure`, HSTS, per-IP limits). */
import type { FastifyInstance } from 'fastify';
import { afterEach, expect, it } from 'vitest';
import { HSTS } from '../../server/http/security-headers.ts';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const PROXY = '10.0.0.5';

describeEachDatabase('TRUST_PROXY', (db) => {
  let app: FastifyInstance | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
  });
  const start = async (env: Record<string, string>) => {
    ({ app } = await buildTestApp(db(), env));
    return app;
  };

  const loginVia = (target: FastifyInstance, remoteAddress: string, headers: Record<string, string>) =>
    target.inject({
      method: 'POST',
      url: '/api/login',
      remoteAddress,
      headers,
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
  const sessionCookie = (response: Awaited<ReturnType<typeof loginVia>>) =>
    response.cookies.find((c) => c.name === 'ctihost_session');

  it.each([
    ['an address', PROXY],
    ['a CIDR', '10.0.0.0/8'],
    ['true', 'true'],
    ['a hop count', '1'],
  ])('with %s, a trusted proxy saying https gets a Secure cookie and HSTS', async (_what, trust) => {
    const target = await start({ TRUST_PROXY: trust });
    const response = await loginVia(target, PROXY, { 'x-forwarded-proto': 'https' });
    expect(response.statusCode, response.body).toBe(200);
    expect(sessionCookie(response)).toMatchObject({ secure: true, httpOnly: true, sameSite: 'Lax' });
    expect(response.headers['strict-transport-security']).toBe(HSTS);

    const plain = await loginVia(target, PROXY, { 'x-forwarded-proto': 'http' });
    expect(sessionCookie(plain)?.secure).toBeFalsy();
    expect(plain.headers['strict-transport-security']).toBeUndefined();
  });

  it('ignores the header from a client that is not a trusted proxy', async () => {
    const target = await start({ TRUST_PROXY: PROXY });
    const response = await loginVia(target, '203.0.113.9', { 'x-forwarded-proto': 'https' });
    expect(response.statusCode).toBe(200);
    expect(sessionCookie(response)?.secure).toBeFalsy();
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  it('ignores it altogether by default', async () => {
    const target = await start({});
    const response = await loginVia(target, PROXY, { 'x-forwarded-proto': 'https' });
    expect(response.statusCode).toBe(200);
    expect(sessionCookie(response)?.secure).toBeFalsy();
    expect(response.headers['strict-transport-security']).toBeUndefined();
  });

  const anonymous = (target: FastifyInstance, remoteAddress: string, client: string) =>
    target.inject({ url: '/api/rules', remoteAddress, headers: { 'x-forwarded-for': client } });

  it("counts the client's address behind a trusted proxy for the per-IP limit", async () => {
    const target = await start({ TRUST_PROXY: PROXY, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' });
    expect((await anonymous(target, PROXY, '198.51.100.1')).statusCode).toBe(401);
    expect((await anonymous(target, PROXY, '198.51.100.1')).statusCode).toBe(429);
    // Another client behind the same proxy has its own count.
    expect((await anonymous(target, PROXY, '198.51.100.2')).statusCode).toBe(401);
  });

  it('does not let an untrusted client pick its address with X-Forwarded-For', async () => {
    const target = await start({ TRUST_PROXY: PROXY, RATE_LIMIT_ANONYMOUS_PER_MINUTE: '1' });
    expect((await anonymous(target, '203.0.113.20', '198.51.100.1')).statusCode).toBe(401);
    expect((await anonymous(target, '203.0.113.20', '198.51.100.2')).statusCode).toBe(429);
  });
});
