/** The one uncaught exception the process survives: the postgres driver's write to a closed connection. */
import { describe, expect, it, vi } from 'vitest';
import { isWriteAfterClose, uncaughtHandler } from '../../server/ops/driver-defects.ts';

/** The error as the driver throws it (porsager/postgres#1208), with the stack Node gives it. */
function driverError(path = '/srv/ctihost/node_modules/postgres/src/connection.js') {
  const error = new TypeError("Cannot read properties of null (reading 'write')");
  error.stack = [
    "TypeError: Cannot read properties of null (reading 'write')",
    `    at Immediate.nextWrite (file://${path}:255:22)`,
    '    at process.processImmediate (node:internal/timers:574:21)',
  ].join('\n');
  return error;
}

describe("the driver's write to a closed connection", () => {
  it('is recognised by its first frame', () => {
    expect(isWriteAfterClose(driverError())).toBe(true);
    expect(isWriteAfterClose(driverError('C:\\ctihost\\node_modules\\postgres\\src\\connection.js'))).toBe(
      true,
    );
  });

  it.each([
    ['another TypeError', new TypeError("Cannot read properties of null (reading 'write')")],
    ['the same message from our own code', driverError('/srv/ctihost/server/db/connection.js')],
    [
      'nextWrite further down the stack',
      Object.assign(new TypeError('x'), {
        stack:
          'TypeError: x\n    at ours (/srv/server/a.ts:1:1)\n    at nextWrite (/n/postgres/src/connection.js:255:22)',
      }),
    ],
    ['an Error of another class', Object.assign(new Error('x'), { stack: driverError().stack })],
  ])('is not %s', (_name, error) => {
    expect(isWriteAfterClose(error)).toBe(false);
  });

  it('renews the pool and keeps the process; anything else ends it', () => {
    const database = { renewPool: vi.fn() };
    const logger = { error: vi.fn(), fatal: vi.fn() };
    const exit = vi.fn();
    const handle = uncaughtHandler(database, logger, exit);

    handle(driverError(), 'uncaughtException');
    expect(database.renewPool).toHaveBeenCalledOnce();
    expect(exit).not.toHaveBeenCalled();
    expect(logger.error.mock.calls[0]![1]).toContain('renewing the pool');

    handle(new Error('something else'), 'uncaughtException');
    expect(exit).toHaveBeenCalledWith(1);
    expect(logger.fatal).toHaveBeenCalledOnce();
    expect(database.renewPool).toHaveBeenCalledOnce();
  });
});
