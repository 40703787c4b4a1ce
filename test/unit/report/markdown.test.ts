// Markdown helpers, adversarial sandbox text included, checked with a real GFM renderer.
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { codeBlock, inlineText, safeMarkdown } from '../../../src/report/markdown.ts';

describe('codeBlock', () => {
  it('uses a fence longer than any backtick run inside', () => {
    const block = codeBlock('a ```` b\n`````\n');
    expect(block.startsWith('``````\n')).toBe(true);
    expect(block.endsWith('\n``````')).toBe(true);
  });

  it('strips control characters and normalises line ends', () => {
    expect(codeBlock('a\r\nb\rc\u0000d\u001b[31m')).toBe('```\na\nb\nc\uFFFDd\uFFFD[31m\n```');
  });
});

describe('codeBlock with hostile text', () => {
  it('handles 150 000 backtick runs (no spread into Math.max) and still fences the longest', () => {
    const block = codeBlock(`${'`x'.repeat(150_000)} ${'`'.repeat(7)}`);
    expect(block.startsWith('````````\n')).toBe(true);
    expect(block.endsWith('\n````````')).toBe(true);
  });
});

describe('inlineText', () => {
  it('neutralises HTML, links, mentions and table pipes', () => {
    const text = inlineText(
      '<img src=x onerror=alert(1)> [a](javascript:alert(1)) @octocat | *b*\nnext',
    );
    expect(text).not.toMatch(/[<>[\]()|@*\n]/);
    expect(text).toContain('&#60;img src&#61;x');
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

/** The HTML a renderer makes of it, minus code blocks (where anything is shown as text). */
function liveHtml(markdown: string): string {
  return (marked.parse(markdown, { gfm: true }) as string).replace(
    /<pre><code[\s\S]*?<\/code><\/pre>/g,
    '',
  );
}

describe('safeMarkdown: fences cannot be turned against it', () => {
  it.each([
    [
      'a closing line with a no-break space',
      '```\n```\u00a0\n```\n<img src="https://evil.example/x.png">\n```',
    ],
    [
      'an indented fence ended by its list',
      '- item\n  ```\n```\n```\n<details open><summary>x</summary>\n```',
    ],
    ['a numbered list', '1. item\n   ```\n ```\n```\n<script>alert(1)</script>\n```'],
    ['a tilde fence holding backticks', '~~~\n```\n<img src=x>\n~~~\n<img src=y>'],
    ['an unclosed fence', '```\n<b>open'],
    ['a quote', '> ```\n> <img src=x>\n> ```\n<img src=y>'],
  ])('%s', (_name, markdown) => {
    const html = liveHtml(safeMarkdown(markdown));
    expect(html).not.toMatch(/<(img|script|details|summary|b)\b/i);
  });

  it('still renders what Markdown is for', () => {
    const html = marked.parse(
      safeMarkdown(
        '## Results\n\n| a | b |\n|---|---|\n| **1** | [docs](https://example.com) |\n\n```python\nx = "<b>"\n```',
      ),
      { gfm: true },
    ) as string;
    expect(html).toContain('<h2>Results</h2>');
    expect(html).toContain('<strong>1</strong>');
    expect(html).toContain('<a href="https://example.com">docs</a>');
    expect(html).toContain('<pre><code class="language-python">x = &quot;&lt;b&gt;&quot;');
  });
});

describe('safeMarkdown: the sandbox’s headings never outrank the page’s', () => {
  const levels = (markdown: string) =>
    [
      ...marked
        .parse(safeMarkdown(markdown, { headingsFrom: 5 }), { gfm: true, async: false })
        .matchAll(/<h([1-6])>/g),
    ].map((m) => Number(m[1]));

  it.each([
    ['ATX headings', '# one\n## two\n### three\n###### six', [5, 6, 6, 6]],
    ['setext headings, also over several lines', 'Title\n===\n\nLong\ntitle\n---', [5, 6]],
    ['a heading in a quote or a list item', '> # quoted\n\n- # listed\n1. ## numbered', [5, 5, 6]],
    ['an underline under a quote or a list item is text', '> Q\n> ===\n\n- item\n===', []],
    ['indented up to three spaces', '   # three', [5]],
  ])('%s', (_name, markdown, expected) => {
    expect(levels(markdown)).toEqual(expected);
  });

  it('leaves code, thematic breaks and non-headings alone', () => {
    const out = safeMarkdown('```python\n# comment\n```\n\n---\n\n#hashtag', { headingsFrom: 5 });
    expect(out).toContain('# comment\n');
    expect(out).not.toContain('##### comment');
    const html = marked.parse(out, { gfm: true, async: false });
    expect(html).toContain('<hr>');
    expect(html).toContain('<p>#hashtag</p>');
  });

  it('without the option, headings are kept as they are', () => {
    expect(safeMarkdown('# one')).toBe('# one');
  });
});
