/**
 * answerFrameworkError (server/http/error-handler.ts): fastify's own refusals of a URL (a broken
 * %-encoding, a path parameter past `maxParamLength`) in the one error body, which server/app.ts
 * passes as `frameworkErrors`. Here on a bare fastify with a short limit; the app's own routes are
 * in boundary-properties.test.ts (JSON) and below (a screen, as a page).
 */
import Fastify, { type FastifyInstance } from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { answerFrameworkError } from '../../server/http/error-handler.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { errorShapeProblem } from './boundary-checks.ts';

describe('fastify refusals of a URL, answered in the one error body', () => {
  const app = Fastify({ frameworkErrors: answerFrameworkError, routerOptions: { maxParamLength: 20 } });
  app.get('/api/things/:name', async () => ({ ok: true }));

  it.each([
    ['/api/things/%', 'broken %-encoding'],
    ['/api/things/%E0%A4%A', 'broken %-encoding'],
    [`/api/things/${'a'.repeat(21)}`, 'too long'],
  ])('answers %s with 400 BAD_REQUEST', async (url, said) => {
    const response = await app.inject({ method: 'GET', url, headers: { accept: 'text/html' } });
    expect(response.statusCode, response.body).toBe(400);
    expect(errorShapeProblem(response), response.body).toBeNull();
    expect(response.json().error).toEqual({ code: 'BAD_REQUEST', message: expect.stringContaining(said) });
  });

  it('leaves a good URL alone', async () => {
    const response = await app.inject({ method: 'GET', url: `/api/things/${'a'.repeat(20)}` });
    expect(response.statusCode).toBe(200);
  });
});

describeEachDatabase('fastify refusals of a URL in the app', (db) => {
  let app: FastifyInstance;
  let cookie: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    cookie = await login(app);
  });

  it('answers a browser with a page, not a JSON body', async () => {
    const response = await app.inject({
      method: 'GET',
      url: '/%E0%A4%A.do',
      headers: { cookie, accept: 'text/html' },
    });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    expect(response.body).toContain('broken %-encoding');
  });

  it('takes a path parameter as long as the longest username, and refuses a longer one', async () => {
    const fits = await app.inject({
      method: 'DELETE',
      url: `/api/accounts/${'a'.repeat(200)}`,
      headers: withCsrf(cookie),
    });
    expect(fits.statusCode, fits.body).toBe(404);
    const over = await app.inject({
      method: 'DELETE',
      url: `/api/accounts/${'a'.repeat(201)}`,
      headers: withCsrf(cookie),
    });
    expect(over.statusCode, over.body).toBe(400);
    expect(over.json().error).toEqual({ code: 'BAD_REQUEST', message: 'a part of the URL path is too long' });
  });
});
