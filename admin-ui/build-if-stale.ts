/**
 * Builds the console (admin-ui/dist) only when it is missing or older than a source file under
 * admin-ui/ or a server module it bundles (SHARED). Run before `npm start` and `npm test` (package.json prestart/pretest), and by the
 * browser tests; `--force` always builds (`npm run build:admin`).
 */
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = import.meta.dirname;
const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, 'index.html');
/** Held while building, so two test processes never build into the same directory at once. */
const LOCK = join(ROOT, '.build-lock');
const SKIP = new Set(['dist', 'node_modules', '.build-lock']);
/** Server modules the console bundles as they are (no imports of their own). */
const SHARED = [resolve(ROOT, '../server/dictionary/column-types.ts')];

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (SKIP.has(entry.name)) continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

export function consoleIsStale(): boolean {
  if (!existsSync(STAMP)) return true;
  const newest = Math.max(newestSource(ROOT), ...SHARED.map((file) => statSync(file).mtimeMs));
  return newest > statSync(STAMP).mtimeMs;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

/** Takes the build lock, waiting for another builder; a lock older than 5 minutes is a crashed one's. */
async function takeLock(): Promise<void> {
  for (;;) {
    try {
      mkdirSync(LOCK);
      return;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 5 * 60_000) rmSync(LOCK, { recursive: true, force: true });
      } catch {
        // The other builder just finished and removed it.
      }
      await sleep(200);
    }
  }
}

export async function buildConsole(options: { force?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (!options.force && !consoleIsStale()) return false;
  await takeLock();
  try {
    // Another process may have built it while this one waited for the lock.
    if (!options.force && !consoleIsStale()) return false;
    // One progress line: the start, then the time on the same line.
    if (!options.quiet) process.stdout.write('admin-ui: building the console into admin-ui/dist … ');
    const started = Date.now();
    const { build } = await import('vite');
    await build({ configFile: join(ROOT, 'vite.config.ts'), logLevel: 'warn' });
    if (!options.quiet) console.log(`built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

if (import.meta.main || resolve(process.argv[1] ?? '') === resolve(import.meta.filename)) {
  try {
    const built = await buildConsole({ force: process.argv.includes('--force') });
    if (!built) console.log('admin-ui: the console build is up to date');
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(`\nadmin-ui: the console build failed: ${message}`);
    console.error('Fix the error above, then run `npm run build:admin`.');
    process.exitCode = 1;
  }
}
