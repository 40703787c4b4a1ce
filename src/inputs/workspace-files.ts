// Workspace paths and glob patterns → the files they name, never leaving the workspace.
// Inputs that take files from the repository (`file`, `upload`, `markdown`) share this, so
// confinement, pattern syntax and error wording are the same everywhere.
import { lstatSync, readdirSync, realpathSync, statSync, type Dirent, type Stats } from 'node:fs';
import path from 'node:path';
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
export const MAX_PATTERN_LENGTH = 1024;
export const MAX_PATTERNS = 256;
/** Brace alternatives one pattern may expand to ({a,b}{c,d} is 4). */
export const MAX_BRACE_EXPANSIONS = 256;

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
      if (found.size > maxFiles) {
        throw new InputError(input, `matches more than ${maxFiles} files; narrow its patterns`);
      }
    }
  }
  return [...found.values()];
}

// ---------------------------------------------------------------------------------------------
// Pattern syntax: '/'-separated, relative to the workspace. `*` and `?` stay within one name,
// `**` as a whole segment spans directories, `[abc]`/`[a-z]`/`[!a]` are classes, `{a,b}`
// alternatives, `\` escapes the next character. Wildcards do not match a leading '.' unless
// the pattern spells it (so `.git` is never swept in); in `!` lines they do.

type Token =
  | { kind: 'star' }
  | { kind: 'one' }
  | { kind: 'char'; char: string }
  | { kind: 'class'; negated: boolean; ranges: Array<[string, string]> };

type Segment = { kind: 'globstar' } | { kind: 'name'; tokens: Token[]; literal: string | null };

interface Glob {
  segments: Segment[];
  matchDots: boolean;
}

function parseLine(input: string, body: string, line: string): Glob[] {
  if (line.length > MAX_PATTERN_LENGTH) {
    throw new InputError(
      input,
      `lines must be at most ${MAX_PATTERN_LENGTH} characters; one has ${line.length}`,
    );
  }
  if (body.includes('\0'))
    throw new InputError(input, `line '${printable(line)}' contains a NUL character`);
  if (!body.trim()) throw new InputError(input, `line '${line}' has no path after '!'`);
  if (body.startsWith('/') || /^[A-Za-z]:[\\/]/.test(body) || body.startsWith('~')) {
    throw new InputError(
      input,
      `takes paths relative to the workspace; '${line}' is absolute (write it relative to the repository root)`,
    );
  }
  return expandBraces(input, body, line).map((alternative) => {
    const segments: Segment[] = [];
    for (const raw of splitSegments(alternative)) {
      if (raw === '' || raw === '.') continue;
      if (raw === '..') {
        throw new InputError(input, `must stay inside the workspace; '${line}' contains '..'`);
      }
      segments.push(raw === '**' ? { kind: 'globstar' } : parseSegment(raw));
    }
    if (segments.length === 0) {
      throw new InputError(
        input,
        `line '${line}' names the workspace itself; name files or a pattern`,
      );
    }
    return { segments, matchDots: false };
  });
}

/** Splits on unescaped '/', keeping escapes for the segment parser. */
function splitSegments(pattern: string): string[] {
  const out: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\' && i + 1 < pattern.length) {
      current += c + pattern[++i];
    } else if (c === '/') {
      out.push(current);
      current = '';
    } else {
      current += c;
    }
  }
  out.push(current);
  return out;
}

function parseSegment(raw: string): Segment {
  const tokens: Token[] = [];
  const chars = Array.from(raw);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i] as string;
    if (c === '\\' && i + 1 < chars.length) {
      tokens.push({ kind: 'char', char: chars[++i] as string });
    } else if (c === '*') {
      // '**' inside a name is just '*'; consecutive stars collapse.
      if (tokens.at(-1)?.kind !== 'star') tokens.push({ kind: 'star' });
    } else if (c === '?') {
      tokens.push({ kind: 'one' });
    } else if (c === '[') {
      const parsed = parseClass(chars, i);
      if (parsed) {
        tokens.push(parsed.token);
        i = parsed.end;
      } else {
        tokens.push({ kind: 'char', char: c });
      }
    } else {
      tokens.push({ kind: 'char', char: c });
    }
  }
  const literal = tokens.every((t) => t.kind === 'char')
    ? tokens.map((t) => (t as { char: string }).char).join('')
    : null;
  return { kind: 'name', tokens, literal };
}

function parseClass(chars: string[], open: number): { token: Token; end: number } | undefined {
  let i = open + 1;
  let negated = false;
  if (chars[i] === '!' || chars[i] === '^') {
    negated = true;
    i++;
  }
  const ranges: Array<[string, string]> = [];
  let first = true;
  for (; i < chars.length; i++) {
    let c = chars[i] as string;
    if (c === ']' && !first) return { token: { kind: 'class', negated, ranges }, end: i };
    first = false;
    if (c === '\\' && i + 1 < chars.length) c = chars[++i] as string;
    if (chars[i + 1] === '-' && i + 2 < chars.length && chars[i + 2] !== ']') {
      let hi = chars[i + 2] as string;
      i += 2;
      if (hi === '\\' && i + 1 < chars.length) hi = chars[++i] as string;
      ranges.push([c, hi]);
    } else {
      ranges.push([c, c]);
    }
  }
  return undefined; // no closing ']': the '[' is a literal character
}

/** `{a,b}` → alternatives, nested allowed; an unbalanced or single-item brace stays literal. */
function expandBraces(input: string, pattern: string, line: string): string[] {
  let results = [pattern];
  for (;;) {
    const next: string[] = [];
    let changed = false;
    for (const p of results) {
      const split = firstBrace(p);
      if (!split) {
        next.push(p);
        continue;
      }
      changed = true;
      for (const option of split.options) next.push(split.before + option + split.after);
      if (next.length > MAX_BRACE_EXPANSIONS) {
        throw new InputError(
          input,
          `line '${line}' expands to more than ${MAX_BRACE_EXPANSIONS} alternatives; split it into several lines`,
        );
      }
    }
    results = next;
    if (!changed) return results;
  }
}

function firstBrace(p: string): { before: string; options: string[]; after: string } | undefined {
  for (let start = 0; start < p.length; start++) {
    if (p[start] === '\\') {
      start++;
      continue;
    }
    if (p[start] !== '{') continue;
    let depth = 0;
    const commas: number[] = [];
    for (let i = start; i < p.length; i++) {
      const c = p[i];
      if (c === '\\') {
        i++;
      } else if (c === '{') {
        depth++;
      } else if (c === '}') {
        depth--;
        if (depth === 0) {
          if (commas.length === 0) break; // `{x}` is literal
          const cuts = [start, ...commas, i];
          const options = cuts.slice(1).map((end, k) => p.slice((cuts[k] as number) + 1, end));
          return { before: p.slice(0, start), options, after: p.slice(i + 1) };
        }
      } else if (c === ',' && depth === 1) {
        commas.push(i);
      }
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Matching. Both levels are dynamic programmes, linear in pattern × name, so no pattern can
// make matching slow (a regular expression with many stars can backtrack for a long time).

function matchName(tokens: readonly Token[], name: string, matchDots: boolean): boolean {
  const chars = Array.from(name);
  if (!matchDots && chars[0] === '.' && (tokens[0]?.kind !== 'char' || tokens[0].char !== '.')) {
    return false;
  }
  let t = 0;
  let c = 0;
  let starT = -1;
  let starC = 0;
  while (c < chars.length) {
    const token = tokens[t];
    if (token && token.kind !== 'star' && tokenMatches(token, chars[c] as string)) {
      t++;
      c++;
    } else if (token?.kind === 'star') {
      starT = t++;
      starC = c;
    } else if (starT >= 0) {
      t = starT + 1;
      c = ++starC;
    } else {
      return false;
    }
  }
  while (tokens[t]?.kind === 'star') t++;
  return t === tokens.length;
}

function tokenMatches(token: Token, char: string): boolean {
  switch (token.kind) {
    case 'one':
      return char !== '/';
    case 'char':
      return token.char === char;
    case 'class': {
      const inside = token.ranges.some(([lo, hi]) => char >= lo && char <= hi);
      return inside !== token.negated;
    }
    default:
      return false;
  }
}

/**
 * How far through the pattern a path can get: the set of pattern positions i such that the
 * first i segments can match all of `names`. Position === segments.length means a full match.
 */
function reachable(glob: Glob, names: readonly string[]): Set<number> {
  const { segments, matchDots } = glob;
  let current = closeGlobstars(segments, new Set([0]));
  for (const name of names) {
    const next = new Set<number>();
    for (const i of current) {
      const segment = segments[i];
      if (!segment) continue;
      if (segment.kind === 'globstar') {
        if (matchDots || !name.startsWith('.')) next.add(i);
      } else if (matchName(segment.tokens, name, matchDots)) {
        next.add(i + 1);
      }
    }
    current = closeGlobstars(segments, next);
    if (current.size === 0) break;
  }
  return current;
}

/** A globstar may match zero segments, so reaching it also reaches what follows. */
function closeGlobstars(segments: readonly Segment[], positions: Set<number>): Set<number> {
  const out = new Set(positions);
  for (const i of [...positions].sort((a, b) => a - b)) {
    let k = i;
    while (segments[k]?.kind === 'globstar') out.add(++k);
  }
  return out;
}

function fullMatch(glob: Glob, names: readonly string[]): boolean {
  return reachable(glob, names).has(glob.segments.length);
}

function isExcluded(relative: string, excludes: readonly Glob[]): boolean {
  const names = relative.split('/');
  return excludes.some((glob) => fullMatch(glob, names));
}

/** A directory every descendant of which is excluded (`!node_modules/**`) is not walked. */
function isExcludedTree(names: readonly string[], excludes: readonly Glob[]): boolean {
  return excludes.some((glob) => {
    const last = glob.segments.length - 1;
    return glob.segments[last]?.kind === 'globstar' && reachable(glob, names).has(last);
  });
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

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
