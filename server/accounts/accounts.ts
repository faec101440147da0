/** Accounts, sessions and API tokens: the repository and the rules around them. */
import { and, asc, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { accounts, apiTokens, sessions } from '../db/schema.ts';
import { decoyHash, hashPassword, newSecret, sha256, verifyPassword } from './secrets.ts';

export type Role = 'admin' | 'agent';
export type Actor = { kind: 'session' | 'token'; id: string; username: string; role: Role };

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
export const SESSION_PREFIX = 'cts_';
export const TOKEN_PREFIX = 'cti_';

export function createAccountService(db: Db) {
  return {
    async create(username: string, password: string, role: Role) {
      const [row] = await db
        .insert(accounts)
        .values({ username, passwordHash: await hashPassword(password), role })
        .returning({ id: accounts.id, username: accounts.username, role: accounts.role });
      return row!;
    },

    async count(): Promise<number> {
      const rows = await db.select({ id: accounts.id }).from(accounts).limit(1);
      return rows.length;
    },

    /** The same answer, and about the same time, for an unknown user, a wrong password and a disabled account. */
    async authenticate(username: string, password: string): Promise<Actor | null> {
      const [row] = await db.select().from(accounts).where(eq(accounts.username, username)).limit(1);
      if (!row) {
        await verifyPassword(password, await decoyHash());
        return null;
      }
      const ok = await verifyPassword(password, row.passwordHash);
      if (!ok || row.disabled) return null;
      return { kind: 'session', id: row.id, username: row.username, role: row.role };
    },

    async startSession(accountId: string): Promise<{ cookie: string; expiresAt: Date }> {
      const cookie = newSecret(SESSION_PREFIX);
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      await db.insert(sessions).values({ tokenHash: sha256(cookie), accountId, expiresAt });
      return { cookie, expiresAt };
    },

    async endSession(cookie: string): Promise<void> {
      await db.delete(sessions).where(eq(sessions.tokenHash, sha256(cookie)));
    },

    async actorForSession(cookie: string): Promise<Actor | null> {
      if (!cookie.startsWith(SESSION_PREFIX) || cookie.length > 100) return null;
      const [row] = await db
        .select({
          id: accounts.id,
          username: accounts.username,
          role: accounts.role,
          disabled: accounts.disabled,
        })
        .from(sessions)
        .innerJoin(accounts, eq(sessions.accountId, accounts.id))
        .where(and(eq(sessions.tokenHash, sha256(cookie)), gt(sessions.expiresAt, new Date())))
        .limit(1);
      if (!row || row.disabled) return null;
      return { kind: 'session', id: row.id, username: row.username, role: row.role };
    },

    async issueToken(name: string, createdBy: string, secret = newSecret(TOKEN_PREFIX)) {
      const [row] = await db
        .insert(apiTokens)
        .values({ name, tokenHash: sha256(secret), createdBy })
        .returning({ id: apiTokens.id, name: apiTokens.name });
      return { ...row!, token: secret };
    },

    async tokenCount(): Promise<number> {
      const rows = await db.select({ id: apiTokens.id }).from(apiTokens).limit(1);
      return rows.length;
    },

    /** Every token, revoked ones included (the console shows when they were revoked); never a secret or its hash. */
    async listTokens() {
      const rows = await db
        .select({
          id: apiTokens.id,
          name: apiTokens.name,
          createdAt: apiTokens.createdAt,
          createdBy: apiTokens.createdBy,
          revokedAt: apiTokens.revokedAt,
        })
        .from(apiTokens)
        .orderBy(asc(apiTokens.createdAt), asc(apiTokens.id));
      return rows.map((row) => ({
        ...row,
        createdAt: row.createdAt.toISOString(),
        revokedAt: row.revokedAt?.toISOString() ?? null,
      }));
    },

    /**
     * Revokes a token: from the next request on, actorForToken no longer finds it. With actorForToken,
     * the only way tokens are checked or revoked (a cache around the two must see every revocation).
     * False for an unknown id; revoking twice keeps the first time.
     */
    async revokeToken(id: string): Promise<boolean> {
      const rows = await db
        .update(apiTokens)
        .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
        .where(eq(apiTokens.id, id))
        .returning({ id: apiTokens.id });
      return rows.length > 0;
    },

    /** A telephony client's bearer token: it may pop screens (agent role), never administer. */
    async actorForToken(secret: string): Promise<Actor | null> {
      if (secret.length > 200) return null;
      const [row] = await db
        .select({ id: apiTokens.id, name: apiTokens.name })
        .from(apiTokens)
        .where(and(eq(apiTokens.tokenHash, sha256(secret)), isNull(apiTokens.revokedAt)))
        .limit(1);
      if (!row) return null;
      return { kind: 'token', id: row.id, username: `token:${row.name}`, role: 'agent' };
    },
  };
}

export type AccountService = ReturnType<typeof createAccountService>;
