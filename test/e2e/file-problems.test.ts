// One bad file of several fails on its own, annotated, and the others still run; a problem
// with the step's own inputs still stops the step before any session.
import { marked } from 'marked';
import { beforeAll, describe, expect, it } from 'vitest';
import { activeCommands, runAction, runStep, useServer, workspaceWith } from './harness.ts';

const server = useServer();

interface ResultEntry {
  source: string;
  success: boolean;
  output: string;
  error: string;
}

const results = (outputs: Record<string, string>) =>
  JSON.parse(outputs.results ?? '[]') as ResultEntry[];

const notebook = (source: string, language = 'python') =>
  JSON.stringify({
    nbformat: 4,
    nbformat_minor: 5,
    metadata: { kernelspec: { name: language, language } },
    cells: [{ id: 'a', cell_type: 'code', metadata: {}, outputs: [], source }],
  });

describe('a glob with bad files among good ones', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    const workdir = workspaceWith({
      'nb/a-good.ipynb': notebook('print("good notebook")\n'),
      'nb/b-not-json.ipynb': '{"cells": [',
      'nb/c-julia.ipynb': notebook('1 + 1\n', 'julia'),
      'nb/d-script.py': 'print("good script")\n',
      'nb/e-binary.py': Buffer.from([0x70, 0x00, 0xff]),
      'docs/a-good.md': '```python\nprint("good page")\n```\n',
      'docs/b-bad-marker.md':
        '# Bad\n\n```python\nx = 1\n```\n\n<!--pytest-codeblocks:skip-if(True)-->\n```python\nx\n```\n',
    });
    run = await runAction({
      workdir,
      inputs: { ...server.inputs(), file: 'nb/*', markdown: 'docs/*.md' },
    });
  });

  it('fails each bad file on its own and runs the others', () => {
    expect(run.main.code).toBe(1);
    expect(results(run.main.outputs).map((r) => [r.source, r.success, r.output])).toEqual([
      ['nb/a-good.ipynb cell 1', true, 'good notebook\n'],
      ['nb/b-not-json.ipynb', false, ''],
      ['nb/c-julia.ipynb', false, ''],
      ['nb/d-script.py', true, 'good script\n'],
      ['nb/e-binary.py', false, ''],
      ['docs/a-good.md:1', true, 'good page\n'],
      ['docs/b-bad-marker.md', false, ''],
    ]);
    const errors = results(run.main.outputs).map((r) => r.error);
    expect(errors[1]).toMatch(
      /^Input 'file' names a bad notebook: Notebook 'nb\/b-not-json\.ipynb' is not valid JSON/,
    );
    expect(errors[2]).toMatch(
      /whose metadata names no kernel language the sandbox runs \(it says 'julia'\)/,
    );
    expect(errors[4]).toBe("Input 'file' must be UTF-8 text; 'nb/e-binary.py' is not");
    expect(errors[6]).toMatch(
      /^Input 'markdown' has a bad marker: docs\/b-bad-marker\.md:7: unknown pytest-codeblocks marker/,
    );
    expect(run.main.outputs.failed).toBe('4');
    expect(run.main.outputs.passed).toBe('3');
  });

  it('annotates each bad file, a bad marker at its line', () => {
    const commands = activeCommands(run.main.stdout).filter((c) => c.startsWith('::error'));
    expect(commands.find((c) => c.includes('docs/b-bad-marker.md failed'))).toMatch(
      /title=Input error,file=docs\/b-bad-marker\.md,line=7,/,
    );
    expect(commands.find((c) => c.includes('nb/b-not-json.ipynb failed'))).toMatch(
      /title=Input error,file=nb\/b-not-json\.ipynb::/,
    );
    expect(commands.at(-1)).toMatch(/4 of 7 runs failed/);
  });

  it('shows each bad file among the failures of the summary', () => {
    const html = marked.parse(run.main.summary, { async: false });
    expect(html).toContain('7 runs: 3 passed, 4 failed');
    expect(html).toContain('nb/b-not-json.ipynb');
  });
});

describe('problems with the step’s own inputs', () => {
  it('still stop the step before any session, saying the count', async () => {
    const requests = server.requests().length;
    const files = Object.fromEntries(
      Array.from({ length: 213 }, (_, i) => [`many/f${i}.py`, 'print(1)\n']),
    );
    const main = await runStep('main', {
      workdir: workspaceWith(files),
      inputs: { ...server.inputs(), file: 'many/*.py' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      "Input 'file' matches 213 files, at most 200 in one step; narrow its patterns",
    );
    expect(server.requests().length).toBe(requests);
  });

  it('say how many blocks a page holds past the limit', async () => {
    const page = Array.from({ length: 213 }, (_, i) => `\`\`\`python\nx = ${i}\n\`\`\`\n`).join(
      '\n',
    );
    const main = await runStep('main', {
      workdir: workspaceWith({ 'docs/long.md': page }),
      inputs: { ...server.inputs(), markdown: 'docs/long.md' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toContain(
      "Input 'markdown' holds 213 code blocks, at most 200 in one step; split it into several steps",
    );
  });

  it('a bad language stops the step even among several files', async () => {
    const main = await runStep('main', {
      workdir: workspaceWith({ 'x/a.py': 'print(1)\n', 'x/b.py': 'print(2)\n' }),
      inputs: { ...server.inputs(), file: 'x/*.py', language: 'cobol' },
    });
    expect(main.code).toBe(1);
    expect(main.stdout).toMatch(/Input 'language' must be one of/);
  });
});
