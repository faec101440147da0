/**
 * Is the database there? A lost connection seen anywhere takes it as down at once, so the next
 * requests fail fast instead of each waiting for the driver; a probe then pings it every `retryMs`
 * until it answers, and it is up again with no restart. A false alarm (one connection reset while
 * the server is fine) lasts one ping.
 */
import { lostConnectionCode } from './database-errors.ts';

export type HealthLogger = {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
};

export type DatabaseHealth = {
  /** False from a lost connection until a ping answers again. */
  readonly up: boolean;
  /** Times the database was taken as down. */
  readonly outages: number;
  /** Looks at a failure: a lost connection takes the database as down (true); any other error is not ours (false). */
  report(error: unknown): boolean;
  /** Takes the database as down for a lost connection seen elsewhere (`reason`: its code, or where it was seen). */
  lost(reason: string): void;
  /** Stops the probe (the app is closing). */
  close(): void;
};

export function createDatabaseHealth(
  ping: () => Promise<boolean>,
  options: { retryMs?: number; pingTimeoutMs?: number; logger?: HealthLogger } = {},
): DatabaseHealth {
  const retryMs = options.retryMs ?? 500;
  const pingTimeoutMs = options.pingTimeoutMs ?? 2000;
  let up = true;
  let outages = 0;
  let downSince = 0;
  let timer: NodeJS.Timeout | null = null;
  let probing = false;
  let pending: Promise<boolean> | null = null;
  let closed = false;

  /**
   * A ping that answers within the timeout; a hung one (a black-holed server) counts as down, and
   * the next probe waits on it rather than piling another on the driver.
   */
  async function answers(): Promise<boolean> {
    pending ??= ping()
      .catch(() => false)
      .finally(() => {
        pending = null;
      });
    let expire: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      expire = setTimeout(() => resolve(false), pingTimeoutMs);
    });
    try {
      return await Promise.race([pending, timeout]);
    } finally {
      clearTimeout(expire);
    }
  }

  async function probe(): Promise<void> {
    timer = null;
    if (closed || up || probing) return;
    probing = true;
    try {
      if (await answers()) {
        if (closed) return;
        up = true;
        options.logger?.info({ downMs: Date.now() - downSince }, 'the database answers again');
        return;
      }
    } finally {
      probing = false;
    }
    schedule(retryMs);
  }

  function lost(reason: string): void {
    if (!up || closed) return;
    up = false;
    outages += 1;
    downSince = Date.now();
    options.logger?.warn({ reason }, 'the database is not reachable: answering 503 until it is back');
    schedule(0);
  }

  function schedule(ms: number): void {
    if (closed || timer) return;
    timer = setTimeout(() => void probe(), ms);
    timer.unref();
  }

  return {
    get up() {
      return up;
    },
    get outages() {
      return outages;
    },
    report(error) {
      const code = lostConnectionCode(error);
      if (code === null) return false;
      lost(code);
      return true;
    },
    lost,
    close() {
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
