/**
 * One process owns a PGlite data directory (SPEC §12): PGlite is a single-user PostgreSQL, and two
 * processes writing the same files corrupt them. The owner holds `ctihost.lock` in the directory,
 * created whole and exclusively (written aside, then hard-linked into place) with its pid and host.
 * A lock whose pid is dead (a crashed owner) is stale and taken over; the owner removes it on exit.
 */

import { linkSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';

export const LOCK_FILE = 'ctihost.lock';

type Owner = { pid: number; host: string };

export class DataDirLockedError extends Error {
  override name = 'DataDirLockedError';
  readonly dataDir: string;
  readonly owner: Owner;

  constructor(dataDir: string, owner: Owner) {
    const who = owner.host === hostname() ? `pid ${owner.pid}` : `pid ${owner.pid} on ${owner.host}`;
    super(
      `the data directory ${dataDir} is in use by another ctihost process (${who}): stop that process ` +
        `first, or give this one another DATA_DIR (or a DATABASE_URL for processes that share a database); ` +
        `if no such process runs, delete ${join(dataDir, LOCK_FILE)}`,
    );
    this.dataDir = dataDir;
    this.owner = owner;
  }
}

export type DataDirLock = { readonly path: string; release(): void };

/** Whether a pid is a running process: signal 0 tests without sending; EPERM means it runs as someone else. */
export function pidIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): Owner | null {
  try {
    const parsed = JSON.parse(readFileSync(path, 'utf8')) as Partial<Owner>;
    if (Number.isInteger(parsed.pid) && typeof parsed.host === 'string')
      return { pid: parsed.pid!, host: parsed.host };
  } catch {
    // Missing, half-written or not ours: no owner to respect.
  }
  return null;
}

/** Creates the lock whole or not at all: written aside, then hard-linked into place (fails if it exists). */
function create(path: string, me: Owner): boolean {
  const temporary = `${path}.${me.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(me), { mode: 0o644 });
  try {
    linkSync(temporary, path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    rmSync(temporary, { force: true });
  }
}

export function acquireDataDirLock(
  dataDir: string,
  options: { pid?: number; isAlive?: (pid: number) => boolean } = {},
): DataDirLock {
  const dir = resolve(dataDir);
  const path = join(dir, LOCK_FILE);
  const me: Owner = { pid: options.pid ?? process.pid, host: hostname() };
  const isAlive = options.isAlive ?? pidIsAlive;
  /** A lock held by someone else who still runs; another host's pid cannot be checked, so it counts as held. */
  const holds = (owner: Owner | null): owner is Owner =>
    owner !== null && (owner.host !== me.host || (owner.pid !== me.pid && isAlive(owner.pid)));
  mkdirSync(dir, { recursive: true });

  for (let attempt = 0; attempt < 3; attempt++) {
    if (create(path, me)) {
      return {
        path,
        release() {
          // Only our own lock: after a takeover by someone else, theirs stays.
          const owner = readOwner(path);
          if (owner?.pid === me.pid && owner.host === me.host) rmSync(path, { force: true });
        },
      };
    }
    const owner = readOwner(path);
    if (holds(owner)) throw new DataDirLockedError(dir, owner);
    // Stale. Move it aside under a name of our own, so two processes taking over the same stale lock
    // cannot both win; if what we moved turns out to be a live owner's, put it back and give way.
    const aside = `${path}.${me.pid}.stale`;
    try {
      renameSync(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw error;
    }
    const moved = readOwner(aside);
    if (holds(moved)) {
      try {
        linkSync(aside, path);
      } catch {
        // Someone created a new lock meanwhile: theirs stands.
      }
      rmSync(aside, { force: true });
      throw new DataDirLockedError(dir, moved);
    }
    rmSync(aside, { force: true });
  }
  const owner = readOwner(path);
  throw new DataDirLockedError(dir, owner ?? { pid: 0, host: me.host });
}
