/**
 * Two server processes on one PostgreSQL (SPEC §12), as behind a load balancer without sticky
 * sessions: real processes on two ports, driven only through HTTP, so this holds whatever each caches.
 * A session made on one works on the other; a rule saved, a token revoked or an account disabled
 * through one takes effect on the other within a second. PostgreSQL only: PGlite is one process.
 */
import postgres from 'postgres';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { withCsrf } from '../helpers/app.ts';
import { DATABASE_KINDS } from '../helpers/database.ts';
import { withDatabase } from '../helpers/global-setup.ts';
import {
  createRule,
  killLeftovers,
  loginCookie,
  type RunningServer,
  startServer,
} from './helpers/server-process.ts';

const url = process.env.TEST_DATABASE_URL;
const WITHIN_MS = 1000;

/** Polls `check` every 20 ms until it holds; how long after `since` it first held (throws after 5 s). */
async function heldAfter(since: number, check: () => Promise<boolean>): Promise<number> {
  for (;;) {
    if (await check()) return performance.now() - since;
    if (performance.now() - since > 5000) throw new Error('not seen within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function csrfOf(base: string, cookie: string): Promise<string> {
  const response = await fetch(`${base}/api/session`, { headers: { cookie } });
  return ((await response.json()) as { csrfToken: string }).csrfToken;
}

/** A change made with a session cookie, its CSRF token asked of the same process. */
async function change(base: string, cookie: string, method: string, path: string, body: unknown) {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      cookie,
      'x-csrf-token': await csrfOf(base, cookie),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text ? JSON.parse(text) : null };
}

async function cti(base: string, query: string, token: string) {
  const response = await fetch(`${base}/cti.do?${query}`, {
    headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
  });
  const text = await response.text();
  return {
    status: response.status,
    answer: response.ok ? (JSON.parse(text) as { answer: string }).answer : text,
  };
}

const ruleAnswering = (text: string) =>
  `answer = '/incident.do?sys_id=-1&sysparm_query=short_description=${text}';`;
const answerOf = (text: string) => `/incident.do?sys_id=-1&sysparm_query=short_description=${text}`;

describe.runIf(DATABASE_KINDS.includes('postgres'))(
  'two processes on one PostgreSQL [real processes]',
  () => {
    const name = `ctihost_two_${process.pid}`;
    let a: RunningServer;
    let b: RunningServer;
    let cookieA: string;

    beforeAll(async () => {
      const admin = postgres(url!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.unsafe(`create database ${name} template ${inject('postgresTemplate')!}`);
      await admin.end();
      const env = { DATABASE_URL: withDatabase(url!, name) };
      // One after the other: the first start (admin, token) is made by the first.
      a = await startServer(env);
      b = await startServer(env);
      expect(a.base).not.toBe(b.base);
      cookieA = await loginCookie(a.base);
    }, 90_000);

    afterAll(async () => {
      killLeftovers();
      const admin = postgres(url!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    });

    it('accepts on one process a session made on the other, for reads and for changes', async () => {
      const session = await fetch(`${b.base}/api/session`, { headers: { cookie: cookieA } });
      expect(session.status).toBe(200);
      expect(await session.json()).toMatchObject({ username: 'admin', role: 'admin' });
      // The CSRF token A gave is good on B as well: it is derived from the cookie, not kept by a process.
      const login = await fetch(`${a.base}/api/session`, { headers: { cookie: cookieA } });
      const { csrfToken } = (await login.json()) as { csrfToken: string };
      const created = await fetch(`${b.base}/api/rules`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie: cookieA, 'x-csrf-token': csrfToken },
        body: JSON.stringify({
          name: 'MadeOnB',
          script: ruleAnswering('b'),
          clientCallable: true,
          active: true,
        }),
      });
      expect(created.status, await created.clone().text()).toBe(201);
      // And a session made on B, logged out on B, is refused on A within the same second.
      const cookieB = await loginCookie(b.base);
      const sessionOnA = () => fetch(`${a.base}/api/session`, { headers: { cookie: cookieB } });
      expect((await sessionOnA()).status).toBe(200);
      const logout = await fetch(`${b.base}/api/logout`, { method: 'POST', headers: withCsrf(cookieB) });
      expect(logout.status).toBe(200);
      const at = performance.now();
      const refused = await heldAfter(at, async () => (await sessionOnA()).status === 401);
      expect(refused).toBeLessThan(WITHIN_MS);
    });

    it(`runs on one process a rule saved through the other within ${WITHIN_MS} ms`, async () => {
      const token = await issueToken('rule-test');
      await createRule(a.base, cookieA, {
        name: 'Twin',
        script: ruleAnswering('first'),
        clientCallable: true,
      });
      const query = 'sysparm_cti_rule=Twin';
      const created = performance.now();
      const seen = await heldAfter(
        created,
        async () => (await cti(b.base, query, token)).answer === answerOf('first'),
      );
      expect(seen).toBeLessThan(WITHIN_MS);
      // B has run it (and may hold it compiled): a new version saved through A replaces it on B.
      for (let i = 0; i < 5; i++) expect((await cti(b.base, query, token)).answer).toBe(answerOf('first'));
      const saved = await change(a.base, cookieA, 'PUT', '/api/rules/Twin', {
        script: ruleAnswering('second'),
        version: 1,
      });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      const at = performance.now();
      const updated = await heldAfter(
        at,
        async () => (await cti(b.base, query, token)).answer === answerOf('second'),
      );
      expect(updated).toBeLessThan(WITHIN_MS);
      // Deactivated through A: B no longer runs it.
      const off = await change(a.base, cookieA, 'PATCH', '/api/rules/Twin', { active: false });
      expect(off.status, JSON.stringify(off.body)).toBe(200);
      const offAt = performance.now();
      const stopped = await heldAfter(
        offAt,
        async () => (await cti(b.base, query, token)).answer !== answerOf('second'),
      );
      expect(stopped).toBeLessThan(WITHIN_MS);
    });

    it(`refuses on one process a token revoked on the other within ${WITHIN_MS} ms`, async () => {
      const created = await change(a.base, cookieA, 'POST', '/api/tokens', { name: 'revoked-twice-over' });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const { id, token } = created.body as { id: string; token: string };
      // Used on B first, so B has seen (and may cache) it as valid.
      for (let i = 0; i < 5; i++) expect((await cti(b.base, '', token)).status).toBe(200);
      const revoked = await change(a.base, cookieA, 'DELETE', `/api/tokens/${id}`, undefined);
      expect(revoked.status).toBe(204);
      const at = performance.now();
      const refused = await heldAfter(at, async () => (await cti(b.base, '', token)).status === 401);
      expect(refused).toBeLessThan(WITHIN_MS);
      expect((await cti(a.base, '', token)).status).toBe(401);
    });

    it(`refuses on one process the session of an account disabled on the other within ${WITHIN_MS} ms`, async () => {
      const password = 'a long enough agent password';
      const created = await change(a.base, cookieA, 'POST', '/api/accounts', {
        username: 'twin.agent',
        password,
        role: 'agent',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const login = await fetch(`${b.base}/api/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: 'twin.agent', password }),
      });
      expect(login.status).toBe(200);
      const agentCookie = login.headers.get('set-cookie')!.split(';')[0]!;
      const sessionOnB = () => fetch(`${b.base}/api/session`, { headers: { cookie: agentCookie } });
      for (let i = 0; i < 5; i++) expect((await sessionOnB()).status).toBe(200);
      const disabled = await change(a.base, cookieA, 'PATCH', '/api/accounts/twin.agent', { disabled: true });
      expect(disabled.status, JSON.stringify(disabled.body)).toBe(200);
      const at = performance.now();
      const refused = await heldAfter(at, async () => (await sessionOnB()).status === 401);
      expect(refused).toBeLessThan(WITHIN_MS);
      // And a popped screen, which an agent's browser opens with that cookie, is refused too.
      const screen = await fetch(`${b.base}/incident.do?sys_id=-1`, {
        headers: { cookie: agentCookie },
        redirect: 'manual',
      });
      expect(screen.status).not.toBe(200);
    });

    async function issueToken(tokenName: string): Promise<string> {
      const created = await change(a.base, cookieA, 'POST', '/api/tokens', { name: tokenName });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      return (created.body as { token: string }).token;
    }
  },
);
