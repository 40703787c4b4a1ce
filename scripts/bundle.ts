// Bundles each step's entry with ncc into dist/<step>/index.js, with a license file for
// everything bundled. dist/ is committed: the runner executes it as is.
import { execFileSync } from 'node:child_process';
import { appendFileSync, existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const outDir = path.resolve(root, process.argv[2] ?? 'dist');
const ncc = path.join(root, 'node_modules', '@vercel', 'ncc', 'dist', 'ncc', 'cli.js');

checkInstalled();

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
  const hasChunks = readdirSync(target).some((f) => /^\d+\.index\.js$/.test(f));
  if (hasChunks) completeLicenses(path.join(target, 'licenses.txt'));
}

/**
 * ncc's license plugin loses packages once a bundle has lazily loaded chunks (the main step
 * lost @actions/core when @actions/artifact and @actions/github became chunks). Every
 * production dependency it left out is added in its format, so no license goes missing.
 */
function completeLicenses(file: string): void {
  const text = readFileSync(file, 'utf8');
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { dev?: boolean; license?: string }>;
  };
  const missing = new Map<string, { dir: string; license: string }>();
  for (const [location, info] of Object.entries(lock.packages)) {
    if (!location || info.dev) continue;
    const name = location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length);
    if (text.startsWith(`${name}\n`) || text.includes(`\n${name}\n`) || missing.has(name)) continue;
    missing.set(name, { dir: path.join(root, location), license: info.license ?? 'UNKNOWN' });
  }
  const entries = [...missing.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
  for (const [name, { dir, license }] of entries) {
    const licenseFile = existsSync(dir)
      ? readdirSync(dir).find((f) => /^(licen[cs]e|copying)(\.|$)/i.test(f))
      : undefined;
    const body = licenseFile ? readFileSync(path.join(dir, licenseFile), 'utf8').trim() : '';
    appendFileSync(file, `\n${name}\n${license}\n${body}\n`);
  }
}

/**
 * dist/ is committed, so it must be built from the locked dependencies: a node_modules left
 * over from before a lock change (or from another branch) would bundle other code.
 */
function checkInstalled(): void {
  const lock = JSON.parse(readFileSync(path.join(root, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string; dev?: boolean; optional?: boolean }>;
  };
  const stale: string[] = [];
  for (const [location, info] of Object.entries(lock.packages)) {
    if (!location || info.dev || info.optional) continue;
    const manifest = path.join(root, location, 'package.json');
    const installed = existsSync(manifest)
      ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }).version
      : 'nothing';
    if (installed !== info.version)
      stale.push(`${location} (${installed}, locked ${info.version})`);
  }
  if (stale.length > 0) {
    console.error(
      `node_modules does not match package-lock.json; run \`npm ci\` first:\n  ${stale.join('\n  ')}`,
    );
    process.exit(1);
  }
}
