import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type AgentBayServer } from '../../server/server.ts';
import { createSession, runCode } from './helpers.ts';

const PNG_1X1 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';

describe('run_code: python', () => {
  let server: AgentBayServer;
  let session: string;
  beforeAll(async () => {
    server = await startServer();
    session = await createSession(server.url);
  });
  afterAll(() => server.close());

  it('streams stdout and stderr as chunks and reports timing', async () => {
    const run = await runCode(
      server.url,
      session,
      [
        'import sys, time',
        'print("one")',
        'time.sleep(0.05)',
        'print("two")',
        '_ = sys.stderr.write("warn\\n")  # the return value would be the main result',
      ].join('\n'),
    );
    expect(run.executionError).toBe('');
    expect(run.stdout.join('')).toBe('one\ntwo\n');
    expect(run.stdout.length).toBeGreaterThanOrEqual(2);
    expect(run.stderr).toEqual(['warn\n']);
    expect(run.result).toEqual([]);
    expect(run.executionCount).toBe(1);
    expect(run.executionTime).toBeGreaterThan(0.04);
    expect(run.executionTime).toBeLessThan(10);
  });

  it('returns a trailing expression as the main result (not None)', async () => {
    const run = await runCode(server.url, session, "print('hello')\nx = 20\nx + 22");
    expect(run.stdout.join('')).toBe('hello\n');
    expect(run.bundles).toEqual([{ isMainResult: true, 'text/plain': '42' }]);
    // The items are JSON strings on the wire.
    expect(typeof run.result[0]).toBe('string');

    const none = await runCode(server.url, session, 'x = 1\nNone');
    expect(none.result).toEqual([]);
    const str = await runCode(server.url, session, "'a' * 3");
    expect(str.bundles[0]).toEqual({ isMainResult: true, 'text/plain': "'aaa'" });
  });

  it('adds rich representations of the main result', async () => {
    const code = [
      'class Rich:',
      "    def _repr_html_(self): return '<b>rich</b>'",
      "    def _repr_markdown_(self): return '**rich**'",
      "    def __repr__(self): return 'Rich()'",
      'Rich()',
    ].join('\n');
    const run = await runCode(server.url, session, code);
    expect(run.bundles).toEqual([
      {
        isMainResult: true,
        'text/plain': 'Rich()',
        'text/html': '<b>rich</b>',
        'text/markdown': '**rich**',
      },
    ]);
  });

  it('turns display() calls into non-main MIME bundles', async () => {
    const code = [
      'import base64',
      'from IPython.display import display, Markdown, HTML, SVG, Image, JSON, Latex',
      "display(Markdown('# Title'))",
      "display(HTML('<p>hi</p>'))",
      `display(Image(data=base64.b64decode('${PNG_1X1}')))`,
      'display(SVG(\'<svg xmlns="http://www.w3.org/2000/svg"></svg>\'))',
      "display(JSON({'a': [1, 2]}))",
      "display(Latex('$x^2$'))",
      "display({'application/vnd.vegalite.v5+json': {'mark': 'bar'}}, raw=True)",
      'class Chart:',
      '    def _repr_mimebundle_(self, include=None, exclude=None):',
      "        return {'application/vnd.vegalite.v5+json': {'mark': 'line'}}",
      'display(Chart())',
      "display('plain')",
      "print('done')",
      '7',
    ].join('\n');
    const run = await runCode(server.url, session, code);
    expect(run.executionError).toBe('');
    expect(run.stdout.join('')).toBe('done\n');
    const [md, html, png, svg, json, latex, vega, chart, plain, main] = run.bundles;
    expect(md).toMatchObject({ isMainResult: false, 'text/markdown': '# Title' });
    expect(md?.['text/plain']).toBe('<IPython.core.display.Markdown object>');
    expect(html).toMatchObject({ isMainResult: false, 'text/html': '<p>hi</p>' });
    // IPython 8.5 ends its base64 with a newline (as in a notebook file); the bytes are the same.
    expect(png).toMatchObject({ isMainResult: false });
    expect(String(png?.['image/png']).trimEnd()).toBe(PNG_1X1);
    expect(svg?.['image/svg+xml']).toContain('<svg');
    expect(json?.['application/json']).toEqual({ a: [1, 2] });
    expect(latex?.['text/latex']).toBe('$x^2$');
    expect(vega?.['application/vnd.vegalite.v5+json']).toEqual({ mark: 'bar' });
    expect(chart?.['application/vnd.vegalite.v5+json']).toEqual({ mark: 'line' });
    expect(plain).toEqual({ isMainResult: false, 'text/plain': "'plain'" });
    expect(main).toEqual({ isMainResult: true, 'text/plain': '7' });
    // Every bundle IPython formats has text/plain; a raw bundle is sent as given, as in Jupyter.
    for (const bundle of run.bundles.filter((b) => b !== vega && b !== chart)) {
      expect(typeof bundle['text/plain']).toBe('string');
    }
  });

  it('offers display() as a builtin and reads images from files', async () => {
    const code = [
      'import base64, pathlib',
      `pathlib.Path('dot.png').write_bytes(base64.b64decode('${PNG_1X1}'))`,
      'from IPython.display import Image',
      "display(Image(filename='dot.png'))",
      "display(Image('dot.png'))",
      "Image(data=b'\\xff\\xd8\\xff\\xe0jpeg')",
    ].join('\n');
    const run = await runCode(server.url, session, code);
    expect(run.executionError).toBe('');
    expect(String(run.bundles[0]?.['image/png']).trimEnd()).toBe(PNG_1X1);
    expect(String(run.bundles[1]?.['image/png']).trimEnd()).toBe(PNG_1X1);
    expect(run.bundles[2]).toMatchObject({ isMainResult: true });
    expect(String(run.bundles[2]?.['image/jpeg']).trimEnd()).toBe('/9j/4GpwZWc=');
  });

  it("reports exceptions as executionError with IPython's traceback on stderr", async () => {
    const code = "print('before')\ndef f(x):\n    return 1 / x\n\nf(0)\nprint('after')";
    const run = await runCode(server.url, session, code);
    expect(run.executionError).toBe('ZeroDivisionError: division by zero');
    expect(run.stdout.join('')).toBe('before\n');
    const stderr = run.stderr.join('');
    // IPython's verbose form, as a Jupyter kernel shows it: the cell's lines with an arrow.
    expect(stderr).toMatch(/^-+\nZeroDivisionError +Traceback \(most recent call last\)\n/);
    expect(stderr).toMatch(/Cell In ?\[\d+\], line 5\n/);
    expect(stderr).toContain('----> 5 f(0)');
    expect(stderr).toMatch(/Cell In ?\[\d+\], line 3, in f\(x\)\n/);
    expect(stderr).toContain('ZeroDivisionError: division by zero');
    // No colours, and none of the server's own frames.
    expect(stderr).not.toContain('\u001b[');
    expect(stderr).not.toMatch(/python_kernel|ipython_shell|interactiveshell/);
    expect(run.result).toEqual([]);
  });

  it('reports syntax errors, and sys.exit as the Jupyter kernel does (an error, state kept)', async () => {
    const syntax = await runCode(server.url, session, 'print(\n');
    expect(syntax.executionError).toMatch(/^SyntaxError: /);
    expect(syntax.stderr.join('')).toMatch(/Cell In ?\[\d+\], line 1\n/);

    await runCode(server.url, session, 'kept = 5');
    const zero = await runCode(server.url, session, 'import sys\nprint("bye")\nsys.exit(0)');
    expect(zero.executionError).toBe('SystemExit: 0');
    expect(zero.stdout.join('')).toBe('bye\n');
    expect(zero.stderr.join('')).toContain(
      'An exception has occurred, use %tb to see the full traceback.\n\nSystemExit: 0\n',
    );
    expect((await runCode(server.url, session, 'import sys\nsys.exit(3)')).executionError).toBe(
      'SystemExit: 3',
    );
    // The kernel lives on: the variable set before is still there.
    expect((await runCode(server.url, session, 'kept')).bundles[0]?.['text/plain']).toBe('5');
  });

  it('runs in the session work dir, shared between runs of the same session', async () => {
    await runCode(server.url, session, "open('state.txt', 'w').write('kept')");
    const run = await runCode(server.url, session, "open('state.txt').read()");
    expect(run.bundles[0]?.['text/plain']).toBe("'kept'");
    const other = await createSession(server.url);
    const isolated = await runCode(server.url, other, "import os\nos.path.exists('state.txt')");
    expect(isolated.bundles[0]?.['text/plain']).toBe('False');
  });

  it('drops a leading byte-order mark, as Python does for a file, and sends a traceId', async () => {
    const run = await runCode(server.url, session, '\uFEFFprint("bom ok")');
    expect(run.executionError).toBe('');
    expect(run.stdout.join('')).toBe('bom ok\n');
    expect(run.traceId).toMatch(/^[0-9a-f]{32}$/);
  });
});
