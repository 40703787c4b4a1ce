// A failed run's section of the job summary is the same alone and in a batch: the failing line
// among its numbered neighbours, the link to the file at the commit, the traceback collapsed,
// and the error said once. The bundled steps write it; a GFM renderer (marked) reads it.
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEMO_SHA, runAction, useServer, workspaceWith, type StepResult } from './harness.ts';

const server = useServer();

function render(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

/** The text a reader sees: tags out, character references decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** What a reader sees without opening anything: collapsed sections' bodies left out. */
function shownText(html: string): string {
  let shown = html;
  for (let before = ''; before !== shown;) {
    before = shown;
    // Innermost first: a closed section's body goes, its title stays.
    shown = shown.replace(
      /<details>(<summary>(?:(?!<details)[\s\S])*?<\/summary>)(?:(?!<details)[\s\S])*?<\/details>/g,
      '$1',
    );
  }
  return visibleText(shown);
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/**
 * The failure section in a summary's Markdown: from the line that names the failing line to
 * the end of the collapsed traceback.
 */
function failureSection(markdown: string): string {
  const start = markdown.search(/^\[[^\n]*\]\([^)\n]*\):$/m);
  const end = markdown.indexOf('</details>', start);
  expect(start, 'a failing line linked to its file').toBeGreaterThanOrEqual(0);
  return markdown.slice(start, end + '</details>'.length);
}

const CALC = `import sys

def ratio(a, b):
    return a / b

print("start")
print("a warning", file=sys.stderr)
ratio(1, 0)
`;
const ERROR = 'ZeroDivisionError: division by zero';

describe('a Python file that raises at line 4, in a batch of two and alone', () => {
  let batch: StepResult;
  let alone: StepResult;
  let html: string;
  beforeAll(async () => {
    const files = { 'checks/calc.py': CALC, 'checks/ok.py': 'print("fine")\n' };
    ({ main: batch } = await runAction({
      workdir: workspaceWith(files),
      inputs: { ...server.inputs(), file: 'checks/*.py' },
    }));
    ({ main: alone } = await runAction({
      workdir: workspaceWith(files),
      inputs: { ...server.inputs(), file: 'checks/calc.py' },
    }));
    html = render(batch.summary);
  });

  it('gives the failed run a section that opens on the error, said once', () => {
    expect(batch.code).toBe(1);
    expect(batch.outputs.failed).toBe('1');
    const section = /<details open><summary>([^<]*)<\/summary>([\s\S]*)/.exec(html)!;
    expect(visibleText(section[1]!)).toBe(
      '❌ checks/calc.py failed at line 4 (called from line 8)',
    );
    expect(visibleText(section[2]!).trimStart().startsWith(`Error: ${ERROR}\n`)).toBe(true);
    expect(occurrences(shownText(html), ERROR)).toBe(1);
    // Not in the collapsed traceback either: the whole page says it once.
    expect(occurrences(visibleText(html), ERROR)).toBe(1);
  });

  it('shows the failing line among its numbered neighbours, linked to the file at the commit', () => {
    const url = `https://github.com/octo/agentbay-demo/blob/${DEMO_SHA}/checks/calc.py#L4`;
    const context =
      /<a href="([^"]+)">([^<]*)<\/a>:<\/p>\s*<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html)!;
    expect(context[1]).toBe(url);
    expect(visibleText(context[2]!)).toBe('checks/calc.py, line 4');
    expect(visibleText(context[3]!).split('\n')).toEqual([
      '  2 | ',
      '  3 | def ratio(a, b):',
      '> 4 |     return a / b',
      '  5 | ',
      '  6 | print("start")',
      '',
    ]);
  });

  it('keeps the traceback a click away, with stderr in it rather than beside it', () => {
    const traceback =
      /<details><summary>stderr, with the traceback<\/summary>([\s\S]*?)<\/details>/.exec(html)!;
    // IPython's traceback, as the Jupyter kernel writes it: the header and the failing line.
    expect(visibleText(traceback[1]!)).toMatch(
      /ZeroDivisionError +Traceback \(most recent call last\)/,
    );
    expect(visibleText(traceback[1]!)).toContain('----> 4     return a / b');
    expect(visibleText(traceback[1]!)).toContain('a warning');
    // Printed once; IPython's traceback also quotes the source line that printed it.
    const quoted = /^.*print\("a warning".*$/gm;
    expect(occurrences(visibleText(html).replace(quoted, ''), 'a warning')).toBe(1);
    expect(html).toMatch(/<strong>stdout<\/strong><\/p>\s*<pre><code>start\n/);
  });

  it('writes the same section as the same file run alone', () => {
    expect(alone.code).toBe(1);
    expect(failureSection(batch.summary)).toBe(failureSection(alone.summary));
  });
});

const PAGE = [
  '# Dividing', // 1
  '', // 2
  '```python', // 3
  'def ratio(a, b):', // 4
  '    return a / b', // 5
  '', // 6
  'print("before")', // 7
  'ratio(1, 0)', // 8
  '```', // 9
].join('\n');

describe('a Markdown block that raises', () => {
  let main: StepResult;
  beforeAll(async () => {
    ({ main } = await runAction({
      workdir: workspaceWith({ 'docs/page.md': PAGE }),
      inputs: { ...server.inputs(), markdown: 'docs/*.md' },
    }));
  });

  it('numbers the context with the page’s lines and links to the line of the page', () => {
    expect(main.code).toBe(1);
    const html = render(main.summary);
    const url = `https://github.com/octo/agentbay-demo/blob/${DEMO_SHA}/docs/page.md?plain=1#L5`;
    const context =
      /<a href="([^"]+)">([^<]*)<\/a>:<\/p>\s*<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html)!;
    expect(context[1]).toBe(url);
    expect(visibleText(context[2]!)).toBe('docs/page.md, line 5');
    expect(visibleText(context[3]!).split('\n')).toEqual([
      '  4 | def ratio(a, b):',
      '> 5 |     return a / b',
      '  6 | ',
      '  7 | print("before")',
      '',
    ]);
    expect(occurrences(visibleText(html), ERROR)).toBe(1);
  });
});
