#!/usr/bin/env -S node --no-node-snapshot
/**
 * The `ctihost` executable (package.json `bin`). `npx ctihost` runs it on the Node 24 of
 * node_modules/.bin, with --no-node-snapshot for isolated-vm.
 */
import { runCli } from './program.ts';

const flush = (stream: NodeJS.WriteStream) =>
  new Promise<void>((resolve) => stream.write('', () => resolve()));

// Piped into `head`, the reader may go away first: stop quietly, as other command-line tools do.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(0);
    throw error;
  });
}

const run = await runCli(process.argv.slice(2));
if (!run.keepAlive) {
  await flush(process.stdout);
  await flush(process.stderr);
  // Everything was closed; exiting here also ends what a library may have left (an idle isolate thread).
  process.exit(run.exitCode);
}
