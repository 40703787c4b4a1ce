// Vitest global setup: bundles the source once per test run into a temporary directory, and
// points the end-to-end tests there (ABRC_DIST_DIR, read by scripts/step-runner.ts), so they
// always run what the source builds to, never a stale dist/. test/dist.test.ts compares the
// committed dist/ with this same build.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(import.meta.dirname, '..');

/** Everything the bundle is made of: the same inputs always give the same bundle. */
function bundleInputs(): string[] {
  const walk = (dir: string): string[] =>
    readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((entry) =>
      entry.isDirectory() ? walk(`${dir}/${entry.name}`) : [`${dir}/${entry.name}`],
    );
  return [
    ...walk('src'),
    'scripts/bundle.ts',
    'package.json',
    'package-lock.json',
    'tsconfig.json',
    'node_modules/.package-lock.json',
  ]
    .filter((file) => existsSync(path.join(ROOT, file)))
    .sort();
}

function inputsHash(): string {
  const hash = createHash('sha256').update(process.version);
  for (const file of bundleInputs()) {
    hash.update(`\0${file}\0`).update(readFileSync(path.join(ROOT, file)));
  }
  return hash.digest('hex').slice(0, 20);
}

/** Only unit and server tests were asked for: nothing runs a bundled step. */
function onlyInProcessTests(): boolean {
  const filters = process.argv.slice(2).filter((arg) => /\.test\.ts$|^test\//.test(arg));
  return filters.length > 0 && filters.every((arg) => /(^|\/)test\/(unit|server)(\/|$)/.test(arg));
}

export default function setup(): void {
  if (onlyInProcessTests()) return;
  const dir = path.join(tmpdir(), `abrc-bundle-${inputsHash()}`);
  // A build of the very same inputs (by another run, or another worktree) is this build. The
  // directory only ever appears whole: it is built elsewhere and renamed into place.
  if (!existsSync(dir)) {
    const building = mkdtempSync(path.join(tmpdir(), 'abrc-bundling-'));
    execFileSync(process.execPath, [path.join(ROOT, 'scripts', 'bundle.ts'), building], {
      cwd: ROOT,
      stdio: 'pipe',
    });
    try {
      renameSync(building, dir);
    } catch {
      // Another run finished the same build first.
      rmSync(building, { recursive: true, force: true });
    }
  }
  process.env.ABRC_DIST_DIR = dir;
}
