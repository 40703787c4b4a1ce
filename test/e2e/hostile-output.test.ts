// Untrusted sandbox output must never act as a workflow command, never become HTML or
// escaping Markdown in the summary, and never smuggle outputs.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  activeCommands,
  expectNoSecretWritten,
  runAction,
  TEST_KEY,
  useServer,
} from './harness.ts';

const server = useServer();

const HOSTILE_LINES = [
  '::error::pwned',
  '::warning file=src/a.py,line=1::fake annotation',
  '::add-mask::hello',
  '::set-output name=success::hacked',
  '::save-state name=session-id::evil',
  '::stop-commands::abc',
  '::abc::',
  '::error::after a forged resume token',
  '::endgroup::',
  '::group::forged group',
  '``````',
  '</details></details>',
  '<script>alert(1)</script>',
  '<img src="https://evil.example/x.png" onerror="alert(1)">',
  '[click me](javascript:alert(1))',
  '@octocat please look',
  'success<<EOF',
  'hacked',
  'EOF',
];

describe('hostile sandbox output', () => {
  let run: Awaited<ReturnType<typeof runAction>>;
  beforeAll(async () => {
    const payload = JSON.stringify(HOSTILE_LINES.join('\n'));
    run = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: `import sys\ntext = ${payload}\nprint(text)\nprint(text, file=sys.stderr)\nraise RuntimeError(text)\n`,
        'fail-on-error': 'false',
      },
    });
  });

  it('prints every hostile line, but none is read as a workflow command', () => {
    for (const line of HOSTILE_LINES) expect(run.main.stdout).toContain(line);
    const commands = activeCommands(run.main.stdout);
    // Only the action's own commands: groups, the mask for the key, the warning it issues.
    for (const command of commands) {
      expect(command).toMatch(
        /^::(group::(Output|stdout|stderr|Error) \(\d+ characters\)|endgroup::|debug::|add-mask::akm-TEST|warning title=Python error at line 5::The python code failed)/,
      );
    }
    // The sandbox's error text stays inside the action's own warning message, on its line.
    expect(commands.filter((c) => c.startsWith('::warning'))).toEqual([
      '::warning title=Python error at line 5::The python code failed: RuntimeError: ::error::pwned (fail-on-error is false, so the step succeeds)',
    ]);
  });

  it('outputs are exactly the ones the action sets, with the real values', () => {
    expect(Object.keys(run.main.outputs).sort()).toEqual(
      [
        'artifact-url',
        'download-dir',
        'error',
        'execution-time',
        'files',
        'output',
        'request-id',
        'result-file',
        'session-id',
        'stderr',
        'stdout',
        'success',
        'truncated',
      ].sort(),
    );
    expect(run.main.outputs.success).toBe('false');
    expect(run.main.outputs.stdout).toBe(`${HOSTILE_LINES.join('\n')}\n`);
    const saved = JSON.parse(run.main.state.sessions!) as Array<{ id: string }>;
    expect(saved.map((s) => s.id)).toEqual([run.main.outputs['session-id']]);
    expect(Object.keys(run.main.state).sort()).toEqual(['cleanup-token', 'create', 'sessions']);
  });

  it('the summary shows the text only inside code blocks it cannot close', () => {
    const outside = textOutsideCodeBlocks(run.main.summary);
    for (const needle of [
      '<script',
      '<img',
      'javascript:',
      '</details></details>',
      '@octocat',
      '``````',
      '::error::',
    ]) {
      expect(outside).not.toContain(needle);
    }
    // Still all there for a reader, inside the blocks.
    expect(run.main.summary).toContain('<script>alert(1)</script>');
    // The verdict line carries the error, escaped.
    const verdict = run.main.summary.split('\n')[0]!;
    expect(verdict).toMatch(
      /^### ❌ Python code failed at line 5: RuntimeError&#58; &#58;&#58;error&#58;&#58;pwned/,
    );
    expect(verdict).not.toMatch(/[<>[\]`@]/);
  });

  it('the post step still cleans up', () => {
    expect(run.post.code).toBe(0);
    expect(server.sessions().find((s) => s.id === run.main.outputs['session-id'])!.status).not.toBe(
      'RUNNING',
    );
    expect(readFileSync(run.main.outputs['result-file']!, 'utf8')).toContain(
      '::set-output name=success::hacked',
    );
  });
});

/** Removes fenced code blocks (fence = run of 3+ backticks; closed by a run at least as long). */
function textOutsideCodeBlocks(markdown: string): string {
  const kept: string[] = [];
  let fence = '';
  for (const line of markdown.split('\n')) {
    const match = /^(`{3,})/.exec(line);
    if (!fence && match) {
      fence = match[1]!;
      continue;
    }
    if (fence) {
      if (new RegExp(`^${fence}\`*\\s*$`).test(line)) fence = '';
      continue;
    }
    kept.push(line);
  }
  expect(fence, 'every code block is closed').toBe('');
  return kept.join('\n');
}

describe('an enormous error message', () => {
  it('is cut to a headline everywhere, and the summary stays under 1 MiB', async () => {
    const { main } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: 'raise ValueError("x." * 300000)\n',
      },
    });
    expect(main.code).toBe(1);
    expect(main.outputs.error!.length).toBeLessThanOrEqual(1_000);
    expect(main.outputs.error!.startsWith('ValueError: x.x.')).toBe(true);
    expect(Buffer.byteLength(main.summary)).toBeLessThan(1024 * 1024);
    expect(main.summary.split('\n')[0]!.length).toBeLessThan(8_000);
    const failure = main.stdout.split('\n').find((l) => l.startsWith('::error'))!;
    expect(failure.length).toBeLessThan(1_100);
    const file = JSON.parse(readFileSync(main.outputs['result-file']!, 'utf8'));
    expect(file.errorDetail.length).toBeGreaterThan(600_000);
  });
});

describe('a secret in the error headline', () => {
  it('is taken out before escaping, so neither raw nor escaped forms reach the summary', async () => {
    const { main, workdir } = await runAction({
      inputs: {
        ...server.inputs(),
        language: 'python',
        code: `raise ValueError("leaked ${TEST_KEY} here")\n`,
      },
    });
    expect(main.outputs.error).toBe('ValueError: leaked *** here');
    expectNoSecretWritten([TEST_KEY], { steps: [main], workdir });
    expect(main.summary.split('\n')[0]).toContain('leaked &#42;&#42;&#42; here');
  });
});
