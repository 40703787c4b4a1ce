// Workspace paths and glob patterns → the files they name, never leaving the workspace.
// Inputs that take files from the repository (`file`, `upload`, `markdown`) share this, so
// confinement, pattern syntax and error wording are the same everywhere.
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
import {
  isExcluded,
  isExcludedTree,
  parseLine,
  reachable,
  type Glob,
  type Segment,
} from './glob-pattern.ts';
import { InputError } from './input-error.ts';

/** A regular file inside the workspace. */
export interface WorkspaceFile {
  /** Relative to the workspace, '/'-separated, as matched (links not resolved). */
  path: string;
  /** Absolute path after following links; always inside the workspace. */
  realPath: string;
  size: number;
}

export interface ExpandLimits {
  /** More matches than this is an error (default 1000). */
  maxFiles?: number;
  /** Directory entries a single pattern may visit before it is called too broad (default 100 000). */
  maxScanned?: number;
}

export const DEFAULT_MAX_FILES = 1000;
export const DEFAULT_MAX_SCANNED = 100_000;
export const MAX_PATTERNS = 256;

/**
 * The lines of a multi-line input: trimmed, without blank lines and `#` comments
 * (a path starting with '#' can be written as `\#name`).
 */
export function patternLines(value: string): string[] {
  return value
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** True when a line holds a wildcard (`*`, `?`, `[…]`, `{a,b}`) or an exclusion, not one plain path. */
export function isPattern(line: string): boolean {
  return line.startsWith('!') || /(^|[^\\])[*?[{]/.test(line);
}

/**
 * One path, as the single-file `file` input has always taken it: it must exist, be a regular
 * file, and stay inside the workspace both as written and after following links.
 */
export function resolveWorkspaceFile(
  input: string,
  file: string,
  workspace: string,
): WorkspaceFile {
  const root = realpathSync(workspace);
  const candidate = path.resolve(root, file);
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    throw new InputError(input, `names '${file}', which does not exist in the workspace (${root})`);
  }
  if (!isInside(root, candidate) || !isInside(root, real)) {
    throw new InputError(
      input,
      `must be a path inside the workspace; '${file}' resolves outside it`,
    );
  }
  const stats = statSync(real);
  if (!stats.isFile())
    throw new InputError(input, `must name a regular file; '${file}' is not one`);
  return { path: toPosix(path.relative(root, candidate)), realPath: real, size: stats.size };
}

/**
 * Expands path and glob lines into files. A file matched by several lines appears once, at
 * its first match; within one line matches are sorted by path. `!pattern` lines exclude,
 * whatever their position. A positive line that matches nothing is an error naming it.
 */
export function expandWorkspaceFiles(
  input: string,
  lines: readonly string[],
  workspace: string,
  limits: ExpandLimits = {},
): WorkspaceFile[] {
  const maxFiles = limits.maxFiles ?? DEFAULT_MAX_FILES;
  const maxScanned = limits.maxScanned ?? DEFAULT_MAX_SCANNED;
  if (lines.length > MAX_PATTERNS) {
    throw new InputError(input, `may hold at most ${MAX_PATTERNS} lines; it has ${lines.length}`);
  }
  const root = realpathSync(workspace);
  const includes: Array<{ line: string; globs: Glob[] }> = [];
  const excludes: Glob[] = [];
  for (const line of lines) {
    const negated = line.startsWith('!');
    const globs = parseLine(input, negated ? line.slice(1) : line, line);
    if (negated) excludes.push(...globs.map((g) => ({ ...g, matchDots: true })));
    else includes.push({ line, globs });
  }
  if (includes.length === 0) {
    throw new InputError(input, 'has only exclusions (!pattern); add a path or pattern to include');
  }

  const found = new Map<string, WorkspaceFile>();
  for (const { line, globs } of includes) {
    const matched = new Map<string, WorkspaceFile>();
    for (const glob of globs) {
      for (const file of matchGlob(input, line, glob, root, excludes, maxScanned)) {
        matched.set(file.path, file);
      }
    }
    const kept = [...matched.values()].filter((f) => !isExcluded(f.path, excludes));
    if (matched.size === 0) {
      throw new InputError(input, `line '${line}' matches no file in the workspace (${root})`);
    }
    if (kept.length === 0) {
      throw new InputError(input, `line '${line}' matches only files that a '!' line excludes`);
    }
    kept.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    for (const file of kept) {
      if (found.has(file.path)) continue;
      found.set(file.path, file);
    }
  }
  // Counted in full (the walk is bounded by maxScanned), so the message can say how many.
  if (found.size > maxFiles) {
    throw new InputError(
      input,
      `matches ${found.size} files, at most ${maxFiles} in one step; narrow its patterns`,
    );
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
// Walking the workspace.

function matchGlob(
  input: string,
  line: string,
  glob: Glob,
  root: string,
  excludes: readonly Glob[],
  maxScanned: number,
): WorkspaceFile[] {
  // Walk from the longest literal prefix, not from the workspace root.
  const prefix: string[] = [];
  for (const segment of glob.segments) {
    if (segment.kind !== 'name' || segment.literal === null) break;
    prefix.push(segment.literal);
  }
  if (prefix.length === glob.segments.length) {
    const exact = statInside(input, line, root, prefix);
    if (!exact) return [];
    if (exact.stats.isFile()) return [toFile(root, prefix, exact.real, exact.stats)];
    if (!exact.stats.isDirectory()) return [];
    // A plain directory path stands for everything below it, like `dir/**`.
    glob = { ...glob, segments: [...glob.segments, { kind: 'globstar' }, starSegment()] };
  }
  const start = statInside(input, line, root, prefix);
  if (!start?.stats.isDirectory()) return [];

  const files: WorkspaceFile[] = [];
  const pending: string[][] = [prefix];
  let scanned = 0;
  while (pending.length > 0) {
    const dirNames = pending.pop() as string[];
    let entries: Dirent[];
    try {
      entries = readdirSync(path.join(root, ...dirNames), { withFileTypes: true });
    } catch {
      continue; // unreadable directory: nothing from it can be used anyway
    }
    for (const entry of entries) {
      if (++scanned > maxScanned) {
        throw new InputError(
          input,
          `line '${line}' scans more than ${maxScanned} directory entries; narrow it (or exclude large directories with '!dir/**')`,
        );
      }
      const names = [...dirNames, entry.name];
      const positions = reachable(glob, names);
      if (positions.size === 0) continue;
      if (entry.isDirectory()) {
        if (
          !isExcludedTree(names, excludes) &&
          [...positions].some((i) => i < glob.segments.length)
        ) {
          pending.push(names);
        }
        continue;
      }
      if (!positions.has(glob.segments.length)) continue;
      if (entry.isFile()) {
        // Below the start nothing is a followed link, so the real path is the start's plus names.
        const real = path.join(start.real, ...names.slice(prefix.length));
        files.push(toFile(root, names, real, statSync(real)));
      } else if (entry.isSymbolicLink()) {
        // Links to files are followed when they stay inside; links to directories are not
        // walked (no cycles, no escaping through them).
        const target = statInside(input, line, root, names);
        if (target?.stats.isFile()) files.push(toFile(root, names, target.real, target.stats));
      }
    }
  }
  return files;
}

function starSegment(): Segment {
  return { kind: 'name', tokens: [{ kind: 'star' }], literal: null };
}

/** Stats a workspace path, refusing one that leaves the workspace through a link. */
function statInside(
  input: string,
  line: string,
  root: string,
  names: readonly string[],
): { real: string; stats: Stats } | undefined {
  const candidate = path.join(root, ...names);
  try {
    lstatSync(candidate);
  } catch {
    return undefined;
  }
  let real: string;
  try {
    real = realpathSync(candidate);
  } catch {
    return undefined; // a dangling link names nothing
  }
  if (real !== root && !isInside(root, real)) {
    throw new InputError(
      input,
      `must stay inside the workspace; '${names.join('/')}' (from '${line}') is a link to ${real}`,
    );
  }
  return { real, stats: statSync(real) };
}

function toFile(root: string, names: readonly string[], real: string, stats: Stats): WorkspaceFile {
  return {
    path: toPosix(path.relative(root, path.join(root, ...names))),
    realPath: real,
    size: stats.size,
  };
}

export function isInside(root: string, target: string): boolean {
  const relative = path.relative(root, target);
  return (
    relative !== '' &&
    relative !== '..' &&
    !relative.startsWith(`..${path.sep}`) &&
    !path.isAbsolute(relative)
  );
}

function toPosix(relative: string): string {
  return relative.split(path.sep).join('/');
}
