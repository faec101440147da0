/**
 * A real ctihost process, as `npm start` runs it (server/main.ts on Node 24 with --no-node-snapshot),
 * with the first-start secrets given, so a test can log in and call at once.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

import { withCsrf } from '../../helpers/app.ts';

const NODE = join(process.cwd(), 'node_modules/.bin/node');
export const ADMIN_PASSWORD = 'correct horse battery staple';
export const CTI_TOKEN = `cti_${'t'.repeat(40)}`;

export type Exit = { code: number | null; signal: NodeJS.Signals | null; at: number };

export type ServerProcess = {
  child: ChildProcess;
  output(): string;
  exited: Promise<Exit>;
};

export type RunningServer = ServerProcess & {
  base: string;
  /** Sends `signal` and waits for the exit; how long it took. */
  stop(signal?: NodeJS.Signals): Promise<Exit & { ms: number }>;
};

/** Every process a test started, so a failed test leaves none behind. */
const started = new Set<ChildProcess>();

export function spawnServer(env: Record<string, string>): ServerProcess {
  const child = spawn(NODE, ['--no-node-snapshot', 'server/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      PORT: '0',
      LOG_LEVEL: 'info',
      // One process unless a test asks for a cluster (WORKERS defaults to one per core on PostgreSQL).
      WORKERS: '1',
      ADMIN_PASSWORD,
      CTI_TOKEN,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  started.add(child);
  let output = '';
  child.stdout!.on('data', (chunk) => (output += chunk));
  child.stderr!.on('data', (chunk) => (output += chunk));
  const exited = new Promise<Exit>((resolve) =>
    child.on('exit', (code, signal) => {
      started.delete(child);
      resolve({ code, signal, at: Date.now() });
    }),
  );
  return { child, output: () => output, exited };
}

export async function startServer(env: Record<string, string>, timeoutMs = 40_000): Promise<RunningServer> {
  const server = spawnServer(env);
  let gone: Exit | null = null;
  void server.exited.then((exit) => {
    gone = exit;
  });
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline && !gone) {
    const match = /Server listening at http:\/\/127\.0\.0\.1:(\d+)/.exec(server.output());
    if (match) {
      return {
        ...server,
        base: `http://127.0.0.1:${match[1]}`,
        async stop(signal = 'SIGTERM') {
          const sent = Date.now();
          server.child.kill(signal);
          const exit = await server.exited;
          return { ...exit, ms: exit.at - sent };
        },
      };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  server.child.kill('SIGKILL');
  throw new Error(`the server did not start:\n${server.output()}`);
}

/** Kills what a failed test left running (afterEach). */
export function killLeftovers(): void {
  for (const child of started) child.kill('SIGKILL');
}

export async function loginCookie(base: string): Promise<string> {
  const response = await fetch(`${base}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'admin', password: ADMIN_PASSWORD }),
  });
  if (response.status !== 200) throw new Error(`login failed: ${response.status} ${await response.text()}`);
  return response.headers.get('set-cookie')!.split(';')[0]!;
}

export async function createRule(
  base: string,
  cookie: string,
  rule: { name: string; script: string; clientCallable: boolean },
): Promise<void> {
  const response = await fetch(`${base}/api/rules`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...withCsrf(cookie) },
    body: JSON.stringify({ ...rule, active: true }),
  });
  if (response.status !== 201)
    throw new Error(`rule ${rule.name}: ${response.status} ${await response.text()}`);
}

/** A /cti.do call as a telephony client makes it; never throws, a failed connection is status 0. */
export async function ctiCall(base: string, query: string): Promise<{ status: number; body: string }> {
  try {
    const response = await fetch(`${base}/cti.do?${query}`, {
      headers: { authorization: `Bearer ${CTI_TOKEN}`, accept: 'application/json' },
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    return { status: 0, body: String((error as Error).cause ?? error) };
  }
}
