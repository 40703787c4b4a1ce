// ncc writes a license file for what it bundles; a runtime dependency missing from every one
// of them would ship its code without its license.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/step-runner.ts';
import { loadAction } from './metadata.ts';

describe('dist/ licenses', () => {
  it("name every runtime dependency in package.json in a bundle's licenses.txt", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const { runs } = loadAction();
    const bundles = [runs.main, runs.post].map((entry) => path.dirname(entry!));
    const licenses = bundles.map((dir) =>
      readFileSync(path.join(ROOT, dir, 'licenses.txt'), 'utf8'),
    );
    const dependencies = Object.keys(pkg.dependencies ?? {});
    expect(dependencies.length).toBeGreaterThan(0);
    // Each entry starts with the package name on a line of its own, then its license id.
    const named = (text: string, name: string) =>
      new RegExp(`^${name.replace(/[/.]/g, '\\$&')}\\n`, 'm').test(text);
    expect(dependencies.filter((name) => !licenses.some((text) => named(text, name)))).toEqual([]);
  });
});
