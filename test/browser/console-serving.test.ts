/**
 * How /admin is served (no browser): who gets the console, deep links, precompressed and cached
 * assets, the CSP, and a clear 503 when the console was never built.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliDecompressSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONSOLE_DIST } from '../../server/admin/console-files.ts';
import { adminConsoleRoutes } from '../../server/admin/routes.ts';
import { CONSOLE_CSP } from '../../server/admin/security-headers.ts';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';
import { ensureConsoleBuilt } from './harness.ts';

describeEachDatabase('serving the admin console', (db) => {
  let app: FastifyInstance;
  let admin: string;
  let agent: string;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    ({ app } = await buildTestApp(db()));
    admin = await login(app);
    const created = await app.inject({
      method: 'POST',
      url: '/api/accounts',
      headers: withCsrf(admin),
      payload: { username: 'agent.console', password: 'an agent password 1', role: 'agent' },
    });
    expect(created.statusCode, created.body).toBe(201);
    agent = await login(app, 'agent.console', 'an agent password 1');
  });
  afterAll(async () => {
    await app?.close();
  });

  it('sends a stranger to the login screen and back to the same /admin URL', async () => {
    const response = await app.inject({ url: '/admin/rules/CTIProcessing?x=1' });
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe(
      `/login?next=${encodeURIComponent('/admin/rules/CTIProcessing?x=1')}`,
    );
  });

  it('refuses an agent with a plain 403 page', async () => {
    const response = await app.inject({ url: '/admin', headers: { cookie: agent } });
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('text/html');
    expect(response.body).toContain('agent.console');
    expect(response.body).not.toContain('<script');
  });

  it.each(['/admin', '/admin/', '/admin/rules', '/admin/rules/CTIProcessing/history', '/admin/dry-run'])(
    'serves the app for %s (deep links load index.html), not cached, under the CSP',
    async (url) => {
      const response = await app.inject({ url, headers: { cookie: admin } });
      expect(response.statusCode, response.body).toBe(200);
      expect(response.headers['content-type']).toContain('text/html');
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.headers['content-security-policy']).toBe(CONSOLE_CSP);
      expect(response.body).toMatch(
        /<script type="module" crossorigin src="\/admin\/assets\/index-[\w-]+\.js">/,
      );
    },
  );

  it('sends the brotli copy of the index when the browser accepts it', async () => {
    const response = await app.inject({
      url: '/admin',
      headers: { cookie: admin, 'accept-encoding': 'gzip, br' },
    });
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers.vary).toContain('accept-encoding');
    expect(brotliDecompressSync(response.rawPayload).toString()).toContain('<div id="app">');
  });

  it('serves hashed assets precompressed with a year of immutable cache', async () => {
    const script = readdirSync(join(CONSOLE_DIST, 'assets')).find((f) => /^index-.*\.js$/.test(f))!;
    const response = await app.inject({
      url: `/admin/assets/${script}`,
      headers: { 'accept-encoding': 'br, gzip' },
    });
    expect(response.statusCode).toBe(200);
    expect(response.headers['content-encoding']).toBe('br');
    expect(response.headers['content-type']).toContain('javascript');
    expect(response.headers['cache-control']).toContain('immutable');
    expect(response.headers['cache-control']).toContain('max-age=31536000');
    const gzip = await app.inject({ url: `/admin/assets/${script}`, headers: { 'accept-encoding': 'gzip' } });
    expect(gzip.headers['content-encoding']).toBe('gzip');
  });

  it('answers 404 for an asset that does not exist, not the app', async () => {
    const response = await app.inject({ url: '/admin/assets/nope-123.js', headers: { cookie: admin } });
    expect(response.statusCode).toBe(404);
  });
});

describe('a console that was never built', () => {
  it('answers 503 naming the command that builds it', async () => {
    const app = Fastify();
    app.decorateRequest('actor', null);
    app.addHook('onRequest', async (request) => {
      request.actor = { kind: 'session', role: 'admin', username: 'admin', id: 'x' };
    });
    await adminConsoleRoutes(app, { dist: mkdtempSync(join(tmpdir(), 'ctihost-no-console-')) });
    const response = await app.inject({ url: '/admin/rules' });
    expect(response.statusCode).toBe(503);
    expect(response.body).toContain('npm run build:admin');
    await app.close();
  });
});
