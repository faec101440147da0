/** DATABASE_POOL_MAX shared between rules' reads and everything else (server/db/database.ts). */
import { describe, expect, it } from 'vitest';
import { splitPool } from '../../server/db/database.ts';

describe('splitting DATABASE_POOL_MAX', () => {
  it('never opens more than it, and gives each pool one at least', () => {
    for (let max = 2; max <= 200; max++) {
      const { general, rules } = splitPool(max);
      expect(general + rules, `max ${max}`).toBe(max);
      expect(general, `max ${max}`).toBeGreaterThanOrEqual(1);
      expect(rules, `max ${max}`).toBeGreaterThanOrEqual(1);
    }
  });

  it('keeps about a third for everything else, two at least from three on', () => {
    expect(splitPool(2)).toEqual({ general: 1, rules: 1 });
    expect(splitPool(3)).toEqual({ general: 2, rules: 1 });
    expect(splitPool(10)).toEqual({ general: 4, rules: 6 });
    expect(splitPool(30)).toEqual({ general: 10, rules: 20 });
  });
});
