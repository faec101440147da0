/** The bulk data set's phone numbers (server/seed/bulk.ts): one caller per number, as in a real directory. */
import { describe, expect, it } from 'vitest';
import { toE164 } from '../../server/records/phone.ts';
import { bulkPhones } from '../../server/seed/bulk.ts';

/** The ten digits of a North American number, however it is written. */
const digits = (phone: string) => phone.replace(/\D/g, '').replace(/^1(?=\d{10}$)/, '');

describe('bulk phone numbers', () => {
  it('gives every one of 200k users a phone and a mobile of their own, no mobile being anyone’s phone', () => {
    const seen = new Set<string>();
    const wrong: string[] = [];
    for (let at = 0; at < 200_000; at++) {
      const { phone, mobile_phone } = bulkPhones(at, true);
      for (const number of [phone, mobile_phone!]) {
        const key = digits(number);
        if (key.length !== 10 || seen.has(key)) wrong.push(`user ${at}: ${number}`);
        seen.add(key);
      }
    }
    expect(wrong.slice(0, 5)).toEqual([]);
    expect(seen.size).toBe(400_000);
  });

  it('writes numbers in every style a client sends, each a valid number in the US', () => {
    const written = Array.from({ length: 12 }, (_, at) => bulkPhones(at, at % 2 === 0));
    expect(new Set(written.map(({ phone }) => phone.replace(/\d/g, '9'))).size).toBe(6);
    for (const { phone, mobile_phone } of written) {
      expect(toE164(phone, 'US'), phone).toMatch(/^\+1\d{10}$/);
      if (mobile_phone !== null) expect(toE164(mobile_phone, 'US'), mobile_phone).toMatch(/^\+1\d{10}$/);
    }
    expect(written[1]!.mobile_phone).toBeNull();
  });
});
