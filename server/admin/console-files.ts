/**
 * Where the built console lives (admin-ui/dist, made by `npm run build:admin`) and how its
 * index.html is read: with the precompressed copy the browser accepts, re-read when a rebuild
 * changes it, so a running server picks up a new build without a restart.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const CONSOLE_DIST = resolve(import.meta.dirname, '../../admin-ui/dist');

export type Encoding = 'br' | 'gzip' | 'identity';
type IndexFile = { mtimeMs: number; bodies: Map<Encoding, Buffer> };

/** The best encoding the request accepts among those we keep: brotli, then gzip, then none. */
export function chooseEncoding(acceptEncoding: string | undefined): Encoding {
  const accepted = new Set(
    (acceptEncoding ?? '')
      .split(',')
      .map((part) => part.split(';')[0]!.trim().toLowerCase())
      .filter((name) => name !== ''),
  );
  if (accepted.has('br')) return 'br';
  if (accepted.has('gzip')) return 'gzip';
  return 'identity';
}

export function consoleIndex(dist = CONSOLE_DIST) {
  const path = join(dist, 'index.html');
  let cached: IndexFile | null = null;
  return {
    built: () => existsSync(path) && existsSync(join(dist, 'assets')),
    assets: join(dist, 'assets'),
    /** The index page in the chosen encoding, or null when the console is not built. */
    read(encoding: Encoding): { body: Buffer; encoding: Encoding } | null {
      if (!existsSync(path)) return null;
      const mtimeMs = statSync(path).mtimeMs;
      if (!cached || cached.mtimeMs !== mtimeMs) cached = { mtimeMs, bodies: new Map() };
      const suffix = { br: '.br', gzip: '.gz', identity: '' }[encoding];
      let body = cached.bodies.get(encoding);
      if (!body && existsSync(path + suffix)) {
        body = readFileSync(path + suffix);
        cached.bodies.set(encoding, body);
      }
      if (body) return { body, encoding };
      return encoding === 'identity' ? null : this.read('identity');
    },
  };
}
