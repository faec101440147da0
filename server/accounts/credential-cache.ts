/**
 * Who a token or a session cookie is, remembered so that a pop asks the database nothing about its
 * credential (SPEC §12: each process caches what the hot path needs). Every change to accounts,
 * sessions or tokens made through this process drops the whole cache at once and tells the other
 * processes (LISTEN/NOTIFY, server/db/change-notices.ts), which drop theirs: a revoked token or a
 * disabled account is refused everywhere within the notice's delay. Session entries also age out
 * after SESSION_ENTRY_MS, so an expired session is refused within that time even with no notice.
 */
import type { AccountService, Actor } from './accounts.ts';
import { sha256 } from './secrets.ts';

/** Unknown credentials are remembered too (a flood of bad tokens is answered from memory), up to this many entries. */
const MAX_ENTRIES = 10_000;
const SESSION_ENTRY_MS = 30_000;

type Entry = { actor: Promise<Actor | null>; until: number };

export type CredentialCache = {
  /** Drops everything remembered: after a change here (with `changed`) or another process's notice. */
  forgetCache(): void;
  /** A change to accounts, sessions or tokens was committed here: drop the cache, tell the others. */
  changed(): void;
};

export type CachedAccountService = AccountService & CredentialCache;

export function withCredentialCache(accounts: AccountService, onChange: () => void): CachedAccountService {
  const entries = new Map<string, Entry>();
  const forgetCache = () => entries.clear();
  const changed = () => {
    forgetCache();
    onChange();
  };

  function remembered(key: string, ttlMs: number, look: () => Promise<Actor | null>): Promise<Actor | null> {
    const now = performance.now();
    const entry = entries.get(key);
    if (entry && entry.until > now) return entry.actor;
    if (entries.size >= MAX_ENTRIES) entries.clear();
    const actor = look();
    const fresh: Entry = { actor, until: now + ttlMs };
    entries.set(key, fresh);
    // A failed lookup (the database is down) is not an answer to remember.
    actor.catch(() => {
      if (entries.get(key) === fresh) entries.delete(key);
    });
    return actor;
  }

  /** After a mutation resolves (committed), the cache is dropped and the others told. */
  const thenChanged =
    <A extends unknown[], R>(fn: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await fn(...args);
      changed();
      return result;
    };

  return {
    ...accounts,
    actorForToken: (secret) =>
      remembered(`t:${sha256(secret)}`, Number.POSITIVE_INFINITY, () => accounts.actorForToken(secret)),
    actorForSession: (cookie) =>
      remembered(`s:${sha256(cookie)}`, SESSION_ENTRY_MS, () => accounts.actorForSession(cookie)),
    issueToken: thenChanged(accounts.issueToken),
    revokeToken: thenChanged(accounts.revokeToken),
    endSession: thenChanged(accounts.endSession),
    forgetCache,
    changed,
  };
}
