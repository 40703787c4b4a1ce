// Bundles each step's entry with ncc into dist/<step>/index.js, with a license file for
// everything bundled. dist/ is committed: the runner executes it as is.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

for (const step of ['main', 'post']) {
  const target = path.join(outDir, step);
  rmSync(target, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [
      ncc,
      'build',
      path.join(root, 'src', `${step}.ts`),
      '-o',
      target,
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { stdio: 'inherit', cwd: root },
  );
}
