// Rich results end to end: real Python display() bundles from the local server become files,
// a readable and safe job summary (rendered here with a GFM renderer), and an artifact
// uploaded through @actions/artifact to a loopback stand-in of GitHub's artifact service.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACT_ID, fakeRuntimeToken, JOB_BACKEND_ID, RUN_BACKEND_ID } from '../fake-github.ts';
import {
  activeCommands,
  expectNoSecretWritten,
  makeWorkdir,
  runStep,
  TEST_KEY,
  unzip,
  useFakeGitHub,
  useServer,
  type StepResult,
  type Workdir,
} from './harness.ts';

const server = useServer();
const github = useFakeGitHub();

// A 1×1 PNG and bytes that start like a JPEG: what matters is that they arrive decoded.
const PNG_B64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==';
const JPEG_HEX = 'ffd8ffe000104a46494600010100000100010000ffd9';

const RICH_CODE = String.raw`
import base64
from IPython.display import display, Markdown, HTML, SVG, Image, JSON, Latex
display(Markdown("""# Quarterly report

Revenue is **up**. <script>alert("md")</script> <img src=x onerror=alert(1)>

![tracker](https://evil.example/pixel.png) [click](javascript:alert(1)) [docs](https://example.com/docs)
[ref]: javascript:alert(2)

| a | b |
| - | - |
| 1 | 2 |

~~~html
<b>code stays code</b>
~~~

ping @octocat
"""))
display(HTML('<script>alert("html")</script><b>table</b>'))
display(SVG('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"><rect width="4" height="4"/></svg>'))
display(Image(data=base64.b64decode("${PNG_B64}")))
display(Image(data=bytes.fromhex("${JPEG_HEX}"), format="jpeg"))
display(JSON({"rows": 3, "ok": True}))
display({"application/vnd.vegalite.v5+json": {"mark": "bar", "data": {"values": [{"a": 1}]}}}, raw=True)
display({"application/vnd.vega.v5+json": {"marks": []}}, raw=True)
display(Latex(r"$e^{i\pi} + 1 = 0$"))
print("printed")
6 * 7
`;

function filesOutput(main: StepResult): Array<{ path: string; mimeType: string }> {
  return JSON.parse(main.outputs.files ?? '[]');
}

function render(markdown: string): string {
  return marked.parse(markdown, { gfm: true, async: false });
}

describe('rich results from Python display()', () => {
  let main: StepResult;
  let workdir: Workdir;
  beforeAll(async () => {
    github.reset();
    workdir = makeWorkdir();
    main = await runStep('main', {
      workdir,
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: RICH_CODE,
        artifact: 'sandbox-results',
      },
      env: github.artifactEnv(),
    });
  });

  it('succeeds with the main result as output', () => {
    expect(main.code).toBe(0);
    expect(main.outputs.output).toBe('42');
    expect(main.outputs.stdout).toBe('printed\n');
  });

  it('writes every non-text result to a file under RUNNER_TEMP, listed in `files`', () => {
    const files = filesOutput(main);
    expect(files.map((f) => f.mimeType).sort()).toEqual(
      [
        'application/json',
        'application/vnd.vega.v5+json',
        'application/vnd.vegalite.v5+json',
        'image/jpeg',
        'image/png',
        'image/svg+xml',
        'text/html',
        'text/latex',
      ].sort(),
    );
    const byType = Object.fromEntries(files.map((f) => [f.mimeType, f.path]));
    for (const file of files) {
      expect(path.isAbsolute(file.path)).toBe(true);
      expect(existsSync(file.path)).toBe(true);
      expect(file.path).toContain(`${path.sep}agentbay-run-code${path.sep}`);
    }
    expect(readFileSync(byType['image/png']!)).toEqual(Buffer.from(PNG_B64, 'base64'));
    expect(readFileSync(byType['image/jpeg']!)).toEqual(Buffer.from(JPEG_HEX, 'hex'));
    expect(byType['image/png']).toMatch(/\.png$/);
    expect(byType['image/jpeg']).toMatch(/\.jpg$/);
    expect(readFileSync(byType['image/svg+xml']!, 'utf8')).toMatch(/^<svg /);
    expect(readFileSync(byType['text/html']!, 'utf8')).toBe(
      '<script>alert("html")</script><b>table</b>',
    );
    expect(JSON.parse(readFileSync(byType['application/json']!, 'utf8'))).toEqual({
      rows: 3,
      ok: true,
    });
    expect(byType['application/vnd.vegalite.v5+json']).toMatch(/\.vl5\.json$/);
    expect(JSON.parse(readFileSync(byType['application/vnd.vegalite.v5+json']!, 'utf8'))).toEqual({
      mark: 'bar',
      data: { values: [{ a: 1 }] },
    });
    expect(byType['application/vnd.vega.v5+json']).toMatch(/\.vg5\.json$/);
    expect(readFileSync(byType['text/latex']!, 'utf8')).toBe('$e^{i\\pi} + 1 = 0$');
  });

  it('keeps the files list in the result JSON too', () => {
    const result = JSON.parse(readFileSync(main.outputs['result-file']!, 'utf8'));
    expect(result.files.map((f: any) => f.path).sort()).toEqual(
      filesOutput(main)
        .map((f) => f.path)
        .sort(),
    );
  });

  it('opens the summary with a verdict, then the table', () => {
    const lines = main.summary.split('\n');
    expect(lines[0]).toBe('### ✅ Python code ran successfully');
    expect(lines[2]).toBe('| Language | Verdict | Run time | Total time |');
    const html = render(main.summary);
    expect(html).toMatch(/^<h3>✅ Python code ran successfully<\/h3>/);
    expect(html).toContain('<th>Language</th>');
    expect(html).toContain('<td>Python</td>');
  });

  it('renders the Markdown result in its own section, without any HTML from the sandbox', () => {
    const html = render(main.summary);
    expect(html).toContain('<h4>Markdown 1</h4>');
    // The sandbox's `#` is demoted below the page's own headings.
    expect(html).toContain('<h5>Quarterly report</h5>');
    expect(html).toContain('<strong>up</strong>');
    expect(html).toMatch(/<table>[\s\S]*<td>1<\/td>[\s\S]*<\/table>/);
    expect(html).toContain('<a href="https://example.com/docs">docs</a>');
    // Code in the Markdown stays code, shown literally.
    expect(html).toMatch(/<pre><code class="language-html">&lt;b&gt;code stays code&lt;\/b&gt;/);
    // Nothing that acts: no tags of the sandbox's, no images, no script links, no mention.
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/href="javascript:/i);
    expect(html).not.toMatch(/<[^>]+onerror=/i);
    expect(html).not.toContain('<b>table</b>');
    // The code (ours, in a code block) is the only place the raw text may appear.
    expect(main.summary.split('<details><summary>Code')[0]).not.toMatch(/<script|<img/i);
    expect(html).not.toMatch(/<a [^>]*>@?octocat/);
  });

  it('lists images (with their size), HTML and charts by file name, linked to the artifact', () => {
    const html = render(main.summary);
    expect(html).toContain('<h4>Files</h4>');
    const artifactPage = `https://github.com/octo/agentbay-demo/actions/runs/4242/artifacts/${ARTIFACT_ID}`;
    for (const file of filesOutput(main)) {
      expect(html).toContain(`<a href="${artifactPage}">${path.basename(file.path)}</a>`);
    }
    expect(html).toContain('<td>PNG</td>');
    expect(html).toContain('<td>1 × 1, 70 B</td>');
    expect(html).toContain('<td>4 × 4, 95 B</td>'); // the SVG's own width and height
    expect(html).toContain('<td>Vega-Lite chart</td>');
    expect(html).toContain('<td>Vega chart</td>');
    const url = `https://github.com/octo/agentbay-demo/actions/runs/4242/artifacts/${ARTIFACT_ID}`;
    expect(html).toContain(`<a href="${url}">sandbox-results</a>`);
    expect(main.outputs['artifact-url']).toBe(url);
  });

  it('uploads the files and the whole result as one artifact', () => {
    const calls = github.calls().map((c) => `${c.method} ${c.path}`);
    expect(calls[0]).toBe(
      'POST /twirp/github.actions.results.api.v1.ArtifactService/CreateArtifact',
    );
    expect(calls.at(-1)).toBe(
      'POST /twirp/github.actions.results.api.v1.ArtifactService/FinalizeArtifact',
    );
    expect(github.calls()[0]!.authorization).toBe(`Bearer ${fakeRuntimeToken()}`);
    const [artifact] = github.artifacts();
    expect(artifact).toMatchObject({
      name: 'sandbox-results',
      finalized: true,
      workflowRunBackendId: RUN_BACKEND_ID,
      workflowJobRunBackendId: JOB_BACKEND_ID,
    });
    const entries = unzip(artifact!.content);
    const sessionId = main.outputs['session-id']!;
    const names = Object.keys(entries).sort();
    expect(names).toContain(`${sessionId}.json`);
    for (const file of filesOutput(main)) {
      expect(names).toContain(`${sessionId}-files/${path.basename(file.path)}`);
    }
    const png = filesOutput(main).find((f) => f.mimeType === 'image/png')!;
    expect(entries[`${sessionId}-files/${path.basename(png.path)}`]).toEqual(
      Buffer.from(PNG_B64, 'base64'),
    );
    const result = JSON.parse(entries[`${sessionId}.json`]!.toString('utf8'));
    // The output is held once, where the pointer says: the main result's text.
    expect(result).not.toHaveProperty('output');
    const [, kind, index] = String(result.outputPointer).split('/');
    expect(kind).toBe('results');
    expect(result.results[Number(index)].data['text/plain']).toBe('42');
    expect(result.results).toHaveLength(10);
  });

  it('prints no workflow command of the sandbox, and never the API key', () => {
    expect(
      activeCommands(main.stdout).filter((c) => !/^::(group|endgroup|add-mask|debug)/.test(c)),
    ).toEqual([]);
    expectNoSecretWritten([TEST_KEY], {
      steps: [main],
      workdir,
      texts: { 'GitHub requests': JSON.stringify(github.calls()) },
    });
  });
});

describe('plain results', () => {
  it('shows results that are only text in code blocks', async () => {
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'display("first <b>plain</b>")\ndisplay(7)\n',
      },
    });
    expect(main.code).toBe(0);
    expect(main.outputs.files).toBe('[]');
    const html = render(main.summary);
    // The first is the Output; the second gets its own block.
    expect(html).toContain('<summary>Output</summary>');
    expect(html).toContain('&#39;first &lt;b&gt;plain&lt;/b&gt;&#39;');
    expect(html).toMatch(/<h4>Result 1<\/h4>\s*<pre><code>7\n<\/code><\/pre>/);
    expect(html).not.toContain('<b>plain</b>');
    expect(html).not.toContain('<h4>Files</h4>');
  });
});

describe('artifact problems', () => {
  it('an upload that cannot happen is a warning, and the run still succeeds', async () => {
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'print(1)\n',
        artifact: 'results',
      },
    });
    expect(main.code).toBe(0);
    expect(main.stdout).toMatch(
      /::warning::Could not upload the artifact 'results': Unable to get the ACTIONS_RUNTIME_TOKEN env variable/,
    );
    expect(main.outputs['artifact-url']).toBe('');
    expect(main.summary).not.toContain('/artifacts/');
  });

  it('a bad artifact name is refused before any session is created', async () => {
    const before = server.requests().length;
    const main = await runStep('main', {
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'print(1)\n',
        artifact: 'a/b',
      },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain("::error::Input 'artifact' must be an artifact name without");
    expect(server.requests().length).toBe(before);
  });
});
