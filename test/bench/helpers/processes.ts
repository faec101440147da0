/**
 * Real processes for the load benchmarks: ctihost as `npm start` runs it (requests not logged, so the
 * log is not what is measured), the CPU time and resident memory of a process and its children from
 * /proc.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

const NODE = join(process.cwd(), 'node_modules/.bin/node');
const TICKS_PER_SECOND = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

export type BenchServer = {
  child: ChildProcess;
  base: string;
  port: number;
  output(): string;
  alive(): boolean;
  stop(): Promise<number | null>;
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Starts ctihost on a free port and waits until /healthz answers. */
export async function startBenchServer(env: Record<string, string>): Promise<BenchServer> {
  const port = await freePort();
  const child = spawn(NODE, ['--no-node-snapshot', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOG_LEVEL: 'warn',
      PORT: String(port),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  child.stderr!.on('data', (chunk) => (output = (output + chunk).slice(-20_000)));
  let exitCode: number | null | undefined;
  const exited = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      exitCode = code;
      resolve(code);
    }),
  );
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline && exitCode === undefined) {
    const ok = await fetch(`${base}/healthz`).then(
      (response) => response.ok,
      () => false,
    );
    if (ok)
      return {
        child,
        base,
        port,
        output: () => output,
        alive: () => exitCode === undefined,
        async stop() {
          if (exitCode !== undefined) return exitCode;
          child.kill('SIGTERM');
          return exited;
        },
      };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`ctihost did not start:\n${output}`);
}

/** The pid and its descendants (a cluster's workers), from /proc. */
function familyOf(pid: number): number[] {
  const family = [pid];
  for (let i = 0; i < family.length; i++) {
    try {
      const children = readFileSync(`/proc/${family[i]}/task/${family[i]}/children`, 'utf8').trim();
      if (children) family.push(...children.split(/\s+/).map(Number));
    } catch {
      // Gone meanwhile.
    }
  }
  return family;
}

/** Clock ticks (user + system) in a /proc stat file; 0 when the process or thread is gone. */
function statTicks(file: string): number {
  try {
    // Fields after the command name, which is in parentheses and may hold spaces.
    const stat = readFileSync(file, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

/** CPU seconds (user + system) used so far by the pid and its children still running. */
export function cpuSeconds(pid: number): number {
  let ticks = 0;
  for (const member of familyOf(pid)) ticks += statTicks(`/proc/${member}/stat`);
  return ticks / TICKS_PER_SECOND;
}

/** CPU seconds used so far by the pid's main thread alone (where its JavaScript runs, not its isolates). */
export function mainThreadCpuSeconds(pid: number): number {
  return statTicks(`/proc/${pid}/task/${pid}/stat`) / TICKS_PER_SECOND;
}

/**
 * CPU seconds used so far by every PostgreSQL process of this machine (`postgres` in /proc): the
 * database's share of a load, when it runs here. Others' queries count too: measure on a quiet server.
 */
export function postgresCpuSeconds(): number {
  let ticks = 0;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'postgres')
        ticks += statTicks(`/proc/${entry}/stat`);
    } catch {
      // Gone meanwhile.
    }
  }
  return ticks / TICKS_PER_SECOND;
}

/** Resident memory in MB (VmRSS) of the pid alone. */
export function residentMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1]);
  return kb / 1024;
}
