// Adversarial sandbox results against the summary renderer.
import { describe, expect, it } from 'vitest';
import { parseRunCodeData, type CodeRunResult } from '../../../src/agentbay/run-code-result.ts';
import type { RunReport } from '../../../src/report/run-report.ts';
import { renderSummary } from '../../../src/report/summary.ts';
import { SUMMARY_MAX_BYTES } from '../../../src/report/truncate.ts';

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
