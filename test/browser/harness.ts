/**
 * The browser tests' harness: the real app on a free port of 127.0.0.1 (its own test database),
 * Debian's Chromium through playwright-core, a sign-in through the real login screen, a guard
 * that fails the test when any request leaves 127.0.0.1, and screenshots of each screen.
 */
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildConsole } from '../../admin-ui/build-if-stale.ts';
import type { Services } from '../../server/services.ts';
import { ADMIN_PASSWORD, buildTestApp } from '../helpers/app.ts';
import type { TestDatabase } from '../helpers/database.ts';

export const CHROMIUM = '/usr/bin/chromium';
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
export const SCREENSHOTS = join(import.meta.dirname, '../../test-results/screenshots');

export type RunningApp = {
  app: FastifyInstance;
  services: Services;
  baseUrl: string;
  close(): Promise<void>;
};

/** Builds the console if it is stale (once for all test files: the build takes a lock). */
export async function ensureConsoleBuilt(): Promise<void> {
  await buildConsole({ quiet: true });
}

/** The real app listening on a free port of 127.0.0.1. */
export async function startApp(db: TestDatabase, env: Record<string, string> = {}): Promise<RunningApp> {
  const { app, services } = await buildTestApp(db, env);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = app.server.address() as AddressInfo;
  return { app, services, baseUrl: `http://127.0.0.1:${port}`, close: () => app.close() };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
}

/**
 * Every request the page (or its workers) makes: one to any host but 127.0.0.1 is aborted and
 * kept in `offHost`, which a test asserts empty.
 */
export type GuardedPage = { context: BrowserContext; page: Page; offHost: string[]; requests: string[] };

export async function openGuardedPage(browser: Browser): Promise<GuardedPage> {
  const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
  const offHost: string[] = [];
  const requests: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    requests.push(url);
    const { protocol, hostname } = new URL(url);
    if ((protocol === 'http:' || protocol === 'https:' || protocol === 'ws:') && hostname !== '127.0.0.1') {
      offHost.push(url);
      return route.abort('blockedbyclient');
    }
    return route.continue();
  });
  const page = await context.newPage();
  return { context, page, offHost, requests };
}

/** Signs in through the login screen, starting from `path` (which sends a stranger there and back). */
export async function signIn(
  page: Page,
  baseUrl: string,
  path = '/admin/rules',
  username = 'admin',
  password = ADMIN_PASSWORD,
): Promise<void> {
  await page.goto(baseUrl + path);
  await page.waitForURL(/\/login\?next=/);
  await page.fill('#username', username);
  await page.fill('#password', password);
  await Promise.all([page.waitForURL((url) => url.pathname !== '/login'), page.press('#password', 'Enter')]);
}

/** The signed-in session's cookie and CSRF header, for changes made behind the page's back. */
export async function sessionHeaders(context: BrowserContext): Promise<Record<string, string>> {
  const cookies = await context.cookies();
  const session = cookies.find((c) => c.name === 'ctihost_session');
  if (!session) throw new Error('not signed in');
  const { csrfTokenFor } = await import('../../server/http/csrf.ts');
  return { cookie: `ctihost_session=${session.value}`, 'x-csrf-token': csrfTokenFor(session.value) };
}

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
