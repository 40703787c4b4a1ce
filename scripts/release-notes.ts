// Release helper for .github/workflows/release.yml:  node scripts/release-notes.ts v1.2.3
// Checks that the tag is a semantic version that package.json carries and that CHANGELOG.md
// has a dated section for it, then prints that section (the GitHub release's notes) and
// writes `version`, `major` and `prerelease` to $GITHUB_OUTPUT when it is set.
import { appendFileSync, readFileSync } from 'node:fs';
import path from 'node:path';

const SEMVER_TAG =
  /^v(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*)(?:\.(?:0|[1-9]\d*|\d*[A-Za-z-][0-9A-Za-z-]*))*))?$/;

export interface ReleaseTag {
  version: string;
  /** The moving major tag, e.g. `v1`. */
  major: string;
  prerelease: boolean;
}

export function parseReleaseTag(tag: string): ReleaseTag {
  const match = SEMVER_TAG.exec(tag);
  if (!match) {
    throw new Error(`'${tag}' is not a release tag: expected v<major>.<minor>.<patch>[-<pre>]`);
  }
  return { version: tag.slice(1), major: `v${match[1]}`, prerelease: match[4] !== undefined };
}

/**
 * The body of the `## [version] - date` section of a Keep a Changelog file. Throws when the
 * section is missing, still marked Unreleased, or empty.
 */
export function changelogSection(changelog: string, version: string): string {
  const lines = changelog.split(/\r?\n/);
  const heading = /^## \[([^\]]+)\](.*)$/;
  const start = lines.findIndex((line) => heading.exec(line)?.[1] === version);
  if (start < 0) throw new Error(`CHANGELOG.md has no '## [${version}]' section`);
  const date = (heading.exec(lines[start] ?? '')?.[2] ?? '').replace(/^\s*[-–—]\s*/, '').trim();
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new Error(
      `CHANGELOG.md section '${version}' is dated '${date || '(nothing)'}': replace it with the release date (YYYY-MM-DD) before tagging`,
    );
  }
  let end = lines.findIndex((line, index) => index > start && /^## /.test(line));
  if (end < 0) end = lines.length;
  // Link reference definitions at the bottom ([1.0.0]: https://…) belong to no section.
  const body = lines
    .slice(start + 1, end)
    .filter((line) => !/^\[[^\]]+\]:\s/.test(line))
    .join('\n')
    .trim();
  if (!body) throw new Error(`CHANGELOG.md section '${version}' is empty`);
  return `${body}\n`;
}

if (import.meta.main) {
  const root = path.resolve(import.meta.dirname, '..');
  try {
    const tag = parseReleaseTag(process.argv[2] ?? '');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
      version: string;
    };
    if (pkg.version !== tag.version) {
      throw new Error(`package.json has version ${pkg.version}, the tag says ${tag.version}`);
    }
    const notes = changelogSection(
      readFileSync(path.join(root, 'CHANGELOG.md'), 'utf8'),
      tag.version,
    );
    process.stdout.write(notes);
    if (process.env.GITHUB_OUTPUT) {
      appendFileSync(
        process.env.GITHUB_OUTPUT,
        `version=${tag.version}\nmajor=${tag.major}\nprerelease=${tag.prerelease}\n`,
      );
    }
  } catch (error) {
    console.error(`::error::${(error as Error).message}`);
    process.exitCode = 1;
  }
}
