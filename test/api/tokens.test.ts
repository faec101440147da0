/** The token API (SPEC §10): issued once with its secret, listed without it, revoked with 401 on /cti.do at once. */
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, login, withCsrf } from '../helpers/app.ts';
import { describeEachDatabase } from '../helpers/database.ts';

type Token = { id: string; name: string; createdAt: string; createdBy: string; revokedAt: string | null };

describeEachDatabase('the token API', (db) => {
  let app: FastifyInstance;
  let admin: string;
  beforeAll(async () => {
    ({ app } = await buildTestApp(db()));
    admin = await login(app);
  });
  afterAll(async () => {
    await app.close();
  });
  const api = (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url, headers: withCsrf(admin), ...(payload ? { payload } : {}) });
  const pop = (token: string) =>
    app.inject({
      method: 'GET',
      url: '/cti.do?sysparm_caller_phone=4155550142',
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });

  let issued: { id: string; name: string; token: string };

  it('issues a token whose secret is answered once and works on /cti.do', async () => {
    const response = await api('POST', '/api/tokens', { name: '  softphone  ' });
    expect(response.statusCode, response.body).toBe(201);
    issued = response.json();
    expect(issued).toEqual({
      id: expect.any(String),
      name: 'softphone',
      token: expect.stringMatching(/^cti_/),
    });
    const call = await pop(issued.token);
    expect(call.statusCode, call.body).toBe(200);
    expect(call.json()).toMatchObject({ rule: 'CTIProcessing', outcome: 'answer' });
  });

  it('lists tokens with who created them and when, never a secret or a hash', async () => {
    const list = await api('GET', '/api/tokens');
    expect(list.statusCode).toBe(200);
    expect(list.body).not.toContain(issued.token);
    const [hash] = await db().database.rows<{ h: string }>(
      sql`select token_hash as h from api_tokens where id = ${issued.id}`,
    );
    expect(list.body).not.toContain(hash!.h);
    const tokens: Token[] = list.json().tokens;
    expect(tokens.find((t) => t.id === issued.id)).toEqual({
      id: issued.id,
      name: 'softphone',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      createdBy: 'admin',
      revokedAt: null,
    });
    for (const token of tokens)
      expect(Object.keys(token).sort()).toEqual(['createdAt', 'createdBy', 'id', 'name', 'revokedAt']);
  });

  it('revokes a token: the very next call with it gets 401, and the list shows when', async () => {
    const other = (await api('POST', '/api/tokens', { name: 'pbx' })).json();
    const revoked = await api('DELETE', `/api/tokens/${issued.id}`);
    expect(revoked.statusCode, revoked.body).toBe(204);
    expect(revoked.body).toBe('');
    const call = await pop(issued.token);
    expect(call.statusCode).toBe(401);
    expect(call.json().error.code).toBe('UNAUTHORIZED');
    // Only that one: another token still pops.
    expect((await pop(other.token)).statusCode).toBe(200);
    const listed: Token[] = (await api('GET', '/api/tokens')).json().tokens;
    const entry = listed.find((t) => t.id === issued.id)!;
    expect(entry.revokedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    // Revoking again keeps the first time.
    expect((await api('DELETE', `/api/tokens/${issued.id}`)).statusCode).toBe(204);
    const again: Token[] = (await api('GET', '/api/tokens')).json().tokens;
    expect(again.find((t) => t.id === issued.id)!.revokedAt).toBe(entry.revokedAt);
  });

  it('answers 404 for an unknown id and 400 for one that is not an id', async () => {
    const unknown = await api('DELETE', '/api/tokens/00000000-0000-4000-8000-000000000000');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error.code).toBe('NOT_FOUND');
    const malformed = await api('DELETE', '/api/tokens/not-an-id');
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.message).toContain('params.id');
  });

  describe.each([
    [{}, 'body.name'],
    [{ name: '   ' }, 'body.name'],
    [{ name: 'x'.repeat(101) }, 'body.name'],
    [{ name: 'pbx', token: 'cti_chosen' }, 'body'],
  ])('refuses POST %j', (payload, field) => {
    it(`with 400 naming ${field}`, async () => {
      const response = await api('POST', '/api/tokens', payload);
      expect(response.statusCode, response.body).toBe(400);
      expect(response.json().error.message).toContain(field);
    });
  });

  it('is for admin sessions only: a token cannot issue or revoke tokens', async () => {
    const pbx = (await api('POST', '/api/tokens', { name: 'pbx-2' })).json();
    const bearer = { authorization: `Bearer ${pbx.token}` };
    expect((await app.inject({ method: 'GET', url: '/api/tokens', headers: bearer })).statusCode).toBe(401);
    expect(
      (await app.inject({ method: 'POST', url: '/api/tokens', headers: bearer, payload: { name: 'more' } }))
        .statusCode,
    ).toBe(401);
    expect(
      (await app.inject({ method: 'DELETE', url: `/api/tokens/${pbx.id}`, headers: bearer })).statusCode,
    ).toBe(401);
    expect((await pop(pbx.token)).statusCode).toBe(200);
  });
});
