import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../server/config/env.ts';

describe('configuration from the environment', () => {
  it('has defaults that start the server on the embedded database', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      host: '127.0.0.1',
      port: 3000,
      database: { kind: 'pglite', dataDir: './data' },
      defaultRegion: 'US',
      sandbox: { cpuMs: 50, wallMs: 2000, memoryMb: 32, maxRows: 1000, maxAnswer: 2048 },
      answerOrigins: [],
      sandboxQueue: 1000,
    });
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('uses PostgreSQL when DATABASE_URL is set and reads every setting', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@db:5432/cti',
      PORT: '8080',
      DEFAULT_REGION: 'gb',
      SANDBOX_CPU_MS: '100',
      ANSWER_ORIGINS: 'https://crm.example.com, http://localhost:8080',
    });
    expect(config.database).toEqual({
      kind: 'postgres',
      url: 'postgres://u@db:5432/cti',
      max: 10,
      statementTimeoutMs: 15_000,
    });
    expect(config.port).toBe(8080);
    expect(config.defaultRegion).toBe('GB');
    expect(config.sandbox.cpuMs).toBe(100);
    expect(config.answerOrigins).toEqual(['https://crm.example.com', 'http://localhost:8080']);
  });

  it('sizes the PostgreSQL pool of each process with DATABASE_POOL_MAX', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://u@db:5432/cti', DATABASE_POOL_MAX: '4' });
    expect(config.database).toMatchObject({ kind: 'postgres', url: 'postgres://u@db:5432/cti', max: 4 });
  });

  it("bounds the screens' and the API's statements with DATABASE_STATEMENT_TIMEOUT_MS (0: no bound)", () => {
    const at = (value: string) =>
      loadConfig({ DATABASE_URL: 'postgres://u@db:5432/cti', DATABASE_STATEMENT_TIMEOUT_MS: value }).database;
    expect(at('30000')).toMatchObject({ statementTimeoutMs: 30_000 });
    expect(at('0')).toMatchObject({ statementTimeoutMs: 0 });
  });

  it('bounds the calls waiting for a busy sandbox with SANDBOX_QUEUE (0: none wait)', () => {
    expect(loadConfig({ SANDBOX_QUEUE: '50' }).sandboxQueue).toBe(50);
    expect(loadConfig({ SANDBOX_QUEUE: '0' }).sandboxQueue).toBe(0);
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' }).port).toBe(3000);
  });

  describe.each([
    [{ PORT: 'abc' }, 'PORT: expected a whole number from 0 to 65535 (got "abc")'],
    [{ PORT: '70000' }, 'PORT: must be at most 65535'],
    [{ DATABASE_URL: 'mysql://x' }, 'DATABASE_URL: must be a postgres:// or postgresql:// URL'],
    [{ DEFAULT_REGION: 'XX' }, 'DEFAULT_REGION: must be a two-letter country code'],
    [{ SANDBOX_MEMORY_MB: '2' }, 'SANDBOX_MEMORY_MB: must be at least 8'],
    [{ DATABASE_POOL_MAX: '1' }, 'DATABASE_POOL_MAX: must be at least 2'],
    [{ SANDBOX_QUEUE: '-1' }, 'SANDBOX_QUEUE: expected a whole number from 0 to 100000 (got "-1")'],
    [{ SANDBOX_QUEUE: '200000' }, 'SANDBOX_QUEUE: must be at most 100000'],
    [
      { DATABASE_STATEMENT_TIMEOUT_MS: '15s' },
      'DATABASE_STATEMENT_TIMEOUT_MS: expected a whole number from 0 to 3600000 (got "15s")',
    ],
    [{ DATABASE_POOL_MAX: 'ten' }, 'DATABASE_POOL_MAX: expected a whole number from 2 to 1000 (got "ten")'],
    [{ ANSWER_ORIGINS: 'javascript:alert(1)' }, 'ANSWER_ORIGINS: each entry must be an origin'],
    [{ ANSWER_ORIGINS: 'https://crm.example.com/path' }, 'ANSWER_ORIGINS: each entry must be an origin'],
    [{ ADMIN_PASSWORD: 'short' }, 'ADMIN_PASSWORD: must be at least 8 characters'],
  ])('refuses %j', (env, message) => {
    it('with one line naming the variable and the problem', () => {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toContain(message);
      expect((error as Error).message).not.toContain('\n');
    });
  });

  it('names every bad variable at once and never echoes a secret', () => {
    expect(() => loadConfig({ PORT: 'x', ADMIN_PASSWORD: 'hunter2' })).toThrow(/PORT: .*; ADMIN_PASSWORD: /);
    expect(() => loadConfig({ ADMIN_PASSWORD: 'hunter2' })).not.toThrow(/hunter2/);
  });
});
