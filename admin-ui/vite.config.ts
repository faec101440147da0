/**
 * The console's build: Preact, Monaco with its workers bundled (`?worker` imports, ES module
 * workers), served from /admin/, and a brotli and a gzip copy of every text asset.
 */
import { fileURLToPath } from 'node:url';
import preact from '@preact/preset-vite';
import { defineConfig } from 'vite';
import { precompress } from './precompress.ts';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  logLevel: 'warn',
  plugins: [preact(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // Monaco and the TypeScript worker are big by nature; they load only when an editor opens.
    chunkSizeWarningLimit: 8000,
    reportCompressedSize: false,
    // The precompression plugin is slow by design (brotli 11); the timing report is noise here.
    rolldownOptions: { checks: { bundlerTimings: false } },
  },
  worker: { format: 'es' },
});
