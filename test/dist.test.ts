// dist/ is what the runner executes: it must be exactly what the committed source builds to.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../scripts/step-runner.ts';

function listFiles(dir: string, prefix = ''): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? listFiles(path.join(dir, entry.name), `${prefix}${entry.name}/`)
      : [`${prefix}${entry.name}`],
  );
}

describe('dist/', () => {
  it('matches a fresh build of the source', { timeout: 180_000 }, () => {
    const fresh = mkdtempSync(path.join(tmpdir(), 'abrc-dist-'));
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.ts'), fresh], {
      cwd: ROOT,
      stdio: 'pipe',
    });
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
