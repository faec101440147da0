/** Signing agents in for the screens: the redirect to /login and back, and what stays closed. */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Services } from '../../server/services.ts';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { ABEL, browser } from './helpers.ts';

describeEachDatabase('screen sign-in', (db) => {
  let app: FastifyInstance;
  let services: Services;
  beforeAll(async () => {
    ({ app, services } = await buildTestApp(db()));
    await services.accounts.create('agent.bob', 'agent password 2', 'agent');
  });
  afterAll(() => app.close());

  const signIn = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(fields).toString(),
    });
  const cookieOf = (response: Awaited<ReturnType<typeof signIn>>) => {
    const cookie = response.cookies.find((c) => c.name === 'ctihost_session');
    return cookie ? `ctihost_session=${cookie.value}` : null;
  };

  const screen = `/sys_user.do?sys_id=${ABEL}&sysparm_view=cti`;

  it('sends a browser without a session to /login and back to the same URL', async () => {
    const first = await app.inject({ method: 'GET', url: screen });
    expect(first.statusCode).toBe(302);
    expect(first.headers.location).toBe(`/login?next=${encodeURIComponent(screen)}`);

    const form = await app.inject({ method: 'GET', url: String(first.headers.location) });
    expect(form.statusCode).toBe(200);
    expect(form.body).toContain(
      `<input type="hidden" name="next" value="${screen.replaceAll('&', '&amp;')}">`,
    );
    expect(form.body).toContain('<label for="username">Username</label>');

    const signedIn = await signIn({ username: 'agent.bob', password: 'agent password 2', next: screen });
    expect(signedIn.statusCode, signedIn.body).toBe(303);
    expect(signedIn.headers.location).toBe(screen);
    const cookie = signedIn.cookies.find((c) => c.name === 'ctihost_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });

    const back = await browser(app, cookieOf(signedIn)!).get(screen);
    expect(back.statusCode).toBe(200);
    expect(back.body).toContain('Abel Tuter');
    expect(back.body).toContain('<span>agent.bob</span>');
  });

  it('lets an admin session view screens too', async () => {
    const signedIn = await signIn({ username: 'admin', password: ADMIN_PASSWORD, next: screen });
    expect(signedIn.statusCode).toBe(303);
    expect((await browser(app, cookieOf(signedIn)!).get(screen)).statusCode).toBe(200);
  });

  it('re-renders the form for a wrong password, with 401 and no cookie', async () => {
    const response = await signIn({ username: 'agent.bob', password: 'wrong', next: screen });
    expect(response.statusCode).toBe(401);
    expect(response.body).toContain('invalid username or password');
    expect(response.body).toContain('value="agent.bob"');
    expect(response.body).not.toContain('wrong');
    expect(cookieOf(response)).toBeNull();
    const unknown = await signIn({ username: 'ghost', password: 'wrong' });
    expect(unknown.statusCode).toBe(401);
    expect(unknown.body).toContain('invalid username or password');
  });

  it('asks again for an empty username or password', async () => {
    const response = await signIn({ username: '', password: '' });
    expect(response.statusCode).toBe(400);
    expect(response.body).toContain('enter your username and password');
  });

  describe('next is only ever a path of this site', () => {
    it.each([
      ['//evil.example', '/'],
      ['//evil.example/x', '/'],
      ['https://evil.example/', '/'],
      ['javascript:alert(1)', '/'],
      ['/\\evil.example', '/'],
      ['/%0d%0aSet-Cookie:x', '/%0d%0aSet-Cookie:x'],
      ['/\r\nx', '/'],
      ['evil', '/'],
      ['', '/'],
      ['/incident.do?sys_id=-1&sysparm_query=priority=1', '/incident.do?sys_id=-1&sysparm_query=priority=1'],
    ])('next=%j goes to %j', async (next, expected) => {
      const response = await signIn({ username: 'agent.bob', password: 'agent password 2', next });
      expect(response.statusCode).toBe(303);
      expect(response.headers.location).toBe(expected);
      const form = await app.inject({ method: 'GET', url: `/login?next=${encodeURIComponent(next)}` });
      expect(form.body).toContain(`name="next" value="${expected.replaceAll('&', '&amp;')}"`);
    });
  });

  it('signs out: the session no longer opens screens', async () => {
    const signedIn = await signIn({ username: 'agent.bob', password: 'agent password 2' });
    const b = browser(app, cookieOf(signedIn)!);
    expect((await b.get(screen)).statusCode).toBe(200);
    const out = await b.post('/logout', {});
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe('/login');
    expect((await b.get(screen)).statusCode).toBe(302);
  });

  it('does not open screens for an API token, nor for a posted form without a session', async () => {
    const { token } = await services.accounts.issueToken('softphone', 'admin');
    const withToken = await app.inject({
      method: 'GET',
      url: screen,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(withToken.statusCode).toBe(401);
    expect(withToken.body).not.toContain('Abel Tuter');
    const posted = await app.inject({
      method: 'POST',
      url: '/incident.do',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: 'short_description=Anonymous',
    });
    expect(posted.statusCode).toBe(303);
    expect(String(posted.headers.location)).toMatch(/^\/login\?next=/);
    expect(await services.reader.count({ table: 'incident', query: 'short_description=Anonymous' })).toBe(0);
  });

  it('refuses a sign-in posted from another site', async () => {
    const response = await signIn(
      { username: 'agent.bob', password: 'agent password 2' },
      { origin: 'https://evil.example' },
    );
    expect(response.statusCode).toBe(403);
    expect(cookieOf(response)).toBeNull();
  });

  it('sends pages that run no script and are not cached', async () => {
    const response = await app.inject({ method: 'GET', url: '/login' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('name="next" value="/"');
    expect(response.headers['content-security-policy']).toContain("default-src 'none'");
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body).not.toMatch(/<script|https?:\/\//);
  });
});
