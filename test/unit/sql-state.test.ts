import { describe, expect, it } from 'vitest';
import { isUniqueViolation, sqlState } from '../../server/db/sql-state.ts';

describe('sqlState', () => {
  it("finds the driver's SQLSTATE under drizzle's wrapping error", () => {
    const driver = Object.assign(new Error('unsupported Unicode escape sequence'), { code: '22P05' });
    expect(sqlState(new Error('Failed query: …', { cause: driver }))).toBe('22P05');
    expect(sqlState(driver)).toBe('22P05');
  });

  it('is undefined for errors that carry no SQLSTATE (a refused connection) and for non-errors', () => {
    expect(
      sqlState(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })),
    ).toBeUndefined();
    expect(sqlState(new Error('x', { cause: { code: 'CONNECTION_CLOSED' } }))).toBeUndefined();
    expect(sqlState(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).toBeUndefined();
    expect(sqlState('23505')).toBeUndefined();
    expect(sqlState(null)).toBeUndefined();
  });

  it('tells a unique violation', () => {
    expect(isUniqueViolation(new Error('x', { cause: { code: '23505' } }))).toBe(true);
    expect(isUniqueViolation(new Error('x', { cause: { code: '23503' } }))).toBe(false);
  });
});
