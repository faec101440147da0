import type { FastifyInstance } from 'fastify';
import { beforeAll, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const RULE = {
  name: 'CsrfProbe',
  script: "answer = '/incident.do?sys_id=-1';",
  clientCallable: true,
  active: true,
};

describeEachDatabase('CSRF protection of cookie-authenticated changes', (db) => {
  let app: FastifyInstance;
  let services: Services;
  let cookie: string;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    cookie = await login(app);
  });

  it('refuses a change made with the session cookie alone, and makes nothing', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/rules',
      headers: { cookie },
      payload: RULE,
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('CSRF');
    expect(response.json().error.message).toContain('x-csrf-token');
    const rule = await app.inject({ url: `/api/rules/${RULE.name}`, headers: { cookie } });
    expect(rule.statusCode).toBe(404);
  });

  it('refuses a wrong token, and the token of another session', async () => {
    const other = await login(app);
    for (const token of ['nope', withCsrf(other)['x-csrf-token']]) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/rules',
        headers: { cookie, 'x-csrf-token': token },
        payload: RULE,
      });
      expect(response.statusCode).toBe(403);
    }
  });

  it('accepts the token GET /api/session gives, and the one login answers with', async () => {
    const session = await app.inject({ url: '/api/session', headers: { cookie } });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ username: 'admin', role: 'admin' });
    expect(session.json().csrfToken).toBe(withCsrf(cookie)['x-csrf-token']);
    const response = await app.inject({
      method: 'POST',
      url: '/api/rules',
      headers: { cookie, 'x-csrf-token': session.json().csrfToken },
      payload: RULE,
    });
    expect(response.statusCode, response.body).toBe(201);

    const loggedIn = await app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'admin', password: 'correct horse battery staple' },
    });
    const fresh = loggedIn.cookies.find((c) => c.name === 'ctihost_session')!.value;
    expect(loggedIn.json().csrfToken).toBe(withCsrf(`ctihost_session=${fresh}`)['x-csrf-token']);
  });

  it('asks nothing of a Bearer token, which no browser sends by itself', async () => {
    const { token } = await services.accounts.issueToken('csrf-probe', 'admin');
    const response = await app.inject({
      method: 'POST',
      url: '/api/dry-run',
      headers: { authorization: `Bearer ${token}` },
      payload: { script: "answer = '/x.do';", params: {} },
    });
    expect(response.json().error?.code).not.toBe('CSRF');
  });

  it('refuses a screen form posted without its hidden _csrf field', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(response.statusCode).toBe(403);
    const still = await app.inject({ url: '/api/session', headers: { cookie } });
    expect(still.statusCode).toBe(200);
  });

  it('puts the token in every form of a screen', async () => {
    const page = await app.inject({
      url: '/incident.do?sys_id=-1',
      headers: { cookie, accept: 'text/html' },
    });
    const forms = page.body.match(/<form method="post"/g) ?? [];
    const fields = page.body.match(/name="_csrf" value="([^"]+)"/g) ?? [];
    expect(forms.length).toBeGreaterThan(0);
    expect(fields.length).toBe(forms.length);
    expect(page.body).toContain(`value="${withCsrf(cookie)['x-csrf-token']}"`);
  });
});
