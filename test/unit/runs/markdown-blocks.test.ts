import { describe, expect, it } from 'vitest';
import {
  compareOutput,
  extractCodeBlocks,
  MarkdownBlockError,
} from '../../../src/runs/markdown-blocks.ts';

const page = [
  '# Guide', // 1
  '', // 2
  '```python', // 3
  'x = 21', // 4
  '```', // 5
  '', // 6
  'Then:', // 7
  '', // 8
  '```py', // 9
  'print(x * 2)', // 10
  '```', // 11
  '<!-- run-code: expected-output -->', // 12
  '```', // 13
  '42   ', // 14
  '```', // 15
  '', // 16
  '<!-- run-code: skip -->', // 17
  '```python', // 18
  'import not_installed', // 19
  '```', // 20
  '```python skip', // 21
  'also skipped', // 22
  '```', // 23
  '<!--run-code:expect-error-->', // 24
  '', // 25
  '~~~javascript', // 26
  'throw new Error("boom")', // 27
  '~~~', // 28
  '```bash', // 29
  'echo not run', // 30
  '```', // 31
  '```', // 32
  'plain, not run', // 33
  '```', // 34
].join('\n');

describe('extractCodeBlocks', () => {
  it('finds runnable blocks with their lines, languages and markers', () => {
    const blocks = extractCodeBlocks('docs/guide.md', page);
    expect(
      blocks.map((b) => [b.number, b.line, b.language, b.code, b.skip, b.expectError]),
    ).toEqual([
      [1, 3, 'python', 'x = 21\n', false, false],
      [2, 9, 'python', 'print(x * 2)\n', false, false],
      [3, 18, 'python', 'import not_installed\n', true, false],
      [4, 21, 'python', 'also skipped\n', true, false],
      [5, 26, 'javascript', 'throw new Error("boom")\n', false, true],
    ]);
    expect(blocks[1]?.expectedOutput).toEqual({ text: '42   ', line: 13, compare: 'trimmed' });
    expect(blocks.some((b) => b.unterminated)).toBe(false);
  });

  it('reads CRLF and CR pages the same, and a BOM', () => {
    const crlf = extractCodeBlocks('p.md', '\uFEFF' + page.replace(/\n/g, '\r\n'));
    const cr = extractCodeBlocks('p.md', page.replace(/\n/g, '\r'));
    const lf = extractCodeBlocks('p.md', page);
    expect(crlf).toEqual(lf);
    expect(cr).toEqual(lf);
  });

  it('keeps a longer fence open across shorter ones and strips the fence indentation', () => {
    const text = ['  ````python', '  s = """', '  ```', '  """', ' print(s)', '  ````'].join('\n');
    const [block] = extractCodeBlocks('p.md', text);
    expect(block?.code).toBe('s = """\n```\n"""\nprint(s)\n');
  });

  it('runs an unterminated fence to the end of the page, as CommonMark renders it', () => {
    const [block] = extractCodeBlocks('p.md', 'text\n```python\nprint(1)\n');
    expect(block).toMatchObject({ line: 2, code: 'print(1)\n\n', unterminated: true });
    expect(extractCodeBlocks('p.md', '```python')[0]).toMatchObject({
      code: '',
      unterminated: true,
    });
  });

  it('accepts language spellings and attributes in the info string', () => {
    const text =
      '```JS title="a.js"\n1\n```\n```{.python}\n2\n```\n```r,skip\n3\n```\n```Java\n4\n```';
    expect(extractCodeBlocks('p.md', text).map((b) => [b.language, b.skip])).toEqual([
      ['javascript', false],
      ['python', false],
      ['r', true],
      ['java', false],
    ]);
  });

  it('ignores backtick runs that are inline code, not fences', () => {
    expect(extractCodeBlocks('p.md', '```python `x` ```\nnot a block')).toEqual([]);
  });

  it('forgets a marker separated from its block by text, but not by blank lines', () => {
    const text =
      '<!-- run-code: skip -->\nSome prose.\n```python\n1\n```\n<!-- run-code: skip -->\n\n\n```python\n2\n```';
    expect(extractCodeBlocks('p.md', text).map((b) => b.skip)).toEqual([false, true]);
  });

  it.each([
    ['<!-- run-code: sikp -->\n```python\n1\n```', 1, /unknown marker 'run-code: sikp'/],
    ['<!-- run-code: expected-output -->\n```\n1\n```', 1, /follows no code block/],
    ['```python\n1\n```\n<!-- run-code: expected-output -->\n```python\n1\n```', 4, /plain fence/],
    [
      '```python\n1\n```\n<!-- run-code: expected-output -->\n```\n1\n```\n<!-- run-code: expected-output -->\n```\n1\n```',
      8,
      /already has its expected output \(line 5\)/,
    ],
    ['<!-- run-code: skip -->\n```\nplain\n```', 1, /no language, which is never run/],
  ])('refuses a marker it cannot honour (%#)', (text, line, message) => {
    try {
      extractCodeBlocks('docs/x.md', text);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(MarkdownBlockError);
      expect((error as MarkdownBlockError).line).toBe(line);
      expect((error as Error).message).toMatch(new RegExp(`^docs/x\\.md:${line}: `));
      expect((error as Error).message).toMatch(message);
    }
  });

  it('copes with a huge page of many blocks and long fences', () => {
    const many = Array.from({ length: 5000 }, (_, i) => `\`\`\`python\nprint(${i})\n\`\`\``).join(
      '\n',
    );
    const blocks = extractCodeBlocks('big.md', many);
    expect(blocks).toHaveLength(5000);
    expect(blocks.at(-1)).toMatchObject({ number: 5000, line: 14998, code: 'print(4999)\n' });
    const fence = '`'.repeat(100_000);
    expect(extractCodeBlocks('f.md', `${fence}python\nx\n${fence}`)[0]?.code).toBe('x\n');
  });
});

describe('compareOutput', () => {
  it('matches after trimming trailing white space per line and at the end, whatever the line ends', () => {
    expect(compareOutput('a  \nb\n\n', 'a\r\nb   \r\n')).toEqual({ matches: true, diff: '' });
    expect(compareOutput('', '\n \n')).toEqual({ matches: true, diff: '' });
  });

  it('keeps leading white space and inner blank lines significant', () => {
    expect(compareOutput(' a', 'a').matches).toBe(false);
    expect(compareOutput('a\n\nb', 'a\nb').matches).toBe(false);
  });

  it('shows a line diff, expected as -, actual as +', () => {
    expect(compareOutput('one\ntwo\nthree', 'one\n2\nthree\nfour').diff).toBe(
      ['--- expected', '+++ actual', ' one', '-two', '+2', ' three', '+four'].join('\n'),
    );
  });

  it('falls back to the first difference for outputs too long to diff', () => {
    const long = Array.from({ length: 3000 }, (_, i) => `line ${i}`);
    const other = [...long];
    other[1234] = 'changed';
    expect(compareOutput(long.join('\n'), other.join('\n')).diff).toBe(
      [
        '--- expected',
        '+++ actual',
        '@@ first difference at line 1235 (outputs too long to diff in full) @@',
        '-line 1234',
        '+changed',
      ].join('\n'),
    );
  });
});
