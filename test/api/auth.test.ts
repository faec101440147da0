import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { ADMIN_PASSWORD, buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

describeEachDatabase('accounts, sessions and tokens', (db) => {
  let app: FastifyInstance;
  let services: Services;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
  });

  it('logs the admin in with a session cookie that scripts cannot read', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: ADMIN_PASSWORD },
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json()).toMatchObject({ username: 'admin', role: 'admin' });
    const cookie = response.cookies.find((c) => c.name === 'ctihost_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(cookie!.value).toMatch(/^cts_/);
  });

  it('gives a wrong password and an unknown user the same 401', async () => {
    const wrong = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: 'nope' },
    });
    const unknown = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'ghost', password: 'nope' },
    });
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'invalid username or password' },
    });
    expect(unknown.json()).toEqual(wrong.json());
    expect(wrong.cookies).toHaveLength(0);
  });

  it('refuses a malformed login body naming the fields', async () => {
    const response = await app.inject({ method: 'POST', url: '/api/login', payload: { username: 7 } });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.message).toContain('body.username');
    expect(response.json().error.message).toContain('body.password');
  });

  it('stores only hashes of passwords, sessions and tokens', async () => {
    await login(app);
    const issued = await services.accounts.issueToken('softphone', 'admin');
    const stored = await db().database.rows<{ v: string }>(
      sql`select password_hash as v from accounts union all select token_hash from sessions union all select token_hash from api_tokens`,
    );
    const values = stored.map((r) => r.v).join('\n');
    expect(values).not.toContain(ADMIN_PASSWORD);
    expect(values).not.toContain(issued.token);
    expect(values).toMatch(/^scrypt\$/m);
  });

  it('keeps the record API closed without an admin session', async () => {
    const url = '/api/tables/sys_user/records';
    const anonymous = await app.inject({ method: 'POST', url, payload: [{ user_name: 'x' }] });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
    const token = await services.accounts.issueToken('middleware', 'admin');
    const withToken = await app.inject({
      method: 'POST',
      url,
      payload: [{ user_name: 'x' }],
      headers: { authorization: `Bearer ${token.token}` },
    });
    expect(withToken.statusCode).toBe(401);
    await services.accounts.create('agent.amy', 'agent-password', 'agent');
    const agent = await app.inject({
      method: 'POST',
      url,
      payload: [{ user_name: 'x' }],
      headers: { cookie: await login(app, 'agent.amy', 'agent-password') },
    });
    expect(agent.statusCode).toBe(403);
    const forged = await app.inject({
      method: 'POST',
      url,
      payload: [{ user_name: 'x' }],
      headers: { cookie: 'ctihost_session=cts_forged' },
    });
    expect(forged.statusCode).toBe(401);
  });

  it('ends a session at logout', async () => {
    const cookie = await login(app);
    const logout = await app.inject({ method: 'POST', url: '/api/logout', headers: withCsrf(cookie) });
    expect(logout.statusCode).toBe(200);
    const after = await app.inject({
      method: 'POST',
      url: '/api/tables/sys_user/records',
      payload: [{ user_name: 'x' }],
      headers: withCsrf(cookie),
    });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a disabled account with the same message', async () => {
    await services.accounts.create('former', 'former-password', 'agent');
    await db().database.rows(sql`update accounts set disabled = true where username = 'former'`);
    const response = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'former', password: 'former-password' },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toBe('invalid username or password');
  });

  it('finds a telephony token by its hash and forgets a revoked one', async () => {
    const issued = await services.accounts.issueToken('pbx', 'admin');
    expect(await services.accounts.actorForToken(issued.token)).toMatchObject({
      kind: 'token',
      role: 'agent',
    });
    await services.accounts.revokeToken(issued.id);
    expect(await services.accounts.actorForToken(issued.token)).toBeNull();
  });

  it('sees a token revoked behind its back once the change notice (or the backstop) drops its cache', async () => {
    const issued = await services.accounts.issueToken('pbx-2', 'admin');
    expect(await services.accounts.actorForToken(issued.token)).not.toBeNull();
    await db().database.rows(sql`update api_tokens set revoked_at = now() where id = ${issued.id}::uuid`);
    services.accounts.forgetCache();
    expect(await services.accounts.actorForToken(issued.token)).toBeNull();
  });

  it('answers health and readiness', async () => {
    expect((await app.inject('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await app.inject('/readyz');
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', database: db().kind });
  });
});
