// pytest-codeblocks' markers as its 0.17 source reads them (main.py, plugin.py), beside the
// action's own.
import { describe, expect, it } from 'vitest';
import { readMarker } from '../../../src/runs/block-markers.ts';
import { compareOutput, extractCodeBlocks } from '../../../src/runs/markdown-blocks.ts';

const lines = (...l: string[]) => l.join('\n') + '\n';

describe('reading a marker line', () => {
  it.each([
    ['<!--pytest-codeblocks:skip-->', 'skip', undefined],
    ['  <!-- pytest-codeblocks: skip -->', 'skip', undefined],
    ['<!----pytest-codeblocks:cont---->', 'cont', undefined],
    ['<!--pytest-codeblocks:expect-exception-->', 'expect-error', undefined],
    ['<!--pytest-codeblocks:expect-error-->', 'expect-error', undefined],
    ['<!--pytest-codeblocks:expected-output-->', 'expected-output', undefined],
    [
      '<!--pytest-codeblocks:skipif(sys.version_info < (3, 8))-->',
      'skipif',
      'sys.version_info < (3, 8)',
    ],
    ['<!--pytest-codeblocks:importorskip(numpy.linalg)-->', 'importorskip', 'numpy.linalg'],
    ['<!--pytest.mark.skip-->', 'skip', undefined],
    ['<!--pytest.mark.skip(reason="slow")-->', 'skip', undefined],
    [
      '<!--pytest.mark.skipif(sys.platform == "win32", reason="posix")-->',
      'skipif',
      'sys.platform == "win32", reason="posix"',
    ],
    ['<!--pytest.mark.xfail-->', 'expect-error', undefined],
    ['<!--pytest.mark.xfail(reason="known")-->', 'expect-error', undefined],
    ['<!-- run-code: skip -->', 'skip', undefined],
  ])('%s', (line, kind, argument) => {
    const marker = readMarker('p.md', 3, line);
    expect(marker?.kind).toBe(kind);
    expect(marker?.argument).toBe(argument);
  });

  it('compares pytest-codeblocks expected output exactly, or without white space', () => {
    expect(readMarker('p.md', 1, '<!--pytest-codeblocks:expected-output-->')?.compare).toBe(
      'exact',
    );
    expect(
      readMarker('p.md', 1, '<!--pytest-codeblocks:expected-output-ignore-whitespace-->')?.compare,
    ).toBe('ignore-whitespace');
    expect(readMarker('p.md', 1, '<!-- run-code: expected-output -->')?.compare).toBe('trimmed');
  });

  it('is no marker for other comments and text', () => {
    expect(readMarker('p.md', 1, '<!-- a comment -->')).toBeUndefined();
    expect(readMarker('p.md', 1, 'pytest-codeblocks:skip')).toBeUndefined();
  });

  it.each([
    [
      '<!--pytest-codeblocks:skipp-->',
      /^p\.md:7: unknown pytest-codeblocks marker 'pytest-codeblocks:skipp'; the action accepts 'skip'/,
    ],
    [
      '<!--pytest-codeblocks:skipif()-->',
      /^p\.md:7: 'pytest-codeblocks:skipif\(\)' has no condition/,
    ],
    [
      '<!--pytest-codeblocks:importorskip("numpy")-->',
      /^p\.md:7: .*needs a module name as written for import/,
    ],
    ['<!--pytest-codeblocks:importorskip-->', /^p\.md:7: unknown pytest-codeblocks marker/],
    [
      '<!--pytest.mark.parametrize("x", [1])-->',
      /^p\.md:7: unsupported marker 'pytest\.mark\.parametrize/,
    ],
    [
      '<!--pytest.mark.xfail(sys.platform == "x")-->',
      /^p\.md:7: unsupported marker 'pytest\.mark\.xfail/,
    ],
  ])('refuses %s naming the page and line', (line, message) => {
    expect(() => readMarker('p.md', 7, line)).toThrow(message);
  });

  it('clips a huge unknown marker in its message', () => {
    const huge = `<!--pytest-codeblocks:${'x'.repeat(100_000)}-->`;
    expect(() => readMarker('p.md', 7, huge)).toThrow(
      /^p\.md:7: unknown pytest-codeblocks marker 'pytest-codeblocks:x{59}\.\.\.'; the action accepts/,
    );
  });
});

describe('pytest-codeblocks markers on a page', () => {
  it('skips, expects an exception, and keeps skip conditions for the sandbox', () => {
    const blocks = extractCodeBlocks(
      'p.md',
      lines(
        '<!--pytest-codeblocks:skip-->', // 1
        '```python', // 2
        'a', // 3
        '```', // 4
        '<!--pytest-codeblocks:expect-exception-->', // 5
        '```python', // 6
        '1 / 0', // 7
        '```', // 8
        '<!--pytest-codeblocks:skipif(sys.version_info < (3, 0))-->', // 9
        '<!--pytest-codeblocks:importorskip(numpy)-->', // 10
        '```python', // 11
        'import numpy', // 12
        '```', // 13
      ),
    );
    expect(blocks.map((b) => [b.line, b.skip, b.expectError, b.expectErrorMarker])).toEqual([
      [2, true, false, undefined],
      [6, false, true, 'pytest-codeblocks:expect-exception'],
      [11, false, false, undefined],
    ]);
    expect(blocks[2]!.conditions).toEqual([
      { kind: 'skipif', argument: 'sys.version_info < (3, 0)', line: 9 },
      { kind: 'importorskip', argument: 'numpy', line: 10 },
    ]);
  });

  it('joins a cont block to the one before it: one block, its lines mapped to both fences', () => {
    const blocks = extractCodeBlocks(
      'p.md',
      lines(
        '```python', // 1
        'a = 1', // 2
        '```', // 3
        'Some prose.', // 4
        '<!--pytest-codeblocks:cont-->', // 5
        '```python', // 6
        'print(a + 1)', // 7
        'print(a + 2)', // 8
        '```', // 9
      ),
    );
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.code).toBe('a = 1\nprint(a + 1)\nprint(a + 2)\n');
    expect(blocks[0]!.pageLines).toEqual([2, 7, 8]);
  });

  it('keeps a pytest-codeblocks marker across prose, as pytest-codeblocks does', () => {
    const blocks = extractCodeBlocks(
      'p.md',
      lines('<!--pytest-codeblocks:skip-->', 'Prose between.', '', '```python', 'x', '```'),
    );
    expect(blocks[0]!.skip).toBe(true);
  });

  it('takes the next fence, of any info string, as the expected stdout, compared exactly', () => {
    const blocks = extractCodeBlocks(
      'p.md',
      lines(
        '```python', // 1
        'print(1 + 3)', // 2
        '```', // 3
        '<!--pytest-codeblocks:expected-output-->', // 4
        '```text', // 5
        '4', // 6
        '```', // 7
      ),
    );
    expect(blocks).toHaveLength(1);
    expect(blocks[0]!.expectedOutput).toEqual({ text: '4\n', line: 5, compare: 'exact' });
  });

  it('applies expected output to the last fence even when it is not run (a shell block)', () => {
    const blocks = extractCodeBlocks(
      'p.md',
      lines(
        '```python',
        'x = 1',
        '```',
        '```sh',
        'echo 4',
        '```',
        '<!--pytest-codeblocks:expected-output-->',
        '```',
        '4',
        '```',
      ),
    );
    expect(blocks[0]!.expectedOutput).toBeUndefined();
  });

  it('skips the whole page for skipfile on the first line, and refuses it anywhere else', () => {
    expect(
      extractCodeBlocks(
        'p.md',
        lines('<!--pytest-codeblocks:skipfile-->', '```python', 'x', '```'),
      ),
    ).toEqual([]);
    expect(() =>
      extractCodeBlocks('p.md', lines('# Title', '<!--pytest-codeblocks:skipfile-->')),
    ).toThrow(/^p\.md:2: '<!--pytest-codeblocks:skipfile-->' skips a page only as its first line/);
  });

  it.each([
    [
      lines('<!--pytest-codeblocks:cont-->', '```python', 'x', '```'),
      /^p\.md:1: 'pytest-codeblocks:cont' follows no code block/,
    ],
    [
      lines('<!--pytest-codeblocks:expected-output-->', '```', '4', '```'),
      /^p\.md:1: 'pytest-codeblocks:expected-output' follows no code block/,
    ],
    [
      lines(
        '```python',
        'x',
        '```',
        '<!-- run-code: skip -->',
        '<!--pytest-codeblocks:cont-->',
        '```python',
        'y',
        '```',
      ),
      /^p\.md:4: 'run-code: skip' stands before a block that 'pytest-codeblocks:cont' makes part of another/,
    ],
    [
      lines(
        '```pycon',
        '>>> 1',
        '1',
        '```',
        '<!--pytest-codeblocks:cont-->',
        '```python',
        'y',
        '```',
      ),
      /^p\.md:5: 'pytest-codeblocks:cont' cannot join a block to a >>> session/,
    ],
  ])('refuses a marker that cannot apply: %#', (text, message) => {
    expect(() => extractCodeBlocks('p.md', text)).toThrow(message);
  });
});

describe('>>> sessions', () => {
  it('are doctests in a pycon fence, or a python fence whose first line starts with >>>', () => {
    const blocks = extractCodeBlocks(
      'p.md',
      lines(
        '```pycon',
        '>>> 1 + 1',
        '2',
        '```',
        '```python',
        '',
        '>>> x = 1',
        '```',
        '```python',
        'x = 1  # >>>',
        '```',
      ),
    );
    expect(blocks.map((b) => [b.language, b.doctest])).toEqual([
      ['python', true],
      ['python', true],
      ['python', false],
    ]);
  });
});

describe('comparing output as pytest-codeblocks does', () => {
  it('exactly: trailing white space and a missing newline count', () => {
    expect(compareOutput('4\n', '4\n', 'exact').matches).toBe(true);
    expect(compareOutput('4\n', '4 \n', 'exact').matches).toBe(false);
    expect(compareOutput('4\n', '4', 'exact').matches).toBe(false);
    expect(compareOutput('4\n', '4 \n', 'exact').diff).toMatch(/differ in white space at line 1/);
    // The action's own marker trims.
    expect(compareOutput('4', '4 \n').matches).toBe(true);
  });

  it('without any white space', () => {
    expect(compareOutput('[1, 2]\n', '[1,2]', 'ignore-whitespace').matches).toBe(true);
    expect(compareOutput('[1, 2]\n', '[1,3]', 'ignore-whitespace').matches).toBe(false);
  });
});
