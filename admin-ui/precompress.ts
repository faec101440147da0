/**
 * A Vite plugin that writes `.br` and `.gz` copies next to every text asset of the build, so the
 * server sends them as they are (@fastify/static `preCompressed`) instead of compressing per request.
 */
import { readdirSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants, gzip } from 'node:zlib';
import type { Plugin, ResolvedConfig } from 'vite';

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);
const TEXT = /\.(js|mjs|css|html|svg|json|txt|map)$/;

function* filesUnder(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* filesUnder(path);
    else yield path;
  }
}

export function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'ctihost-precompress',
    apply: 'build',
    configResolved(config: ResolvedConfig) {
      outDir = join(config.root, config.build.outDir);
    },
    // In parallel on libuv's thread pool: the TypeScript worker alone is 7 MB of JavaScript.
    async closeBundle() {
      const jobs: Promise<void>[] = [];
      for (const path of filesUnder(outDir)) {
        if (!TEXT.test(path)) continue;
        jobs.push(
          readFile(path).then(async (data) => {
            const params = {
              [constants.BROTLI_PARAM_QUALITY]: 11,
              [constants.BROTLI_PARAM_SIZE_HINT]: data.length,
            };
            await writeFile(`${path}.br`, await brotli(data, { params }));
            await writeFile(`${path}.gz`, await gzipped(data, { level: 9 }));
          }),
        );
      }
      await Promise.all(jobs);
    },
  };
}
