// Issue 20, item 14: the variables' prefix keeps the user's first line first.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { withPrefix } from '../../../src/sandbox/code-runner.ts';

const PREFIX = 'globalThis.__ab = 1;';
const run = (code: string) =>
  execFileSync(process.execPath, ['-e', code.replace(/^#!.*/, '')], { encoding: 'utf8' });

describe('withPrefix', () => {
  it('keeps a #! line first and every line on its number', () => {
    const code =
      '#!/usr/bin/env node\nconsole.log(__ab)\nconsole.log(new Error().stack.split("\\n")[1])';
    const out = withPrefix(code, PREFIX);
    expect(out.split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(out.split('\n')).toHaveLength(3);
    expect(run(out).split('\n')[0]).toBe('1');
  });

  it('keeps "use strict" in force', () => {
    for (const first of ['"use strict";', "'use strict'", '  "use strict" ;']) {
      const out = withPrefix(`${first}\nundeclared = 1; console.log('sloppy')`, PREFIX);
      expect(() => run(out)).toThrow(/undeclared is not defined/);
      expect(out.split('\n')).toHaveLength(2);
    }
  });

  it('puts the prefix before any other first line', () => {
    expect(withPrefix('console.log(1)', PREFIX)).toBe(`${PREFIX}console.log(1)`);
  });
});
