import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../src/inputs/input-error.ts';
import {
  expandWorkspaceFiles,
  isPattern,
  patternLines,
  resolveWorkspaceFile,
} from '../../../src/inputs/workspace-files.ts';

let base: string;
let ws: string;

function put(relative: string, content = 'x'): void {
  const full = path.join(ws, relative);
  mkdirSync(path.dirname(full), { recursive: true });
  writeFileSync(full, content);
}

function paths(lines: string[], limits = {}): string[] {
  return expandWorkspaceFiles('file', lines, ws, limits).map((f) => f.path);
}

function errorOf(fn: () => unknown): InputError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error('expected an InputError');
}

beforeAll(() => {
  base = realpathSync(mkdtempSync(path.join(tmpdir(), 'ws-files-')));
  ws = path.join(base, 'ws');
  mkdirSync(ws);
  put('a.py', 'print(1)');
  put('b.js', 'console.log(1)');
  put('scripts/one.py');
  put('scripts/two.py');
  put('scripts/deep/three.py');
  put('scripts/deep/four.mjs');
  put('scripts/.hidden.py');
  put('.github/workflows/ci.py');
  put('.git/hooks/evil.py');
  put('node_modules/pkg/index.js');
  put('node_modules/pkg/.bin/tool.js');
  put('docs/with space/é ü.md', '# t');
  put('docs/guide.md');
  put('docs/api.md');
  put('weird/*star.py');
  put('weird/..dots.py');
  put('weird/[x].py');
  writeFileSync(path.join(base, 'outside.py'), 'secret');
  mkdirSync(path.join(base, 'outdir'));
  writeFileSync(path.join(base, 'outdir', 'o.py'), 'secret');
  symlinkSync(path.join(ws, 'a.py'), path.join(ws, 'link-in.py'));
  mkdirSync(path.join(ws, 'links'));
  symlinkSync(path.join(base, 'outside.py'), path.join(ws, 'links', 'out.py'));
  symlinkSync(path.join(base, 'outdir'), path.join(ws, 'links', 'outdir'));
  symlinkSync('.', path.join(ws, 'scripts', 'loop'));
  symlinkSync(path.join(ws, 'nowhere'), path.join(ws, 'dangling.py'));
});

afterAll(() => rmSync(base, { recursive: true, force: true }));

describe('patternLines', () => {
  it('splits LF, CRLF and CR lines, trims, drops blanks and comments', () => {
    expect(patternLines(' a.py \r\n\r\n# note\r!b.js\n  \n\\#hash.py')).toEqual([
      'a.py',
      '!b.js',
      '\\#hash.py',
    ]);
  });

  it('tells one plain path from a pattern', () => {
    expect(isPattern('scripts/one.py')).toBe(false);
    expect(isPattern('scripts/*.py')).toBe(true);
    expect(isPattern('!a.py')).toBe(true);
    expect(isPattern('{a,b}.py')).toBe(true);
    expect(isPattern('weird/\\*star.py')).toBe(false);
  });
});

describe('expandWorkspaceFiles', () => {
  it('expands plain paths, one-level and recursive wildcards', () => {
    expect(paths(['a.py'])).toEqual(['a.py']);
    expect(paths(['*.py'])).toEqual(['a.py', 'link-in.py']);
    expect(paths(['scripts/*.py'])).toEqual(['scripts/one.py', 'scripts/two.py']);
    expect(paths(['scripts/**/*.py'])).toEqual([
      'scripts/deep/three.py',
      'scripts/one.py',
      'scripts/two.py',
    ]);
  });

  it('never sweeps in dot files or dot directories unless the pattern spells the dot', () => {
    const all = paths(['**/*.py', '!links/**', '!dangling.py']);
    expect(all).not.toContain('scripts/.hidden.py');
    expect(all.some((p) => p.startsWith('.git'))).toBe(false);
    expect(paths(['.github/**/*.py'])).toEqual(['.github/workflows/ci.py']);
    expect(paths(['scripts/.*.py'])).toEqual(['scripts/.hidden.py']);
  });

  it('stands a directory path for every file below it', () => {
    expect(paths(['scripts/deep'])).toEqual(['scripts/deep/four.mjs', 'scripts/deep/three.py']);
    expect(paths(['scripts/deep/'])).toEqual(['scripts/deep/four.mjs', 'scripts/deep/three.py']);
  });

  it('excludes with ! lines wherever they stand, including dot files below an excluded tree', () => {
    expect(paths(['!scripts/two.py', 'scripts/*.py'])).toEqual(['scripts/one.py']);
    expect(paths(['scripts/**', '!**/deep/**'])).toEqual(['scripts/one.py', 'scripts/two.py']);
    expect(paths(['node_modules/**/*', '!node_modules/**'].slice(0, 1))).toEqual([
      'node_modules/pkg/index.js',
    ]);
    expect(() => paths(['node_modules/pkg/**', '!node_modules/**'])).toThrow(/only files that/);
  });

  it('runs a file matched by overlapping lines once, at its first match', () => {
    expect(paths(['scripts/two.py', 'scripts/*.py', 'scripts/**/*.py', '*.py'])).toEqual([
      'scripts/two.py',
      'scripts/one.py',
      'scripts/deep/three.py',
      'a.py',
      'link-in.py',
    ]);
  });

  it('supports braces, classes, ? and escapes', () => {
    expect(paths(['{a.py,b.js}'])).toEqual(['a.py', 'b.js']);
    expect(paths(['scripts/{one,deep/three}.py'])).toEqual([
      'scripts/deep/three.py',
      'scripts/one.py',
    ]);
    expect(paths(['scripts/[ot]*.py'])).toEqual(['scripts/one.py', 'scripts/two.py']);
    expect(paths(['scripts/[!o]*.py'])).toEqual(['scripts/two.py']);
    expect(paths(['scripts/t?o.py'])).toEqual(['scripts/two.py']);
    expect(paths(['weird/\\*star.py'])).toEqual(['weird/*star.py']);
    expect(paths(['weird/\\[x].py'])).toEqual(['weird/[x].py']);
    expect(paths(['weird/..dots.py'])).toEqual(['weird/..dots.py']);
  });

  it('handles spaces and non-ASCII names', () => {
    expect(paths(['docs/with space/*.md'])).toEqual(['docs/with space/é ü.md']);
    expect(paths(['docs/**/é*'])).toEqual(['docs/with space/é ü.md']);
  });

  it('names the line that matched nothing', () => {
    expect(errorOf(() => paths(['a.py', 'nothing/*.py'])).message).toMatch(
      /^Input 'file' line 'nothing\/\*\.py' matches no file in the workspace/,
    );
    expect(errorOf(() => paths(['missing.py'])).message).toMatch(/'missing.py' matches no file/);
    expect(errorOf(() => paths(['!a.py'])).message).toMatch(/only exclusions/);
    expect(errorOf(() => paths(['a.py', '!'])).message).toMatch(/no path after '!'/);
  });

  it('refuses to leave the workspace by .., absolute paths or home', () => {
    for (const line of ['../outside.py', 'scripts/../../outside.py', '!../x', 'a/**/..']) {
      expect(errorOf(() => paths([line])).message).toMatch(/contains '\.\.'/);
    }
    for (const line of [path.join(base, 'outside.py'), '/etc/passwd', '~/x', 'C:\\x', 'c:/x']) {
      expect(errorOf(() => paths([line])).message).toMatch(/is absolute/);
    }
    expect(errorOf(() => paths(['.'])).message).toMatch(/workspace itself/);
  });

  it('follows links to files inside, refuses links out, does not walk linked directories', () => {
    const [linked] = expandWorkspaceFiles('upload', ['link-in.py'], ws);
    expect(linked).toEqual({ path: 'link-in.py', realPath: path.join(ws, 'a.py'), size: 8 });
    expect(errorOf(() => paths(['links/out.py'])).message).toMatch(
      /must stay inside the workspace; 'links\/out.py' .* is a link to/,
    );
    expect(errorOf(() => paths(['links/*.py'])).message).toMatch(/is a link to/);
    expect(errorOf(() => paths(['links/outdir/o.py'])).message).toMatch(/is a link to/);
    // A loop (scripts/loop -> .) and a dangling link are never followed.
    expect(paths(['scripts/**/one.py'])).toEqual(['scripts/one.py']);
    expect(() => paths(['dangling.py'])).toThrow(/matches no file/);
    expect(paths(['*.py', '!dangling.py'])).toEqual(['a.py', 'link-in.py']);
  });

  it('returns the real path and size of each file', () => {
    const [file] = expandWorkspaceFiles('file', ['b.js'], ws);
    expect(file).toEqual({ path: 'b.js', realPath: path.join(ws, 'b.js'), size: 14 });
  });
});

describe('hostile patterns and trees', () => {
  it('bounds the number of lines, their length and brace expansion', () => {
    expect(() => paths(Array.from({ length: 257 }, () => 'a.py'))).toThrow(/at most 256 lines/);
    expect(() => paths([`${'x'.repeat(1025)}`])).toThrow(/at most 1024 characters/);
    expect(() => paths(['{a,b}'.repeat(9)])).toThrow(/more than 256 alternatives/);
    expect(() => paths(['a\0.py'])).toThrow(/NUL/);
  });

  it('matches many-star patterns against long names without backtracking blow-up', () => {
    const name = `${'a'.repeat(200)}.py`;
    put(`stars/${name}`);
    expect(paths([`stars/${'*a'.repeat(60)}*.py`])).toEqual([`stars/${name}`]);
    expect(() => paths([`stars/${'*a'.repeat(60)}*b`])).toThrow(/matches no file/);
  });

  it('walks a deeply nested tree without recursion', () => {
    const deep = Array.from({ length: 200 }, () => 'd').join('/');
    put(`nest/${deep}/leaf.py`);
    expect(paths(['nest/**/leaf.py'])).toEqual([`nest/${deep}/leaf.py`]);
  });

  it('stops at the file and scan ceilings with a message that says what to do', () => {
    for (let i = 0; i < 30; i++) put(`many/f${i}.txt`);
    expect(() => paths(['many/*'], { maxFiles: 29 })).toThrow(
      /matches 30 files, at most 29 in one step; narrow/,
    );
    expect(paths(['many/*'], { maxFiles: 30 })).toHaveLength(30);
    expect(() => paths(['many/*'], { maxScanned: 10 })).toThrow(/scans more than 10/);
  });

  it('treats an unclosed class or brace as literal text', () => {
    put('odd/[oops.py');
    put('odd/{oops.py');
    expect(paths(['odd/[oops.py'])).toEqual(['odd/[oops.py']);
    expect(paths(['odd/{oops.py'])).toEqual(['odd/{oops.py']);
  });
});

describe('resolveWorkspaceFile', () => {
  it('keeps the single-file messages', () => {
    expect(() => resolveWorkspaceFile('file', 'nope.py', ws)).toThrow(/does not exist/);
    expect(() => resolveWorkspaceFile('file', '../outside.py', ws)).toThrow(/resolves outside/);
    expect(() => resolveWorkspaceFile('file', 'links/out.py', ws)).toThrow(/resolves outside/);
    expect(() => resolveWorkspaceFile('file', 'scripts', ws)).toThrow(/regular file/);
    expect(resolveWorkspaceFile('file', './scripts/../a.py', ws).path).toBe('a.py');
    expect(resolveWorkspaceFile('file', 'weird/..dots.py', ws).path).toBe('weird/..dots.py');
  });
});
