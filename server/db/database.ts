/**
 * One data model, two drivers: PGlite in a directory (the embedded default) or a PostgreSQL
 * server through the `postgres` driver. Everything above this file sees only `Database`.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import postgres from 'postgres';
import { preparedStatementRows } from './prepared-rows.ts';
import * as schema from './schema.ts';

export type Schema = typeof schema;
/** The drizzle database or a transaction of it: repositories accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Row = Record<string, unknown>;

export type DatabaseTarget =
  | { kind: 'pglite'; dataDir: string }
  | { kind: 'pglite-memory'; loadFrom?: Blob }
  | {
      kind: 'postgres';
      url: string;
      max?: number;
      /** Of the general pool's statements (DATABASE_STATEMENT_TIMEOUT_MS); 0 or absent: none. */
      statementTimeoutMs?: number;
    };

/**
 * The pool as far as the driver tells it: `postgres` reports connections that closed (lost, failed to
 * open, or ended at their lifetime), not open or busy ones.
 */
export type DatabaseStats = { maxConnections: number; connectionsClosed: number };

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly db: Db;
  /** Runs a statement built with drizzle's `sql` template (identifiers and values already safe) and returns its rows. */
  rows<T extends Row = Row>(query: SQL, on?: Db): Promise<T[]>;
  /**
   * Rows of statements that PostgreSQL stops after `timeoutMs` (SQLSTATE 57014), as prepared
   * statements: for the reads of rules, which must not outlive the run they were made for (the
   * sandbox stops a run at its wall limit, but the server would go on with its query, holding a
   * connection and a core). On PostgreSQL a pool of its own, made on first use, whose connections
   * carry the timeout; PGlite runs the statements as `rows` does and cannot stop one (it is one
   * engine in this process).
   */
  boundedRows(timeoutMs: number): Pick<Database, 'rows'>;
  /** Runs `fn` while holding a PostgreSQL advisory lock on a dedicated connection, so two processes never race. */
  withLock<T>(key: number, fn: (db: Db) => Promise<T>): Promise<T>;
  ping(): Promise<boolean>;
  stats(): DatabaseStats;
  /**
   * Replaces every pooled connection with new ones; for a pool a driver defect has left with a
   * connection that can never send again (server/ops/driver-defects.ts). A no-op for PGlite.
   */
  renewPool(): void;
  close(): Promise<void>;
  /** The PGlite instance, for tests that clone a prepared image. */
  readonly pglite?: PGlite;
}

/** pglite answers `{ rows }`, postgres-js an array: callers get plain rows either way. */
export function rowsOf<T = Row>(result: unknown): T[] {
  if (Array.isArray(result)) return result as T[];
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}

export async function openDatabase(target: DatabaseTarget): Promise<Database> {
  if (target.kind === 'postgres')
    return openPostgres(target.url, target.max ?? 10, target.statementTimeoutMs || undefined);
  let client: PGlite;
  if (target.kind === 'pglite') {
    mkdirSync(target.dataDir, { recursive: true });
    client = await PGlite.create({ dataDir: target.dataDir });
  } else {
    client = await PGlite.create(target.loadFrom ? { loadDataDir: target.loadFrom } : {});
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  const rows = async <T extends Row>(query: SQL, on: Db = db) => rowsOf<T>(await on.execute(query));
  return {
    kind: 'pglite',
    db,
    pglite: client,
    rows,
    async withLock(key, fn) {
      // PGlite is one connection in one process; the lock still guards against re-entrant misuse.
      await client.query('select pg_advisory_lock($1)', [key]);
      try {
        return await fn(db);
      } finally {
        await client.query('select pg_advisory_unlock($1)', [key]);
      }
    },
    async ping() {
      try {
        await client.query('select 1');
        return true;
      } catch {
        return false;
      }
    },
    boundedRows: () => ({ rows }),
    stats: () => ({ maxConnections: 1, connectionsClosed: 0 }),
    renewPool() {},
    async close() {
      if (!client.closed) await client.close();
    },
  };
}

/**
 * How a process's connections (DATABASE_POOL_MAX, at least 2) are shared: about a third, at least
 * two when there are three or more, for everything but rules' reads (the call log, accounts, rules,
 * screens, the API), the rest for the rules' reads once a sandbox reads (boundedRows), which under
 * load are most of the statements. The two never add up to more than `max`.
 */
export function splitPool(max: number): { general: number; rules: number } {
  const general = Math.max(1, Math.min(max - 1, Math.max(2, Math.ceil(max / 3))));
  return { general, rules: Math.max(1, max - general) };
}

function openPostgres(url: string, max: number, generalTimeoutMs: number | undefined): Database {
  let connectionsClosed = 0;
  const sizes = splitPool(max);
  const general = { max: sizes.general, statementTimeoutMs: generalTimeoutMs };
  const connect = (pool: { max: number; statementTimeoutMs?: number | undefined } = general) =>
    postgres(url, {
      max: pool.max,
      ...(pool.statementTimeoutMs !== undefined
        ? { connection: { statement_timeout: pool.statementTimeoutMs } }
        : {}),
      onnotice: () => {},
      onclose: () => {
        connectionsClosed += 1;
      },
      connect_timeout: 5,
      // The driver waits before it reconnects a connection that failed, up to 20 s by default, and a
      // query given to that connection waits with it: after an outage, calls would hang long after the
      // server is back. ctihost answers 503 without the database while it is down (server/ops), so
      // reconnects need no such shield: retry within a second.
      backoff: (retries: number) => (0.5 + Math.random() / 2) * Math.min(0.05 * 2 ** retries, 1),
      // Business rows carry dates as ISO strings and bigints as numbers-in-strings; keep driver defaults.
    });
  const first = connect();
  let client = first;
  // drizzle keeps the client it is given and calls only `unsafe` and `begin` on it (and sets its
  // parsers once, on `first`): this stand-in hands both to the current pool, so `renewPool` can replace
  // the pool under the one drizzle instance everything holds.
  const current = {
    options: first.options,
    unsafe: (...args: Parameters<typeof client.unsafe>) => client.unsafe(...args),
    begin: (...args: Parameters<typeof client.begin>) => client.begin(...args),
  } as unknown as typeof client;
  const db = drizzlePostgres(current, { schema }) as unknown as Db;
  const rows = async <T extends Row>(query: SQL, on: Db = db) => rowsOf<T>(await on.execute(query));
  /** Pools whose statements carry a timeout, by the timeout (one in practice: the sandbox's). */
  const bounded = new Map<number, postgres.Sql>();
  const withParsers = (pool: postgres.Sql) => {
    Object.assign(pool.options.parsers, first.options.parsers);
    Object.assign(pool.options.serializers, first.options.serializers);
    return pool;
  };
  return {
    kind: 'postgres',
    db,
    rows,
    boundedRows(timeoutMs) {
      const pool = () => {
        let made = bounded.get(timeoutMs);
        if (!made) {
          made = withParsers(connect({ max: sizes.rules, statementTimeoutMs: timeoutMs }));
          bounded.set(timeoutMs, made);
        }
        return made;
      };
      return {
        rows: <T extends Row>(query: SQL, on?: Db) =>
          on && on !== db ? rows<T>(query, on) : preparedStatementRows<T>(pool(), query),
      };
    },
    renewPool() {
      const old = [client, ...bounded.values()];
      client = withParsers(connect());
      for (const timeoutMs of [...bounded.keys()])
        bounded.set(timeoutMs, withParsers(connect({ max: sizes.rules, statementTimeoutMs: timeoutMs })));
      // At once: a query left on the broken connection would wait for the connect timeout. What else
      // runs on the old pool fails as CONNECTION_DESTROYED (a 503); the database was failing anyway.
      for (const pool of old) pool.end({ timeout: 0 }).catch(() => {});
    },
    async withLock(key, fn) {
      // A dedicated one-connection client: the advisory lock belongs to a session, and the pool would
      // hand the statements inside `fn` to other connections. Locked work (migrations, DDL) is rare.
      const locked = postgres(url, { max: 1, onnotice: () => {}, connect_timeout: 5 });
      try {
        await locked`select pg_advisory_lock(${key})`;
        try {
          return await fn(drizzlePostgres(locked, { schema }) as unknown as Db);
        } finally {
          await locked`select pg_advisory_unlock(${key})`;
        }
      } finally {
        await locked.end({ timeout: 5 });
      }
    },
    async ping() {
      try {
        await client`select 1`;
        return true;
      } catch {
        return false;
      }
    },
    stats: () => ({ maxConnections: max, connectionsClosed }),
    async close() {
      await Promise.all([client, ...bounded.values()].map((pool) => pool.end({ timeout: 5 })));
    },
  };
}
