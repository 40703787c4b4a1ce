import { marked } from 'marked';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { annotate, ANNOTATIONS_PER_TYPE } from '../../src/report/annotations.ts';
import { findErrorLocation } from '../../src/report/error-location.ts';
import { safeMarkdown } from '../../src/report/markdown.ts';
import { withoutMagics } from '../../src/syntax-check.ts';

const CODE_10_LINES = 'x\n'.repeat(10);

describe('findErrorLocation: the formats the real service may use', () => {
  it('IPython 8 `Cell In[N], line M`, innermost user frame last', () => {
    const traceback = [
      '---------------------------------------------------------------------------',
      'ZeroDivisionError                         Traceback (most recent call last)',
      'Cell In[3], line 7',
      '      5 print("start")',
      '----> 7 f()',
      'Cell In[3], line 4, in f()',
      '----> 4     return 1 / 0',
      'ZeroDivisionError: division by zero',
    ].join('\n');
    expect(findErrorLocation('python', [traceback], CODE_10_LINES)).toEqual({
      line: 4,
      calledFrom: [7],
    });
  });

  it('`<string>` and old `<ipython-input-…>` frames; library frames are not the user code', () => {
    const text = [
      'Traceback (most recent call last):',
      '  File "<ipython-input-2-5a7c>", line 3, in <module>',
      '  File "/usr/lib/python3/json/__init__.py", line 346, in loads',
      'json.decoder.JSONDecodeError: Expecting value',
    ].join('\n');
    expect(findErrorLocation('python', [text], CODE_10_LINES)?.line).toBe(3);
    expect(
      findErrorLocation('python', ['  File "<string>", line 9\nSyntaxError: x'], CODE_10_LINES)
        ?.line,
    ).toBe(9);
  });

  it('reads through the ANSI colours of an IPython traceback', () => {
    const coloured =
      '\u001b[0;32mCell\u001b[0m \u001b[0;32mIn[1]\u001b[0m, line \u001b[0;32m5\u001b[0m\n';
    expect(findErrorLocation('python', [coloured], CODE_10_LINES)?.line).toBe(5);
  });

  it('ignores lines past the end of the code (a wrapper of the service)', () => {
    expect(
      findErrorLocation('python', ['File "<cell>", line 40, in <module>'], CODE_10_LINES),
    ).toBeUndefined();
  });

  it('JavaScript: the header has the line, the stack frame the column', () => {
    const stderr =
      '/w/main.js:3\n  throw e;\n  ^\n\nError: x\n    at g (/w/main.js:3:9)\n    at Object.<anonymous> (/w/main.js:6:1)\n';
    expect(findErrorLocation('javascript', [stderr], CODE_10_LINES)).toEqual({
      line: 3,
      column: 9,
      calledFrom: [6],
    });
  });

  it('Java only for a complete program; R parse errors', () => {
    const trace =
      'Exception in thread "main" java.lang.RuntimeException\n\tat Main.main(Main.java:4)';
    expect(findErrorLocation('java', [trace], 'int x;\n'.repeat(10))).toBeUndefined();
    expect(
      findErrorLocation(
        'java',
        [trace],
        'public class Main {\n public static void main(String[] a) {\n\n\n}}\n',
      ),
    )?.toMatchObject({ line: 4 });
    expect(findErrorLocation('r', ['Error: 2:3: unexpected symbol'], CODE_10_LINES)).toEqual({
      line: 2,
      column: 3,
      calledFrom: [],
    });
  });
});

describe('safeMarkdown', () => {
  const render = (md: string) => marked.parse(safeMarkdown(md), { gfm: true, async: false });

  it('keeps formatting and http(s) links', () => {
    const html = render(
      '## Title\n\n*a* **b** [docs](https://example.com) `x < y`\n\n- one\n- two',
    );
    expect(html).toContain('<h2>Title</h2>');
    expect(html).toContain('<a href="https://example.com">docs</a>');
    expect(html).toContain('<li>two</li>');
    expect(html).toContain('x &#60; y');
  });

  it.each([
    ['raw HTML', '<script>alert(1)</script><iframe src=x></iframe>', /<script|<iframe/i],
    ['an image', '![a](https://evil.example/a.png)', /<img/i],
    ['a reference image', '![a][r]\n\n[r]: https://evil.example/a.png', /<img/i],
    ['a javascript: link', '[a](javascript:alert(1))', /href="javascript/i],
    ['an entity-encoded scheme', '[a](jav&#x61;script:alert(1))', /href="jav/i],
    ['a javascript: reference', '[a][r]\n\n[r]: javascript:alert(1)', /href="javascript/i],
    ['a destination on the next line', '[a](\njavascript:alert(1))', /href="javascript/i],
    ['an autolink', '<javascript:alert(1)>', /href="javascript/i],
    ['a backslash before a code span', '\\`<img src=x onerror=alert(1)>`', /<img/i],
    ['an unclosed code span', '`<img src=x>\n<img src=y>`', /<img/i],
    ['HTML in an indented fence', '- a\n\n  ```\n<img src=x>\n  ```', /<img/i],
  ])('neutralises %s', (_name, input, forbidden) => {
    expect(render(input)).not.toMatch(forbidden);
  });

  it('closes an unclosed fence, so what follows is not swallowed', () => {
    const html = marked.parse(`${safeMarkdown('```\ncode')}\n\n## After`, {
      gfm: true,
      async: false,
    });
    expect(html).toContain('<h2>After</h2>');
  });

  it('turns mentions into plain text', () => {
    expect(safeMarkdown('hi @octocat')).toBe('hi &#64;octocat');
  });
});

describe('annotations', () => {
  afterEach(() => vi.restoreAllMocks());

  it(`emits at most ${ANNOTATIONS_PER_TYPE} of a type, then logs the rest`, () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      lines.push(String(chunk));
      return true;
    });
    for (let i = 1; i <= 12; i++) annotate('warning', `w${i}`);
    annotate('notice', 'still room');
    const warnings = lines.filter((l) => l.startsWith('::warning::'));
    expect(warnings).toHaveLength(ANNOTATIONS_PER_TYPE);
    // Past the limit the message is logged, fenced: it can carry sandbox text.
    expect(lines.join('')).toMatch(
      /warning \(over the runner's 10-per-step limit\):\n::stop-commands::(\w+)\nw12\n::\1::/,
    );
    expect(lines.join('')).toContain('::notice::still room');
  });
});

describe('withoutMagics', () => {
  it('blanks IPython line magics and shell escapes, keeping lines and indentation', () => {
    const code = '%pip install x\nif True:\n    !ls\n    files = !ls\nx = 5 % 3\ny = (1\n  != 2)\n';
    expect(withoutMagics(code)).toBe(
      'pass\nif True:\n    pass\n    pass\nx = 5 % 3\ny = (1\n  != 2)\n',
    );
  });
});
