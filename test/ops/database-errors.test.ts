/** Which failures are a lost database (503) and which are not: every driver's shape of it, wrapped or not. */
import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailable, lostConnectionCode } from '../../server/ops/database-errors.ts';

const withCode = (code: string, message = 'failed') => Object.assign(new Error(message), { code });

describe('a lost database connection', () => {
  it.each([
    ['a refused connection (node:net)', withCode('ECONNREFUSED'), 'ECONNREFUSED'],
    ['a reset connection', withCode('ECONNRESET'), 'ECONNRESET'],
    ['a connection the postgres driver lost', withCode('CONNECTION_CLOSED'), 'CONNECTION_CLOSED'],
    ['a connection the driver ended', withCode('CONNECTION_ENDED'), 'CONNECTION_ENDED'],
    ['a connection that never answered', withCode('CONNECT_TIMEOUT'), 'CONNECT_TIMEOUT'],
    ['an unknown host', withCode('ENOTFOUND'), 'ENOTFOUND'],
    ['a server shutting down (57P01)', withCode('57P01'), '57P01'],
    ['a server starting or stopping (57P03)', withCode('57P03'), '57P03'],
    ['a connection exception (08006)', withCode('08006'), '08006'],
    ['too many connections (53300)', withCode('53300'), '53300'],
    [
      "drizzle's wrapper around one",
      Object.assign(new Error('Failed query: select 1'), { cause: withCode('ECONNREFUSED') }),
      'ECONNREFUSED',
    ],
    [
      'an AggregateError of every address refused (localhost: ::1 and 127.0.0.1)',
      new AggregateError([withCode('ECONNREFUSED'), withCode('ECONNREFUSED')], 'connect failed'),
      'ECONNREFUSED',
    ],
  ])('is %s', (_name, error, code) => {
    expect(lostConnectionCode(error)).toBe(code);
    expect(isDatabaseUnavailable(error)).toBe(true);
  });
});

describe('not a lost connection', () => {
  it.each([
    ['a unique violation', withCode('23505')],
    ['a syntax error', withCode('42601')],
    ['a serialization failure', withCode('40001')],
    ['a query cancelled by its timeout', withCode('57014')],
    ['an error without a code', new Error('boom')],
    ['a string', 'ECONNREFUSED'],
    ['null', null],
    ['undefined', undefined],
    ['a wrapper of something else', Object.assign(new Error('Failed query'), { cause: withCode('23505') })],
  ])('is %s', (_name, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('stops at a cycle of causes', () => {
    const a: Error & { cause?: unknown } = new Error('a');
    const b: Error & { cause?: unknown } = new Error('b');
    a.cause = b;
    b.cause = a;
    expect(isDatabaseUnavailable(a)).toBe(false);
  });
});
