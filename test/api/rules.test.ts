/** The rule API (SPEC §10): create, versions with stale saves refused, history, revert, toggles, delete. */
import type { FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

describeEachDatabase('the rule API', (db) => {
  let app: FastifyInstance;
  let cookie: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    cookie = await login(app);
  });
  const api = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: withCsrf(cookie), ...(payload ? { payload } : {}) });

  it('creates a rule and shows it in the list, searchable', async () => {
    const created = await api('POST', '/api/rules', {
      name: 'popVip',
      description: 'VIP callers',
      script: "answer = 'sys_user.do';",
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toMatchObject({
      name: 'popVip',
      description: 'VIP callers',
      clientCallable: true,
      active: true,
      version: 1,
      updatedBy: 'admin',
      updatedAt: expect.any(String),
    });
    const list = await api('GET', '/api/rules?search=vip');
    expect(list.json().rules.map((r: { name: string }) => r.name)).toEqual(['popVip']);
    const shipped = await api('GET', '/api/rules?clientCallable=false');
    expect(shipped.json().rules.map((r: { name: string }) => r.name)).toContain('ctiRecordTaskCall');
    expect((await api('POST', '/api/rules', { name: 'popVip', script: 'answer = 1;' })).statusCode).toBe(409);
  });

  it('saves new versions against the version they were based on, refusing a stale one with the current', async () => {
    const saved = await api('PUT', '/api/rules/popVip', {
      script: "answer = 'sys_user.do?v=2';",
      version: 1,
    });
    expect(saved.statusCode, saved.body).toBe(200);
    expect(saved.json().version).toBe(2);
    const stale = await api('PUT', '/api/rules/popVip', { script: "answer = 'lost';", version: 1 });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatchObject({
      code: 'CONFLICT',
      details: { currentVersion: 2, current: { version: 2 } },
    });
    expect((await api('GET', '/api/rules/popVip')).json().script).toBe("answer = 'sys_user.do?v=2';");
  });

  it('keeps the history and reverts to an earlier version as a new one', async () => {
    const history = await api('GET', '/api/rules/popVip/versions');
    expect(history.json().versions.map((v: { version: number }) => v.version)).toEqual([2, 1]);
    const first = await api('GET', '/api/rules/popVip/versions/1');
    expect(first.json()).toMatchObject({ version: 1, script: "answer = 'sys_user.do';" });
    const reverted = await api('POST', '/api/rules/popVip/revert', { version: 1 });
    expect(reverted.json()).toMatchObject({ version: 3, script: "answer = 'sys_user.do';" });
    expect((await api('GET', '/api/rules/popVip/versions/9')).statusCode).toBe(404);
  });

  it('toggles active and clientCallable without a new version', async () => {
    const patched = await api('PATCH', '/api/rules/popVip', { active: false, clientCallable: false });
    expect(patched.json()).toMatchObject({ active: false, clientCallable: false, version: 3 });
    expect((await api('PATCH', '/api/rules/popVip', {})).statusCode).toBe(400);
  });

  describe.each([
    [{ name: '1st', script: 'x' }, 'body.name'],
    [{ name: 'has space', script: 'x' }, 'body.name'],
    [{ name: 'GlideRecord', script: 'x' }, 'body.name'],
    [{ name: 'ok', script: 'var = ;' }, 'script does not compile: line 1, column'],
    [{ name: 'ok2', script: 'var a = 1;\nif (a {\n}' }, 'script does not compile: line 2, column'],
    [{ name: 'ok3' }, 'body.script'],
  ])('refuses %j', (payload, message) => {
    it('with 400 naming the problem', async () => {
      const response = await api('POST', '/api/rules', payload);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.message).toContain(message);
    });
  });

  it('refuses a syntax error on save and keeps the stored version', async () => {
    const response = await api('PUT', '/api/rules/popVip', { script: 'function (', version: 3 });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toMatchObject({ field: 'script', line: 1 });
    expect((await api('GET', '/api/rules/popVip')).json().version).toBe(3);
  });

  it('deletes a rule', async () => {
    expect((await api('DELETE', '/api/rules/popVip')).statusCode).toBe(204);
    expect((await api('GET', '/api/rules/popVip')).statusCode).toBe(404);
    expect((await api('DELETE', '/api/rules/popVip')).statusCode).toBe(404);
  });

  it('is closed to anyone but an admin session', async () => {
    expect((await app.inject({ method: 'GET', url: '/api/rules' })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/api/rules', payload: { name: 'x', script: 'x' } }))
        .statusCode,
    ).toBe(401);
  });
});
