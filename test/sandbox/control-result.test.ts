/** The one string the driver's control hands out, as the host reads it (server/sandbox/driver.ts). */
import { describe, expect, it } from 'vitest';
import { decodeControl } from '../../server/sandbox/driver.ts';

describe("the driver's result", () => {
  it('reads an answer, a length, no string, a context to drop and what was thrown', () => {
    expect(decodeControl('A{"answer":"/x"}')).toEqual({
      kind: 'answer',
      json: '{"answer":"/x"}',
      length: 15,
    });
    expect(decodeControl('L9000')).toEqual({ kind: 'answer', json: null, length: 9000 });
    expect(decodeControl('N')).toEqual({ kind: 'answer', json: null, length: 0 });
    expect(decodeControl('D')).toEqual({ kind: 'dirty' });
    const thrown = {
      kind: 'thrown',
      phase: 'rule',
      name: 'TypeError',
      message: 'x',
      stack: '',
      primitive: false,
      reusable: true,
    };
    expect(decodeControl(`T${JSON.stringify(thrown)}`)).toEqual(thrown);
  });

  it('reads the reads a run took ahead of any result', () => {
    const taken = '[{"at":0,"key":"sys_user\\u0000name=a\\nb"}]';
    expect(decodeControl(`G${taken}\nA{"answer":"/x"}`)).toEqual({
      kind: 'answer',
      json: '{"answer":"/x"}',
      length: 15,
      taken,
    });
    expect(decodeControl(`G${taken}\nT{"kind":"thrown","phase":"rule"}`)).toMatchObject({
      kind: 'thrown',
      taken,
    });
  });

  it('refuses anything else as the driver failing, not as an answer', () => {
    for (const out of ['', 'X', 'G[]', undefined, 42, { kind: 'answer' }])
      expect(() => decodeControl(out)).toThrow(/sandbox driver returned/);
  });
});
