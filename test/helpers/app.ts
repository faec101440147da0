/** Builds the real app around a test database; requests go through `app.inject()`, no port opened. */
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../server/app.ts';
import { loadConfig } from '../../server/config/env.ts';
import { closeServices, createServices } from '../../server/create-services.ts';
import { CSRF_HEADER, csrfTokenFor } from '../../server/http/csrf.ts';
import type { Services } from '../../server/services.ts';
import type { TestDatabase } from './database.ts';

export const ADMIN_PASSWORD = 'correct horse battery staple';

/** The app and its services; closing the app closes the sandbox's isolates too. */
export async function buildTestApp(
  db: TestDatabase,
  env: Record<string, string> = {},
): Promise<{ app: FastifyInstance; services: Services }> {
  const config = loadConfig({ LOG_LEVEL: 'silent', ...env });
  const services = createServices(config, db.database, db.dictionary);
  if ((await services.accounts.count()) === 0)
    await services.accounts.create('admin', ADMIN_PASSWORD, 'admin');
  const app = await buildApp(services);
  app.addHook('onClose', () => closeServices(services));
  return { app, services };
}

/** Logs in and returns the Cookie header value for later requests. */
export async function login(
  app: FastifyInstance,
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<string> {
  const response = await app.inject({ method: 'POST', url: '/api/login', payload: { username, password } });
  if (response.statusCode !== 200) throw new Error(`login failed: ${response.statusCode} ${response.body}`);
  const cookie = response.cookies.find((c) => c.name === 'ctihost_session');
  return `ctihost_session=${cookie!.value}`;
}

/** The headers of a signed-in change: the session cookie and its CSRF token (server/http/csrf.ts). */
export function withCsrf(cookie: string): { cookie: string; [CSRF_HEADER]: string } {
  const value = cookie.split(';')[0]!.split('=').slice(1).join('=');
  return { cookie, [CSRF_HEADER]: csrfTokenFor(value) };
}
