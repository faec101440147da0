/**
 * Closing the sandbox and exiting right away must not crash the process. isolated-vm tears a
 * disposed isolate down on the isolate's own thread: an isolate disposed while it still prepared a
 * context, or a process that exited before the teardown was done, ended with SIGSEGV (25 exits of 30
 * in a probe; once a worker's SIGTERM shutdown in CI). The host now waits for maintenance in flight
 * before disposing, and briefly after (host.ts, isolate-slot.ts).
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const NODE = join(process.cwd(), 'node_modules/.bin/node');
const PROGRAM = 'test/sandbox/programs/close-and-exit.ts';

function runProgram(): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(NODE, ['--no-node-snapshot', PROGRAM], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-2000)));
    child.on('exit', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('closing the sandbox, then exiting at once', () => {
  it('exits 0 every time, in 8 processes', async () => {
    const exits = [];
    // Two at a time: the machine's two cores, as a shutdown under load would find them.
    for (let i = 0; i < 4; i++) exits.push(...(await Promise.all([runProgram(), runProgram()])));
    for (const exit of exits)
      expect({ code: exit.code, signal: exit.signal }, exit.stderr).toEqual({ code: 0, signal: null });
  }, 60_000);
});
