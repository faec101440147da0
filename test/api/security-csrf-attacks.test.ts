/** What another site can make a signed-in browser send, beyond test/api/csrf.test.ts: nothing that counts. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { ADMIN_PASSWORD, buildTestApp, login } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

const EVIL = 'https://evil.example';

describeEachDatabase('cross-site requests a browser can be made to send', (db) => {
  let app: FastifyInstance;
  let cookie: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    cookie = await login(app);
  });
  afterAll(() => app.close());

  const stillSignedIn = async () =>
    (await app.inject({ url: '/api/session', headers: { cookie } })).statusCode === 200;

  it('cannot sign a browser in through the API with a form (login CSRF)', async () => {
    const fields = new URLSearchParams({ username: 'admin', password: ADMIN_PASSWORD }).toString();
    for (const contentType of ['application/x-www-form-urlencoded', 'text/plain']) {
      const response = await app.inject({
        method: 'POST',
        url: '/api/login',
        headers: { 'content-type': contentType, origin: EVIL },
        payload:
          contentType === 'text/plain'
            ? JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD })
            : fields,
      });
      expect([400, 415], `${contentType}: ${response.body}`).toContain(response.statusCode);
      expect(response.cookies).toHaveLength(0);
    }
  });

  it('cannot change anything through the API with a form post carrying the cookie', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/api/rules',
      headers: { cookie, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'name=Evil&script=answer%3D1&clientCallable=true&active=true',
    });
    expect([403, 415], response.body).toContain(response.statusCode);
    expect((await app.inject({ url: '/api/rules/Evil', headers: { cookie } })).statusCode).toBe(404);
  });

  it('cannot sign the browser out, through the API or the screens', async () => {
    const api = await app.inject({ method: 'POST', url: '/api/logout', headers: { cookie, origin: EVIL } });
    expect(api.statusCode, api.body).toBe(403);
    const screen = await app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie, origin: EVIL, 'content-type': 'application/x-www-form-urlencoded' },
      payload: '',
    });
    expect(screen.statusCode, screen.body).toBe(403);
    expect(await stillSignedIn()).toBe(true);
  });
});
