/**
 * What several processes on one PostgreSQL tell each other (SPEC §12): each caches what the hot path
 * needs (the dictionary; the rules; accounts, sessions and tokens) and drops it when another
 * process changes it. After a change commits, a process NOTIFYs `{kind, origin}` on one channel; every
 * process LISTENs on a connection of its own and refreshes that cache on a notice from another origin.
 * A notice sent while a listening connection is down is lost, so the connection is reopened with a
 * backoff and everything is refreshed once it listens again, and a cheap fingerprint of the cached
 * tables is compared every 30 s as a backstop. PGlite is one process: there, nothing to do.
 */
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { FastifyBaseLogger } from 'fastify';
import postgres from 'postgres';
import { settledWithin } from '../settled-within.ts';
import type { Database } from './database.ts';

export const CHANGE_CHANNEL = 'ctihost_changes';
export const CHANGE_KINDS = ['dictionary', 'rules', 'accounts'] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

export type ChangeNotices = {
  /** Tells the other processes that `kind` changed; call it after the change has committed. */
  notify(kind: ChangeKind): void;
  close(): Promise<void>;
};

export type ChangeNoticeDeps = {
  database: Database;
  /** Where to open the listening connection: the URL the database was opened with. */
  url: string | undefined;
  /** Drops or reloads the cache of `kind`; called for another process's change. */
  refresh(kind: ChangeKind): Promise<unknown>;
  logger?: Pick<FastifyBaseLogger, 'warn' | 'debug'>;
  backstopMs?: number;
};

const NONE: ChangeNotices = { notify() {}, close: async () => {} };

/** One text per kind that changes whenever what its cache holds may have changed. */
const FINGERPRINTS = sql`select
  (select md5(coalesce(string_agg(t::text, '|' order by t.name), '')) from dict_tables t)
  || (select md5(coalesce(string_agg(c::text, '|' order by c.table_name, c.name), '')) from dict_columns c)
    as dictionary,
  (select md5(coalesce(string_agg(r.name || ':' || r.version || ':' || r.active || ':' || r.client_callable,
    '|' order by r.name), '')) from rules r) as rules,
  (select md5(coalesce(string_agg(a.id || ':' || a.password_hash || ':' || a.role || ':' || a.disabled,
    '|' order by a.id), '')) from accounts a)
  || (select md5(coalesce(string_agg(k.id || ':' || coalesce(k.revoked_at::text, ''), '|' order by k.id), ''))
    from api_tokens k)
  || (select count(*)::text from sessions) as accounts`;

/**
 * One notice from a process that keeps no caches (the CLI's `rules push`, `dictionary push`), so the
 * servers on the same PostgreSQL drop theirs at once. Nothing to do on PGlite (one process).
 */
export async function announceChange(database: Database, kind: ChangeKind): Promise<void> {
  if (database.kind !== 'postgres') return;
  await sendNotice(database, kind, `cli:${process.pid}:${randomUUID()}`);
}

/** The one NOTIFY every process sends; the listeners skip their own origin's. */
function sendNotice(database: Database, kind: ChangeKind, origin: string): Promise<unknown> {
  return database.rows(sql`select pg_notify(${CHANGE_CHANNEL}, ${JSON.stringify({ kind, origin })})`);
}

export function startChangeNotices(deps: ChangeNoticeDeps): ChangeNotices {
  if (deps.database.kind !== 'postgres' || !deps.url) return NONE;
  const { database, logger } = deps;
  /** Per set of services, not per pid: two sets in one process (the tests) are two origins. */
  const origin = `${process.pid}:${randomUUID()}`;
  const pending = new Set<Promise<unknown>>();
  let closed = false;

  const track = (work: Promise<unknown>) => {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  };

  // One refresh per kind at a time; a notice during one asks for another after it.
  const refreshing = new Map<ChangeKind, { again: boolean }>();
  function refresh(kind: ChangeKind): void {
    if (closed) return;
    const running = refreshing.get(kind);
    if (running) {
      running.again = true;
      return;
    }
    const state = { again: false };
    refreshing.set(kind, state);
    track(
      (async () => {
        try {
          do {
            state.again = false;
            await deps.refresh(kind);
          } while (state.again && !closed);
        } catch (error) {
          if (closed) return;
          // The cache stays as it was: try again shortly, or it would stay stale until the next change.
          logger?.warn({ err: error, kind }, 'change notices: refreshing the cache failed; retrying');
          setTimeout(() => refresh(kind), 1_000).unref();
        } finally {
          refreshing.delete(kind);
        }
      })(),
    );
  }

  function onNotice(payload: string): void {
    let notice: { kind?: unknown; origin?: unknown };
    try {
      notice = JSON.parse(payload) as typeof notice;
    } catch {
      return;
    }
    if (notice.origin === origin || closed) return;
    if (CHANGE_KINDS.includes(notice.kind as ChangeKind)) refresh(notice.kind as ChangeKind);
  }

  // `onnotify` is the driver's own hook for notices (its `listen` uses it) but missing from its types;
  // its `listen` re-listens once after a lost connection and gives up if that fails, hence this one.
  const options = {
    max: 1,
    // Never closed for age: LISTEN belongs to the session.
    max_lifetime: null,
    fetch_types: false,
    connect_timeout: 5,
    onnotice: () => {},
    onnotify: (channel: string, payload: string) => {
      if (channel === CHANGE_CHANNEL) onNotice(payload);
    },
    onclose: () => {
      if (!closed) relisten(true);
    },
  };
  const listener = postgres(deps.url, options);

  let listening = false;
  let retry: NodeJS.Timeout | undefined;
  let attempts = 0;
  /**
   * (Re)opens the listening connection, then refreshes everything once: whatever changed before it
   * listened (since the caches were loaded, or while it was down) sent notices nobody heard.
   */
  function relisten(lost: boolean): void {
    if (closed || retry) return;
    if (lost && listening) {
      listening = false;
      logger?.warn('change notices: the listening connection closed; reopening it');
    }
    const delay = attempts === 0 ? 0 : Math.min(100 * 2 ** attempts, 5_000);
    retry = setTimeout(() => {
      retry = undefined;
      attempts += 1;
      track(
        listener.unsafe(`listen ${CHANGE_CHANNEL}`).then(
          () => {
            if (closed) return;
            listening = true;
            attempts = 0;
            for (const kind of CHANGE_KINDS) refresh(kind);
          },
          (error: unknown) => {
            logger?.debug({ err: error }, 'change notices: cannot listen yet');
            relisten(false);
          },
        ),
      );
    }, delay);
    retry.unref();
  }
  relisten(false);

  let seen: Record<ChangeKind, string> | undefined;
  async function backstop(): Promise<void> {
    const [row] = await database.rows<Record<ChangeKind, string>>(FINGERPRINTS);
    if (!row || closed) return;
    const before = seen;
    seen = row;
    if (before) for (const kind of CHANGE_KINDS) if (before[kind] !== row[kind]) refresh(kind);
  }
  const check = () => {
    if (closed) return;
    track(
      backstop().catch((error: unknown) => logger?.debug({ err: error }, 'change notices: check failed')),
    );
  };
  check();
  const timer = setInterval(check, deps.backstopMs ?? 30_000);
  timer.unref();

  return {
    notify(kind) {
      if (closed) return;
      track(
        sendNotice(database, kind, origin).catch((error: unknown) =>
          logger?.warn({ err: error, kind }, 'change notices: could not tell the other processes'),
        ),
      );
    },
    async close() {
      if (closed) return;
      closed = true;
      clearInterval(timer);
      clearTimeout(retry);
      // Notices under way are sent; a refresh or check still waiting on a lost database is not awaited long.
      await settledWithin(Promise.allSettled([...pending]), 2_000);
      await listener.end({ timeout: 1 });
    },
  };
}
