/**
 * Managing accounts from the console (SPEC §10): list, create, reset a password, change a role,
 * disable, delete. The rules that keep the console reachable live here: there is always one active
 * admin left, and an admin cannot disable or delete the account they are signed in with.
 * Resetting a password or disabling an account ends its sessions in the same transaction, so the
 * very next request of a session that was open gets 401.
 */
import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.ts';
import { accounts, sessions } from '../db/schema.ts';
import { isUniqueViolation } from '../db/sql-state.ts';
import { AppError } from '../errors.ts';
import type { Role } from './accounts.ts';
import { hashPassword } from './secrets.ts';

export type AccountView = { username: string; role: Role; disabled: boolean; createdAt: string };
export type AccountChange = { password?: string; role?: Role; disabled?: boolean };

type AccountRow = typeof accounts.$inferSelect;

/** What a client may see of an account: never its hash, never its internal id. */
const toView = (row: AccountRow): AccountView => ({
  username: row.username,
  role: row.role,
  disabled: row.disabled,
  createdAt: row.createdAt.toISOString(),
});

/** Locks the active admins' rows (so two admins disabling each other at once cannot both succeed) and returns their names. */
async function lockActiveAdmins(tx: Db): Promise<string[]> {
  const rows = await tx
    .select({ username: accounts.username })
    .from(accounts)
    .where(and(eq(accounts.role, 'admin'), eq(accounts.disabled, false)))
    .for('update');
  return rows.map((row) => row.username);
}

async function mustFind(tx: Db, username: string): Promise<AccountRow> {
  const [row] = await tx.select().from(accounts).where(eq(accounts.username, username)).limit(1);
  if (!row) throw new AppError('NOT_FOUND', `no account named ${username}`);
  return row;
}

/** Refuses a change that would leave no active admin (the console would be locked for good). */
function keepAnAdmin(activeAdmins: string[], username: string, what: string): void {
  if (activeAdmins.includes(username) && activeAdmins.length === 1) {
    throw new AppError(
      'CONFLICT',
      `cannot ${what} ${username}: it is the last active admin; make another account an admin first`,
    );
  }
}

export function createAccountAdmin(deps: {
  database: { db: Db };
  /** The credential cache (credential-cache.ts): told after every committed change, so it drops what it holds. */
  accounts?: { changed(): void };
}) {
  const db = deps.database.db;
  const inTransaction = async <T>(fn: (tx: Db) => Promise<T>) => {
    const result = await db.transaction((tx) => fn(tx as unknown as Db));
    deps.accounts?.changed();
    return result;
  };

  return {
    async list(): Promise<AccountView[]> {
      const rows = await db.select().from(accounts).orderBy(asc(accounts.username));
      return rows.map(toView);
    },

    async create(input: { username: string; password: string; role: Role }): Promise<AccountView> {
      const taken = () => new AppError('CONFLICT', `an account named ${input.username} already exists`);
      const [existing] = await db
        .select({ id: accounts.id })
        .from(accounts)
        .where(eq(accounts.username, input.username))
        .limit(1);
      if (existing) throw taken();
      const passwordHash = await hashPassword(input.password);
      try {
        const [row] = await db
          .insert(accounts)
          .values({ username: input.username, passwordHash, role: input.role })
          .returning();
        return toView(row!);
      } catch (error) {
        // Another request created the same name between the check and the insert.
        if (isUniqueViolation(error)) throw taken();
        throw error;
      }
    },

    /** `by` is the signed-in admin making the change: they may not disable themselves. */
    async update(username: string, change: AccountChange, by: string): Promise<AccountView> {
      // Hashing is slow on purpose: done before the transaction, so no lock waits on it.
      const passwordHash = change.password !== undefined ? await hashPassword(change.password) : undefined;
      return inTransaction(async (tx) => {
        const activeAdmins = await lockActiveAdmins(tx);
        const current = await mustFind(tx, username);
        if (change.disabled === true && !current.disabled) {
          if (username === by)
            throw new AppError('CONFLICT', 'you cannot disable the account you are signed in with');
          keepAnAdmin(activeAdmins, username, 'disable');
        }
        if (change.role === 'agent' && current.role === 'admin') {
          keepAnAdmin(activeAdmins, username, 'demote');
        }
        const [row] = await tx
          .update(accounts)
          .set({
            ...(passwordHash !== undefined ? { passwordHash } : {}),
            ...(change.role !== undefined ? { role: change.role } : {}),
            ...(change.disabled !== undefined ? { disabled: change.disabled } : {}),
          })
          .where(eq(accounts.id, current.id))
          .returning();
        // A new password or a disabled account: whoever held a session of it is out at once.
        if (passwordHash !== undefined || change.disabled === true) {
          await tx.delete(sessions).where(eq(sessions.accountId, current.id));
        }
        return toView(row!);
      });
    },

    /**
     * Removes the account; its sessions go with it (ON DELETE CASCADE, and deleted here explicitly).
     * Nothing else references an account row: the history (rule versions, tokens, the call log)
     * records usernames as text, so it stays readable after the account is gone.
     */
    async remove(username: string, by: string): Promise<void> {
      await inTransaction(async (tx) => {
        const activeAdmins = await lockActiveAdmins(tx);
        const current = await mustFind(tx, username);
        if (username === by)
          throw new AppError('CONFLICT', 'you cannot delete the account you are signed in with');
        keepAnAdmin(activeAdmins, username, 'delete');
        await tx.delete(sessions).where(eq(sessions.accountId, current.id));
        await tx.delete(accounts).where(eq(accounts.id, current.id));
      });
    },
  };
}

export type AccountAdmin = ReturnType<typeof createAccountAdmin>;
