// Adversarial sandbox results against the summary renderers, with a real GFM renderer.
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import { parseRunCodeData, type CodeRunResult } from '../../src/agentbay/run-code-result.ts';
import { safeMarkdown } from '../../src/report/markdown.ts';
import { MAX_RICH_FILES, writeRichFiles } from '../../src/report/rich-files.ts';
import type { RunReport } from '../../src/report/run-report.ts';
import { renderSummary, SUMMARY_MAX_BYTES } from '../../src/report/summary.ts';
import { checkSyntax } from '../../src/syntax-check.ts';

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

function report(result: CodeRunResult, files: RunReport['files'] = []): RunReport {
  return {
    language: 'python',
    source: { kind: 'inline' },
    code: '1',
    sessionId: 'session-x',
    requestId: 'R',
    result,
    wallTimeMs: 1,
    sessionKept: false,
    resultFile: '/tmp/r.json',
    files,
  };
}

const structured = (payload: object) =>
  parseRunCodeData({ content: [{ text: JSON.stringify(payload) }] });

describe('the summary stays under 1 MiB whatever the sandbox sends', () => {
  it('Markdown that escaping makes six times longer', () => {
    const result = structured({
      result: [JSON.stringify({ 'text/markdown': '@'.repeat(400_000) })],
    });
    expect(Buffer.byteLength(renderSummary(report(result)))).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
  });

  it('thousands of files with long MIME types', () => {
    const files = Array.from({ length: 20_000 }, (_, i) => ({
      path: `/tmp/f${i}.txt`,
      mimeType: `x/${'.'.repeat(300)}`,
      result: 1,
      bytes: 1,
    }));
    const md = renderSummary(report(structured({ stdout: ['x'] }), files));
    expect(Buffer.byteLength(md)).toBeLessThanOrEqual(SUMMARY_MAX_BYTES);
    expect(md).toContain('… and 19950 more, listed in the `files` output.');
  });
});

describe('rich files', () => {
  it('writes at most MAX_RICH_FILES, quickly, under names of our own', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'abrc-rich-'));
    const bundle = Object.fromEntries(
      Array.from({ length: 5_000 }, (_, i) => [`x/../../evil${i}`, 'a']),
    );
    const started = Date.now();
    const files = writeRichFiles([{ isMain: false, data: bundle }], dir);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(files).toHaveLength(MAX_RICH_FILES);
    expect(readdirSync(dir)).toHaveLength(MAX_RICH_FILES);
    expect(readdirSync(dir).every((name) => /^result-1(-\d+)?\.txt$/.test(name))).toBe(true);
  });
});

describe('syntax pre-check', () => {
  it('never blocks valid Python whose continuation line looks like a magic', () => {
    const check = checkSyntax('auto', 'python', 's = ("%s"\n     %name)\n', {});
    expect(check.status).not.toBe('error');
  });

  it('still catches a plain syntax error', () => {
    const check = checkSyntax('auto', 'python', 'def f(:\n  pass\n', {});
    expect(check).toMatchObject({ status: 'error', location: { line: 1 } });
  });
});
