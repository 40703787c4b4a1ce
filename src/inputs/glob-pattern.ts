// The pattern syntax of the inputs that name workspace files: parsed into globs and matched
// name by name, so the walk (workspace-files.ts) visits only what a pattern can reach.
// Pattern syntax: '/'-separated, relative to the workspace. `*` and `?` stay within one name,
// `**` as a whole segment spans directories, `[abc]`/`[a-z]`/`[!a]` are classes, `{a,b}`
// alternatives, `\` escapes the next character. Wildcards do not match a leading '.' unless
// the pattern spells it (so `.git` is never swept in); in `!` lines they do.

import { InputError } from './input-error.ts';

export const MAX_PATTERN_LENGTH = 1024;
/** Brace alternatives one pattern may expand to ({a,b}{c,d} is 4). */
export const MAX_BRACE_EXPANSIONS = 256;

type Token =
  | { kind: 'star' }
  | { kind: 'one' }
  | { kind: 'char'; char: string }
  | { kind: 'class'; negated: boolean; ranges: Array<[string, string]> };

export type Segment =
  { kind: 'globstar' } | { kind: 'name'; tokens: Token[]; literal: string | null };

export interface Glob {
  segments: Segment[];
  matchDots: boolean;
}

export function parseLine(input: string, body: string, line: string): Glob[] {
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
export function reachable(glob: Glob, names: readonly string[]): Set<number> {
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

export function isExcluded(relative: string, excludes: readonly Glob[]): boolean {
  const names = relative.split('/');
  return excludes.some((glob) => fullMatch(glob, names));
}

/** A directory every descendant of which is excluded (`!node_modules/**`) is not walked. */
export function isExcludedTree(names: readonly string[], excludes: readonly Glob[]): boolean {
  return excludes.some((glob) => {
    const last = glob.segments.length - 1;
    return glob.segments[last]?.kind === 'globstar' && reachable(glob, names).has(last);
  });
}

function printable(text: string): string {
  return JSON.stringify(text).slice(1, -1);
}
