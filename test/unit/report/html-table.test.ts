import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import {
  MAX_TABLE_HTML,
  parseHtmlTable,
  renderHtmlTable,
  type HtmlTable,
} from '../../../src/report/html-table.ts';

/** What pandas 2 writes for `pd.DataFrame({"city": ["Oslo", "Lima"], "temp": [3.5, 19.0]})`. */
const DATAFRAME = `<div>
<style scoped>
    .dataframe tbody tr th:only-of-type {
        vertical-align: middle;
    }

    .dataframe thead th {
        text-align: right;
    }
</style>
<table border="1" class="dataframe">
  <thead>
    <tr style="text-align: right;">
      <th></th>
      <th>city</th>
      <th>temp</th>
    </tr>
  </thead>
  <tbody>
    <tr>
      <th>0</th>
      <td>Oslo</td>
      <td>3.5</td>
    </tr>
    <tr>
      <th>1</th>
      <td>Lima</td>
      <td>19.0</td>
    </tr>
  </tbody>
</table>
</div>`;

function sanitize(html: string): string {
  const table = parseHtmlTable(html);
  return table ? renderHtmlTable(table).html : '';
}

/** Every tag name and attribute in some HTML. */
function markup(html: string): { tags: Set<string>; attributes: Set<string> } {
  const tags = new Set<string>();
  const attributes = new Set<string>();
  for (const m of html.matchAll(/<\/?([a-z]+)([^>]*)>/g)) {
    tags.add(m[1]!);
    for (const a of m[2]!.matchAll(/([a-z-]+)=/g)) attributes.add(a[1]!);
  }
  return { tags, attributes };
}

const ALLOWED_TAGS = ['table', 'caption', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td'];

describe('parseHtmlTable and renderHtmlTable', () => {
  it("reads a DataFrame's HTML into rows of cells, styles and attributes gone", () => {
    const table = parseHtmlTable(DATAFRAME)!;
    expect(table.head).toEqual([
      [
        { header: true, html: '' },
        { header: true, html: 'city' },
        { header: true, html: 'temp' },
      ],
    ]);
    expect(table.body.map((row) => row.map((c) => c.html))).toEqual([
      ['0', 'Oslo', '3.5'],
      ['1', 'Lima', '19.0'],
    ]);
    const html = sanitize(DATAFRAME);
    expect(html).toBe(
      [
        '<table>',
        '<thead>',
        '<tr><th></th><th>city</th><th>temp</th></tr>',
        '</thead>',
        '<tbody>',
        '<tr><th>0</th><td>Oslo</td><td>3.5</td></tr>',
        '<tr><th>1</th><td>Lima</td><td>19.0</td></tr>',
        '</tbody>',
        '</table>',
      ].join('\n'),
    );
    expect(html).not.toContain('vertical-align');
  });

  it('writes only allowlisted elements and colspan/rowspan, whatever the input holds', () => {
    const hostile = `<table onmouseover="alert(1)" style="x"><caption><a href="javascript:alert(1)">Cap</a></caption>
<tr><td colspan="2" onclick="alert(2)" style="background:url(https://evil.example/x)">a<img src=x onerror=alert(3)>b</td>
<td rowspan=3><script>alert(4)</script><iframe src="https://evil.example"></iframe>c</td>
<td><a href="https://evil.example">link text</a> <svg><script>alert(5)</script></svg><math><mi>x</mi></math></td>
<td><form action="https://evil.example"><input value="v"><button>go</button></form></td>
<td colspan="999999">big</td><td colspan="2 onclick=alert(6)">odd</td></tr></table>`;
    const html = sanitize(hostile);
    const { tags, attributes } = markup(html);
    expect([...tags].filter((t) => !ALLOWED_TAGS.includes(t))).toEqual([]);
    expect([...attributes].sort()).toEqual(['colspan', 'rowspan']);
    expect(html).not.toMatch(/alert|evil|javascript|onerror|onclick|style/i);
    expect(html).toContain('<caption>Cap</caption>');
    expect(html).toContain('<td colspan="2">ab</td>');
    expect(html).toContain('<td rowspan="3">c</td>');
    expect(html).toContain('<td>link text</td>');
    expect(html).toContain('<td>go</td>');
    // Spans out of range or not plain numbers are dropped, the cell kept.
    expect(html).toContain('<td>big</td>');
    expect(html).toContain('<td>odd</td>');
  });

  it('keeps character references as written and escapes bare &, < and >', () => {
    const table = parseHtmlTable(
      '<table><tr><td>&lt;NA&gt; &amp; &#8364; &#x20AC; &nbsp;</td><td>a & b < c > d "q"</td><td>&bogus &#xZZ;</td></tr></table>',
    )!;
    expect(table.body[0]!.map((c) => c.html)).toEqual([
      '&lt;NA&gt; &amp; &#8364; &#x20AC; &nbsp;',
      'a &amp; b &lt; c &gt; d &quot;q&quot;',
      '&amp;bogus &amp;#xZZ;',
    ]);
  });

  it('a comment, a declaration or a raw-text element cannot smuggle a table in or markup out', () => {
    expect(parseHtmlTable('<!-- <table><tr><td>x</td></tr></table> -->')).toBeUndefined();
    expect(parseHtmlTable('<style><table><tr><td>x</td></tr></table></style>')).toBeUndefined();
    expect(
      parseHtmlTable('<textarea><table><tr><td>x</td></tr></table></textarea>'),
    ).toBeUndefined();
    const html = sanitize(
      '<!DOCTYPE html><table><tr><td><!-- </td></tr></table><script>alert(1)</script> -->kept</td></tr></table>',
    );
    expect(html).toContain('<td>kept</td>');
    expect(html).not.toContain('alert');
  });

  it('malformed markup still gives well-formed output: unclosed tags, quotes and stray <', () => {
    const html = sanitize('<table><tr><td>1<td>2 < 3<tr><th>h<td title="x>y">v</table>');
    expect(html).toBe(
      [
        '<table>',
        '<tbody>',
        '<tr><td>1</td><td>2 &lt; 3</td></tr>',
        '<tr><th>h</th><td>v</td></tr>',
        '</tbody>',
        '</table>',
      ].join('\n'),
    );
    // A tag whose quote never closes ends the input; what came before is kept.
    expect(sanitize('<table><tr><td>a</td><td title="never>b</td></tr></table>')).toContain(
      '<td>a</td>',
    );
    expect(parseHtmlTable('<table><tr></tr></table>')).toBeUndefined();
    expect(parseHtmlTable('<p>no table</p>')).toBeUndefined();
    expect(parseHtmlTable('')).toBeUndefined();
  });

  it('a table inside a cell becomes that cell’s text; only the first table is read', () => {
    const html = sanitize(
      '<table><tr><td>out<table><tr><td>in1</td><td>in2</td></tr></table></td></tr></table><table><tr><td>second</td></tr></table>',
    );
    expect(html).toContain('<td>out in1 in2</td>');
    expect(html).not.toContain('second');
    expect(html.match(/<table>/g)).toHaveLength(1);
  });

  it('has no blank line, so Markdown keeps it one HTML block, and a renderer shows it as a table', () => {
    const html = sanitize('<table>\n\n<tr>\n\n<td>a\n\n\nb</td>\n\n</tr>\n\n</table>');
    expect(html).not.toMatch(/\n\s*\n/);
    const rendered = marked.parse(`${html}\n\n**after**\n`, { gfm: true, async: false });
    expect(rendered).toContain('<td>a b</td>');
    expect(rendered).toContain('<strong>after</strong>');
  });

  it('cuts rows, columns and long cells to the limits and says how many rows are hidden', () => {
    const row = (n: number) =>
      `<tr>${Array.from({ length: 40 }, (_, c) => `<td>r${n}c${c}</td>`).join('')}</tr>`;
    const table = parseHtmlTable(
      `<table>${Array.from({ length: 120 }, (_, n) => row(n)).join('')}</table>`,
    )!;
    const { html, hiddenRows, hiddenColumns } = renderHtmlTable(table, {
      rows: 10,
      columns: 5,
      cellText: 200,
    });
    expect(hiddenRows).toBe(110);
    expect(hiddenColumns).toBe(35);
    expect(html.match(/<tr>/g)).toHaveLength(10);
    expect(html.match(/<td>/g)).toHaveLength(50);
    const long = parseHtmlTable(`<table><tr><td>${'x'.repeat(195)}&amp;&amp;</td></tr></table>`)!;
    const cell = /<td>([^<]*)<\/td>/.exec(renderHtmlTable(long).html)![1]!;
    expect(cell).toBe(`${'x'.repeat(195)}&amp;…`);
  });

  it('reads a huge or hostile input in linear time, and refuses one over the size limit', () => {
    expect(parseHtmlTable(`<table><tr><td>${'a'.repeat(MAX_TABLE_HTML)}</td></tr></table>`)).toBe(
      undefined,
    );
    // Many `<` that start no tag, many unclosed tags: each position is scanned once.
    const lt = parseHtmlTable(`<table><tr><td>${'< '.repeat(300_000)}</td></tr></table>`)!;
    expect(lt.body[0]![0]!.html.startsWith('&lt; &lt;')).toBe(true);
    const quotes = parseHtmlTable(`<table><tr><td>x</td>${'<td a="'.repeat(200_000)}`)!;
    expect(quotes.body[0]![0]!.html).toBe('x');
    // Deep nesting is text, not recursion.
    const deep = parseHtmlTable(
      `<table><tr><td>${'<table><tr><td>'.repeat(50_000)}z</td></tr></table>`,
    ) as HtmlTable;
    expect(deep.body[0]![0]!.html).toContain('z');
  });
});
