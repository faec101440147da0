/** The account API (SPEC §10): create, list, reset, disable, delete; the last-admin guards; sessions ended at once. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const PASSWORD = 'a long enough password';

describeEachDatabase('the account API', (db) => {
  let app: FastifyInstance;
  let admin: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    admin = await login(app);
  });
  afterAll(async () => {
    await app.close();
  });
  const api = (
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: object,
    cookie: string = admin,
  ) => app.inject({ method, url, headers: withCsrf(cookie), ...(payload ? { payload } : {}) });
  const accounts = async () =>
    (await api('GET', '/api/accounts')).json().accounts as {
      username: string;
      role: string;
      disabled: boolean;
    }[];
  /** Whether a session still works: GET /api/session answers 200 for a live one. */
  const sessionWorks = async (cookie: string) =>
    (await app.inject({ method: 'GET', url: '/api/session', headers: { cookie } })).statusCode === 200;

  it('creates an agent and an admin, lists them without any hash, and refuses a taken name', async () => {
    const created = await api('POST', '/api/accounts', {
      username: 'alice',
      password: PASSWORD,
      role: 'agent',
    });
    expect(created.statusCode, created.body).toBe(201);
    expect(created.json()).toEqual({
      username: 'alice',
      role: 'agent',
      disabled: false,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
    });
    expect(
      (await api('POST', '/api/accounts', { username: 'bob', password: PASSWORD, role: 'admin' })).statusCode,
    ).toBe(201);
    const list = await api('GET', '/api/accounts');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toMatch(/hash|scrypt|password/i);
    expect(
      list.json().accounts.map((a: { username: string; role: string }) => `${a.username}:${a.role}`),
    ).toEqual(['admin:admin', 'alice:agent', 'bob:admin']);
    const taken = await api('POST', '/api/accounts', {
      username: 'alice',
      password: PASSWORD,
      role: 'admin',
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.json().error).toMatchObject({ code: 'CONFLICT', message: expect.stringContaining('alice') });
    // The new accounts log in with what they were given.
    expect(await sessionWorks(await login(app, 'alice', PASSWORD))).toBe(true);
  });

  describe.each([
    [{ username: 'carol', password: 'short', role: 'agent' }, 'body.password', 'at least 12'],
    [{ username: 'carol', role: 'agent' }, 'body.password', ''],
    [{ username: '', password: PASSWORD, role: 'agent' }, 'body.username', ''],
    [{ username: ' carol', password: PASSWORD, role: 'agent' }, 'body.username', ''],
    [{ username: 'token:carol', password: PASSWORD, role: 'agent' }, 'body.username', ''],
    [{ username: 'carol', password: PASSWORD, role: 'root' }, 'body.role', 'agent or admin'],
    [{ username: 'carol', password: PASSWORD, role: 'agent', extra: 1 }, 'body', ''],
  ])('refuses POST %j', (payload, field, detail) => {
    it(`with 400 naming ${field}`, async () => {
      const response = await api('POST', '/api/accounts', payload);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
      expect(response.json().error.message).toContain(field);
      expect(JSON.stringify(response.json().error.details)).toContain(detail);
    });
  });

  it('refuses a PATCH with nothing to change, a short password or an unknown account', async () => {
    const empty = await api('PATCH', '/api/accounts/alice', {});
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error.details[0].message).toContain('password, role and/or disabled');
    const short = await api('PATCH', '/api/accounts/alice', { password: 'tiny' });
    expect(short.statusCode).toBe(400);
    expect(short.json().error.message).toContain('body.password');
    const unknown = await api('PATCH', '/api/accounts/nobody', { role: 'admin' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    expect((await api('DELETE', '/api/accounts/nobody')).statusCode).toBe(404);
  });

  it('resets a password: the old one stops working and every session of the account ends at once', async () => {
    const first = await login(app, 'alice', PASSWORD);
    const second = await login(app, 'alice', PASSWORD);
    const reset = await api('PATCH', '/api/accounts/alice', { password: 'another long password' });
    expect(reset.statusCode, reset.body).toBe(200);
    expect(reset.json()).toMatchObject({ username: 'alice', role: 'agent', disabled: false });
    expect(await sessionWorks(first)).toBe(false);
    expect(await sessionWorks(second)).toBe(false);
    await expect(login(app, 'alice', PASSWORD)).rejects.toThrow(/401/);
    expect(await sessionWorks(await login(app, 'alice', 'another long password'))).toBe(true);
    // The admin's own session was not touched.
    expect(await sessionWorks(admin)).toBe(true);
  });

  it('disables an account: its open session gets 401 on the next request, and it cannot log in', async () => {
    const session = await login(app, 'alice', 'another long password');
    const cti = await app.inject({
      method: 'GET',
      url: '/cti.do?sysparm_caller_phone=4155550142',
      headers: { cookie: session, accept: 'application/json' },
    });
    expect(cti.statusCode, cti.body).not.toBe(401);
    const disabled = await api('PATCH', '/api/accounts/alice', { disabled: true });
    expect(disabled.json()).toMatchObject({ username: 'alice', disabled: true });
    expect(await sessionWorks(session)).toBe(false);
    const after = await app.inject({
      method: 'GET',
      url: '/cti.do?sysparm_caller_phone=4155550142',
      headers: { cookie: session, accept: 'application/json' },
    });
    expect(after.statusCode).toBe(401);
    await expect(login(app, 'alice', 'another long password')).rejects.toThrow(/401/);
    // Enabled again, the same password works.
    expect((await api('PATCH', '/api/accounts/alice', { disabled: false })).json().disabled).toBe(false);
    expect(await sessionWorks(await login(app, 'alice', 'another long password'))).toBe(true);
  });

  it('changes a role: the promoted agent can administer', async () => {
    const promoted = await api('PATCH', '/api/accounts/alice', { role: 'admin' });
    expect(promoted.json().role).toBe('admin');
    const session = await login(app, 'alice', 'another long password');
    expect((await api('GET', '/api/accounts', undefined, session)).statusCode).toBe(200);
    expect((await api('PATCH', '/api/accounts/alice', { role: 'agent' })).json().role).toBe('agent');
    expect((await api('GET', '/api/accounts', undefined, session)).statusCode).toBe(403);
  });

  it('refuses to let an admin disable or delete their own account', async () => {
    const disable = await api('PATCH', '/api/accounts/admin', { disabled: true });
    expect(disable.statusCode).toBe(409);
    expect(disable.json().error).toEqual({
      code: 'CONFLICT',
      message: 'you cannot disable the account you are signed in with',
    });
    const remove = await api('DELETE', '/api/accounts/admin');
    expect(remove.statusCode).toBe(409);
    expect(remove.json().error.message).toBe('you cannot delete the account you are signed in with');
    expect((await accounts()).find((a) => a.username === 'admin')).toMatchObject({ disabled: false });
  });

  it('never leaves no active admin: the last one cannot be disabled, demoted or deleted', async () => {
    // bob is the other admin; with bob signed in, admin may go while bob stays.
    const bob = await login(app, 'bob', PASSWORD);
    expect((await api('PATCH', '/api/accounts/admin', { role: 'agent' }, bob)).json().role).toBe('agent');
    const demote = await api('PATCH', '/api/accounts/bob', { role: 'agent' }, bob);
    expect(demote.statusCode).toBe(409);
    expect(demote.json().error.message).toBe(
      'cannot demote bob: it is the last active admin; make another account an admin first',
    );
    // An agent cannot be a guard's way around: the former admin now gets 403.
    expect((await api('DELETE', '/api/accounts/bob', undefined, admin)).statusCode).toBe(403);
    // A second admin that is disabled does not count as one.
    expect(
      (await api('POST', '/api/accounts', { username: 'dora', password: PASSWORD, role: 'admin' }, bob))
        .statusCode,
    ).toBe(201);
    expect((await api('PATCH', '/api/accounts/dora', { disabled: true }, bob)).statusCode).toBe(200);
    expect((await api('PATCH', '/api/accounts/bob', { role: 'agent' }, bob)).statusCode).toBe(409);
    // With dora enabled again, bob may step down; then dora is the last and is kept.
    expect((await api('PATCH', '/api/accounts/dora', { disabled: false }, bob)).statusCode).toBe(200);
    const dora = await login(app, 'dora', PASSWORD);
    expect((await api('PATCH', '/api/accounts/bob', { role: 'agent' }, bob)).statusCode).toBe(200);
    const disableLast = await api('PATCH', '/api/accounts/dora', { disabled: true }, dora);
    expect(disableLast.statusCode).toBe(409);
    expect((await api('PATCH', '/api/accounts/admin', { role: 'admin' }, dora)).statusCode).toBe(200);
    const deleteOther = await api('DELETE', '/api/accounts/dora', undefined, admin);
    expect(deleteOther.statusCode, deleteOther.body).toBe(204);
    expect(deleteOther.body).toBe('');
    // admin is the one active admin left again, and stays.
    const carl = await api('POST', '/api/accounts', { username: 'carl', password: PASSWORD, role: 'agent' });
    expect(carl.statusCode).toBe(201);
    expect(
      (await accounts()).filter((a) => a.role === 'admin' && !a.disabled).map((a) => a.username),
    ).toEqual(['admin']);
    const demoteLast = await api('PATCH', '/api/accounts/admin', { role: 'agent', disabled: false });
    expect(demoteLast.statusCode).toBe(409);
    expect(await sessionWorks(dora)).toBe(false);
  });

  it('deletes an account with its sessions: it cannot log in, and its name is free again', async () => {
    const session = await login(app, 'carl', PASSWORD);
    const removed = await api('DELETE', '/api/accounts/carl');
    expect(removed.statusCode).toBe(204);
    expect(await sessionWorks(session)).toBe(false);
    await expect(login(app, 'carl', PASSWORD)).rejects.toThrow(/401/);
    expect((await accounts()).map((a) => a.username)).not.toContain('carl');
    expect(
      (await api('POST', '/api/accounts', { username: 'carl', password: PASSWORD, role: 'agent' }))
        .statusCode,
    ).toBe(201);
  });

  it('needs an admin session: 401 for strangers and tokens, 403 for agents', async () => {
    const stranger = await app.inject({ method: 'GET', url: '/api/accounts' });
    expect(stranger.statusCode).toBe(401);
    const issued = await app.inject({
      method: 'POST',
      url: '/api/tokens',
      headers: withCsrf(admin),
      payload: { name: 'pbx' },
    });
    const bearer = await app.inject({
      method: 'GET',
      url: '/api/accounts',
      headers: { authorization: `Bearer ${issued.json().token}` },
    });
    expect(bearer.statusCode).toBe(401);
    const agent = await login(app, 'carl', PASSWORD);
    expect((await api('GET', '/api/accounts', undefined, agent)).statusCode).toBe(403);
    // A change without the CSRF token is refused even for an admin.
    const forged = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: { cookie: admin },
      payload: { username: 'mallory', password: PASSWORD, role: 'admin' },
    });
    expect(forged.statusCode).toBe(403);
    expect((await accounts()).map((a) => a.username)).not.toContain('mallory');
  });
});

describeEachDatabase('the last-admin guard under concurrent changes', (db) => {
  let app: FastifyInstance;
  afterAll(async () => {
    await app.close();
  });

  it('lets only one of two admins demote the other at the same moment', async () => {
    ({ app } = await buildTestApp(db()));
    const admin = await login(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: withCsrf(admin),
      payload: { username: 'second', password: PASSWORD, role: 'admin' },
    });
    expect(created.statusCode).toBe(201);
    const second = await login(app, 'second', PASSWORD);
    const demote = (cookie: string, who: string) =>
      app.inject({
        method: 'PATCH',
        url: `/api/accounts/${who}`,
        headers: withCsrf(cookie),
        payload: { role: 'agent' },
      });
    const answers = await Promise.all([demote(admin, 'second'), demote(second, 'admin')]);
    // The loser is refused by the guard (409) or, when the winner committed before it signed in, as an agent (403).
    const statuses = answers.map((a) => a.statusCode);
    expect(
      statuses.filter((s) => s === 200),
      answers.map((a) => a.body).join('\n'),
    ).toHaveLength(1);
    expect([403, 409]).toContain(statuses.find((s) => s !== 200));
    const list = await app.inject({
      method: 'GET',
      url: '/api/accounts',
      headers: { cookie: answers[0]!.statusCode === 200 ? admin : second },
    });
    const admins = list.json().accounts.filter((a: { role: string }) => a.role === 'admin');
    expect(admins).toHaveLength(1);
  });
});
