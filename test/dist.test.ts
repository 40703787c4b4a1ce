// dist/ is what the runner executes: it must be exactly what the committed source builds to.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bundleDir, ROOT } from '../scripts/step-runner.ts';

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

describe('dist/', () => {
  it('matches a fresh build of the source', () => {
    // The build test/bundle-once.ts made of this source for the whole test run.
    const fresh = bundleDir();
    expect(fresh).not.toBe(path.join(ROOT, 'dist'));
    const committed = path.join(ROOT, 'dist');
    const files = listFiles(fresh).sort();
    expect(listFiles(committed).sort()).toEqual(files);
    const stale = files.filter(
      (file) =>
        !readFileSync(path.join(fresh, file)).equals(readFileSync(path.join(committed, file))),
    );
    expect(stale, 'dist/ is stale: run `npm run bundle` and commit dist/').toEqual([]);
  });

  it('ships a third-party license file for each bundle', () => {
    for (const step of ['main', 'post']) {
      const licenses = readFileSync(path.join(ROOT, 'dist', step, 'licenses.txt'), 'utf8');
      expect(licenses).toContain('@actions/core');
      expect(licenses).toContain('undici');
    }
  });
});
