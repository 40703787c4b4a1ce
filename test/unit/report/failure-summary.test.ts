import { describe, expect, it } from 'vitest';
import { AgentBayError } from '../../../src/agentbay/errors.ts';
import { failureCause, failureReport } from '../../../src/step/failure.ts';
import { InputError } from '../../../src/inputs/input-error.ts';
import {
  MAX_SETUP_OUTPUT_CHARS,
  renderFailureSummary,
} from '../../../src/report/failure-summary.ts';
import { SetupFailed } from '../../../src/sandbox/setup-failed.ts';

const api = (code: string, extra: Partial<ConstructorParameters<typeof AgentBayError>[1]> = {}) =>
  new AgentBayError('refused', { kind: 'api', action: 'CreateMcpSession', code, ...extra });

describe('failureCause', () => {
  it.each([
    ['a bad input', new InputError('timeout', 'must be a number'), 'input'],
    ['NOT_LOGIN', api('NOT_LOGIN', { httpStatus: 400 }), 'auth'],
    [
      'a request that never left',
      new AgentBayError('ECONNREFUSED', {
        kind: 'transport',
        action: 'CreateMcpSession',
        notSent: true,
      }),
      'unreachable',
    ],
    [
      'no answer to a create',
      new AgentBayError('timeout', {
        kind: 'transport',
        action: 'CreateMcpSession',
        outcomeUnknown: true,
      }),
      'uncertain',
    ],
    ['throttling', api('Throttling.User', { httpStatus: 400 }), 'capacity'],
    ['HTTP 429', api('', { httpStatus: 429 }), 'capacity'],
    ['a create refused in the body', api('SomeQuota'), 'capacity'],
    [
      'the session gone',
      new AgentBayError('gone', {
        kind: 'api',
        action: 'CallMcpTool',
        code: 'InvalidMcpSession.NotFound',
        httpStatus: 400,
      }),
      'session-gone',
    ],
    ['a failed setup', new SetupFailed(2, 'pip failed', false), 'setup'],
    ['anything else', new Error('boom'), 'service'],
  ])('%s', (_name, error, cause) => {
    expect(failureCause(error)).toBe(cause);
  });
});

describe('renderFailureSummary', () => {
  it('says what failed, without the advice twice, what to do, and whether a session exists', () => {
    const report = failureReport(api('NOT_LOGIN', { httpStatus: 400, requestId: 'REQ-1' }));
    expect(report.message).toContain('Check api-key');
    expect(report.detail).not.toContain('Check api-key');
    const md = renderFailureSummary(report);
    expect(md.split('\n')[0]).toBe('### ❌ AgentBay refused the API key, so nothing ran');
    expect(md).toContain('**What to do:** Check the `api-key` input');
    expect(md).toContain('No sandbox session was created · request <code>REQ&#45;1</code>');
    expect(md.match(/Check/g)).toHaveLength(1);
  });

  it('names the session the post step deletes, or the one that may exist', () => {
    const gone = renderFailureSummary(
      failureReport(
        new AgentBayError('gone', {
          kind: 'api',
          action: 'CallMcpTool',
          code: 'InvalidMcpSession.NotFound',
        }),
        'session-abc',
      ),
    );
    expect(gone).toContain('Session <code>session&#45;abc</code>: the post step deletes it');
    const uncertain = renderFailureSummary(
      failureReport(
        new AgentBayError('timeout', {
          kind: 'transport',
          action: 'CreateMcpSession',
          outcomeUnknown: true,
        }),
      ),
    );
    expect(uncertain).toContain('may or may not have run');
    expect(uncertain).toContain('A session may exist');
  });

  it('keeps a hostile or huge service message inert and short', () => {
    const md = renderFailureSummary({
      cause: 'service',
      message: 'x',
      detail: `<img src=x onerror=alert(1)> [a](javascript:1) @octocat\n# heading\n${'y'.repeat(10_000)}`,
    });
    expect(md).not.toMatch(/<img|\]\(javascript|@octocat|\n# heading/);
    expect(md.length).toBeLessThan(3_000);
    // Shown, escaped, not dropped; and cut.
    expect(md).toContain('&#60;img src&#61;x onerror&#61;alert&#40;1&#41;&#62;');
    expect(md).toContain('&#64;octocat');
    expect(md).toContain('yyyy');
    expect(md).not.toContain('y'.repeat(5_000));
  });
});

describe('a failed setup in the summary', () => {
  it('names setup, quotes the headline only, and shows the whole output collapsed', () => {
    const output = 'Collecting numpy\nERROR: No matching distribution found for nump\n';
    const report = failureReport(new SetupFailed(1, output, false), 'S-1');
    expect(report.message).toContain('ERROR: No matching distribution');
    expect(report.detail).toBe('setup failed with exit code 1; the code did not run.');
    const md = renderFailureSummary(report);
    expect(md.split('\n')[0]).toBe('### ❌ The `setup` script failed, so the code did not run');
    expect(md).toMatch(
      /<details><summary>Setup output<\/summary>\n\n```\nCollecting numpy\nERROR: No matching distribution found for nump\n```\n\n<\/details>/,
    );
  });

  it('keeps the end of a huge output, where the failure is, and fences hostile text', () => {
    const output = `${'x'.repeat(500_000)}\n\`\`\`\n</details><script>alert(1)</script>\nthe last line\n`;
    const md = renderFailureSummary(failureReport(new SetupFailed(2, output, false)));
    expect(md).toContain(`the last ${MAX_SETUP_OUTPUT_CHARS} of ${output.length} characters`);
    expect(md).toContain('the last line');
    expect(md.length).toBeLessThan(MAX_SETUP_OUTPUT_CHARS + 2_000);
    // The fence is longer than any run of backticks inside, so the text stays code.
    expect(md).toMatch(/````\n[\s\S]*<\/details><script>[\s\S]*\n````/);
  });
});
