// The job summary as a person reads it: the bundled steps write it, a GFM renderer (marked)
// turns it into HTML, and each rule is checked on that HTML.
import { createServer } from 'node:net';
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DEMO_SHA,
  runAction,
  runStep,
  useServer,
  workspaceWith,
  type StepResult,
} from './harness.ts';

const server = useServer();

function render(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

/** The text a reader sees: tags out, character references decoded. */
function visibleText(html: string): string {
  return html
    .replace(/<[^>]+>/g, '')
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

/** The page without the code section, which holds the code's own text. */
function withoutCode(html: string): string {
  return html.replace(/<details><summary>Code \(\d+ lines?\)<\/summary>[\s\S]*?<\/details>/, '');
}

function occurrences(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** Heading levels in rendered HTML, in order, with their text. */
function headings(html: string): Array<[number, string]> {
  return [...html.matchAll(/<h([1-6])[^>]*>([\s\S]*?)<\/h\1>/g)].map((m) => [
    Number(m[1]),
    visibleText(m[2]!),
  ]);
}

const CALC = `import sys

def ratio(a, b):
    return a / b

print("start")
print("a warning", file=sys.stderr)
ratio(1, 0)
`;

describe('a runtime error in a file', () => {
  let main: StepResult;
  let html: string;
  beforeAll(async () => {
    const workdir = workspaceWith({ 'calc.py': CALC });
    ({ main } = await runAction({ workdir, inputs: { ...server.inputs(), file: 'calc.py' } }));
    html = render(main.summary);
  });

  it('fails, and the error line appears once: in the verdict', () => {
    expect(main.code).toBe(1);
    const [first] = headings(html);
    expect(first).toEqual([
      3,
      '❌ Python code from calc.py failed at line 4 (called from line 8): ZeroDivisionError: division by zero',
    ]);
    expect(occurrences(visibleText(html), 'ZeroDivisionError: division by zero')).toBe(1);
    expect(html).toContain('<summary>Code (8 lines)</summary>');
  });

  it('shows the failing line among its numbered neighbours, linked to the file at the commit', () => {
    const url = `https://github.com/octo/agentbay-demo/blob/${DEMO_SHA}/calc.py#L4`;
    expect(html).toContain(`<a href="${url}">`);
    const context =
      /<a href="[^"]+">([^<]*)<\/a>:<\/p>\s*<pre><code>([\s\S]*?)<\/code><\/pre>/.exec(html)!;
    expect(visibleText(context[1]!)).toBe('calc.py, line 4');
    expect(visibleText(context[2]!).split('\n')).toEqual([
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
    expect(traceback).not.toBeNull();
    // IPython's traceback, as the Jupyter kernel writes it: the header and the failing line.
    expect(visibleText(traceback[1]!)).toMatch(
      /ZeroDivisionError +Traceback \(most recent call last\)/,
    );
    expect(visibleText(traceback[1]!)).toContain('----> 4     return a / b');
    expect(visibleText(traceback[1]!)).toContain('a warning');
    expect(html).not.toContain('<summary>stderr</summary>');
    // Printed once; IPython's traceback also quotes the source line that printed it.
    const quoted = /^.*print\("a warning".*$/gm;
    expect(occurrences(visibleText(withoutCode(html)).replace(quoted, ''), 'a warning')).toBe(1);
    // In order: verdict, context, traceback, then the table.
    expect(html.indexOf('<a href=')).toBeLessThan(html.indexOf('<details>'));
    expect(html.indexOf('<details>')).toBeLessThan(html.indexOf('<table>'));
  });

  it('has a small table, the ids in a quiet footer, and the code numbered with the right count', () => {
    const table = /<table>([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect([...table.matchAll(/<th>([^<]*)<\/th>/g)].map((m) => m[1])).toEqual([
      'Language',
      'Verdict',
      'Run time',
      'Total time',
    ]);
    expect(table).toContain('<td>❌ Failed</td>');
    const id = main.outputs['session-id']!;
    const requestId = main.outputs['request-id']!;
    const text = visibleText(html);
    expect(occurrences(text, id)).toBe(1);
    expect(occurrences(text, requestId)).toBe(1);
    const footer = /<sub>([\s\S]*?)<\/sub>/.exec(html)![1]!;
    expect(visibleText(footer)).toContain(`Session ${id} · request ${requestId}`);
    expect(html.trimEnd().endsWith('</sub></p>')).toBe(true);
    // 8 lines: the file's final newline ends the last line, it does not add one.
    const code =
      /<summary>Code \(8 lines\)<\/summary>\s*<pre><code class="language-python">([\s\S]*?)<\/code>/.exec(
        html,
      )!;
    expect(visibleText(code[1]!).split('\n').slice(0, 4)).toEqual([
      '1 | import sys',
      '2 | ',
      '3 | def ratio(a, b):',
      '4 |     return a / b',
    ]);
  });

  it('says "1 character" in the log, not "1 characters"', () => {
    expect(main.stdout).toContain('::group::stdout (6 characters)');
  });
});

const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

const RICH = String.raw`
import base64
from fractions import Fraction
from IPython.display import display, HTML, Image, Markdown

class Frame:
    def _repr_html_(self):
        return """<div><style scoped>.dataframe tbody tr th { vertical-align: top; }</style>
<table border="1" class="dataframe"><thead><tr style="text-align: right;"><th></th><th>city</th><th>temp</th></tr></thead>
<tbody><tr><th>0</th><td onclick="alert(1)">Oslo</td><td>3.5</td></tr>
<tr><th>1</th><td><script>alert(2)</script>Lima <b>&amp;</b> Cusco</td><td>19.0</td></tr></tbody></table>
<p>2 rows × 2 columns</p></div>"""
    def __repr__(self):
        return "  city  temp\n0 Oslo   3.5\n1 Lima  19.0"

display(Frame())
display(Markdown("""# Findings

Text under the user's own title.

## Details

Setext title
============
"""))
display(Fraction(1, 3))
display(Image(data=base64.b64decode("${PNG_B64}")))
display(Image(data=base64.b64decode("${PNG_B64}")))
display(HTML("<p>not a table</p>"))
print("printed")
`;

describe('rich results', () => {
  let main: StepResult;
  let html: string;
  beforeAll(async () => {
    ({ main } = await runAction({
      inputs: { ...server.inputs(), language: 'python', code: RICH },
    }));
    html = render(main.summary);
  });

  it('renders an HTML table inline, rebuilt from the allowlist', () => {
    expect(main.code).toBe(0);
    expect(html).toContain('<h4>Table 1</h4>');
    const table = /<h4>Table 1<\/h4>\s*<table>([\s\S]*?)<\/table>/.exec(html)![1]!;
    expect(table).toContain('<th>city</th>');
    expect(table).toContain('<td>Oslo</td>');
    expect(table).toContain('<td>Lima &amp; Cusco</td>');
    expect(table).not.toMatch(/script|alert|style|onclick|class=|border=/);
    // The table is shown: its text repr is not repeated.
    expect(withoutCode(html)).not.toContain('0 Oslo   3.5');
  });

  it('demotes the Markdown headings below the action’s own', () => {
    const levels = headings(html);
    expect(levels.filter(([level]) => level <= 3)).toHaveLength(1); // the verdict
    expect(levels).toContainEqual([5, 'Findings']);
    expect(levels).toContainEqual([6, 'Details']);
    expect(levels).toContainEqual([5, 'Setext title']);
    const fourth = levels.filter(([l]) => l === 4);
    expect(fourth.length).toBeGreaterThan(0);
    for (const [level, text] of fourth) {
      expect(text).toMatch(/^(Table \d+|Markdown \d+|Result \d+|Files)$/);
      expect(level).toBe(4);
    }
    // The action's own sections are level 4; the page's headings sit below them.
    expect(fourth.map(([, text]) => text)).toContain('Markdown 1');
    expect(fourth.map(([, text]) => text)).toContain('Result 1');
  });

  it('shows a plain repr when nothing richer can be, numbered per kind from 1', () => {
    expect(html).toMatch(/<h4>Result 1<\/h4>\s*<pre><code>Fraction\(1, 3\)/);
    expect(html).toContain('<h4>Markdown 1</h4>');
    expect(html).not.toMatch(/<h4>(Result|Markdown|Table) [2-9]/);
    // A default repr says nothing; the HTML that is no table is a file.
    expect(withoutCode(html)).not.toContain('IPython.core.display');
  });

  it('lists images with their size in pixels and bytes, numbered per kind', () => {
    const files = /<h4>Files<\/h4>\s*<table>([\s\S]*?)<\/table>/.exec(html)![1]!;
    const rows = [
      ...files.matchAll(/<tr>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>\s*<td>([^<]*)<\/td>/g),
    ].map((m) => [m[1], m[2], m[3]]);
    expect(rows).toEqual([
      ['Table 1', 'HTML', expect.stringMatching(/ B$/)],
      ['Image 1', 'PNG', '1 × 1, 70 B'],
      ['Image 2', 'PNG', '1 × 1, 70 B'],
      ['HTML 1', 'HTML', expect.stringMatching(/ B$/)],
    ]);
    expect(html).not.toMatch(/<img/);
  });
});

describe('failures before any result write a summary too', () => {
  it('a wrong key: what failed and what to do, and the post step says nothing more', async () => {
    const { main, post } = await runAction({
      inputs: {
        ...server.inputs(),
        'api-key': 'akm-wrong-key-000000',
        language: 'python',
        code: '1',
      },
    });
    expect(main.code).toBe(1);
    const html = render(main.summary);
    expect(headings(html)[0]).toEqual([3, '❌ AgentBay refused the API key, so nothing ran']);
    expect(visibleText(html)).toContain('NOT_LOGIN');
    expect(visibleText(html)).toMatch(/What to do: Check the api-key input/);
    expect(visibleText(html)).toContain('No sandbox session was created');
    expect(main.summary).not.toContain('akm-wrong-key-000000');
    // One cause, one message: the main step's error, no warning of the post step about it.
    expect(main.stdout).toMatch(/::error::AgentBay CreateMcpSession failed/);
    expect(post.code).toBe(0);
    expect(post.stdout).not.toContain('::warning');
    expect(post.stdout).toContain('The main step created no session: nothing to clean up.');
  });

  it('an unreachable gateway: the same, and again one message', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    await new Promise((resolve) => blocker.close(resolve));
    const { main, post } = await runAction({
      inputs: {
        ...server.inputs(),
        endpoint: `http://127.0.0.1:${port}`,
        language: 'python',
        code: '1',
      },
    });
    expect(main.code).toBe(1);
    const html = render(main.summary);
    expect(headings(html)[0]).toEqual([
      3,
      '❌ The AgentBay gateway could not be reached, so nothing ran',
    ]);
    expect(visibleText(html)).toMatch(/What to do: Check the region-id \(or endpoint\) input/);
    expect(post.stdout).not.toContain('::warning');
    expect(post.stdout).toContain('The main step created no session: nothing to clean up.');
  });

  it('a bad input: which input, what it accepts, and no session', async () => {
    const before = server.sessions().length;
    const main = await runStep('main', {
      inputs: { ...server.inputs(), language: 'python', code: '1', timeout: '3601' },
    });
    expect(main.code).toBe(1);
    const html = render(main.summary);
    expect(headings(html)[0]).toEqual([3, '❌ Input timeout is not valid, so nothing ran']);
    expect(visibleText(html)).toMatch(/Input 'timeout' must be/);
    expect(visibleText(html)).toContain('No sandbox session was created');
    expect(server.sessions().length).toBe(before);
  });

  it('summary: false is honoured even when the inputs are bad', async () => {
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: '1',
        timeout: '3601',
        summary: 'false',
      },
    });
    expect(main.code).toBe(1);
    expect(main.summary).toBe('');
  });
});
