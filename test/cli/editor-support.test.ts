/** rules/ carries what an editor needs for completion on GlideRecord and gs: the sandbox's .d.ts and a jsconfig. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SANDBOX_DTS } from '../../server/sandbox/runtime/index.ts';

describe('rules/ editor support', () => {
  it('rules/sandbox.d.ts is the sandbox .d.ts the console serves (copy it again after changing the runtime)', () => {
    // cp server/sandbox/runtime/sandbox.d.ts rules/sandbox.d.ts
    expect(readFileSync('rules/sandbox.d.ts', 'utf8')).toBe(SANDBOX_DTS);
  });

  it('rules/jsconfig.json includes the rules and the .d.ts, without the DOM', () => {
    const config = JSON.parse(readFileSync('rules/jsconfig.json', 'utf8'));
    expect(config.include).toEqual(['*.js', 'sandbox.d.ts']);
    expect(config.compilerOptions.lib).not.toContain('dom');
  });
});
